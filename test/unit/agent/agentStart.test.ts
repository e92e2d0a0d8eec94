// The start-up order around the background integrity check (main/agent/agentStart.ts) on real SQLite files and a
// real worker thread: the API answers while the check runs, intake starts only once it passed, and damage found
// by the check stops the agent, keeps the damaged file aside, restores the newest backup and starts a new agent
// behind the same API object. The agent here is a small stand-in that records what the start-up order told it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Health } from '../../../domain/index.js';
import { onlineBackup, openDatabase, type StoreOpening } from '../../../local-store/index.js';
import type { ServedApi } from '../../../main/agent/apiDispatch.js';
import { startCheckedAgent, type StartGate } from '../../../main/agent/agentStart.js';
import { createLogger } from '../../../main/agent/index.js';
import { addEvent, count, damageMiddle } from '../local-store/storeRows.js';
import { tempDir } from '../local-store/tempDb.js';

const T0 = Date.UTC(2025, 2, 4, 6, 0, 0);

interface Instance {
  readonly store: StoreOpening;
  readonly gate: StartGate;
  /** What the gate said when the stand-in asked whether to start intake. */
  passed?: boolean;
  intakeStarted: boolean;
  integrityAtApiReady: string;
  stopped: boolean;
}

/** A stand-in agent: its API answers from its store; "intake" is a flag set only if the gate lets it start. */
function standIn(instances: Instance[]) {
  return async (store: StoreOpening, gate: StartGate) => {
    const instance: Instance = { store, gate, intakeStarted: false, integrityAtApiReady: gate.integrityCheck().state, stopped: false };
    instances.push(instance);
    const api = {
      getHealth: async () => ({ store: { integrity: gate.integrityCheck().state, events: count(store.db, 'SELECT COUNT(*) AS n FROM event') } }) as unknown as Health,
      onDashboard: () => () => undefined,
    } as unknown as ServedApi;
    gate.apiReady(api);
    instance.passed = await gate.checkPassed();
    if (!instance.passed) return null;
    instance.intakeStarted = true;
    return {
      db: store.db,
      async stop() {
        instance.stopped = true;
        store.db.close();
      },
    };
  };
}

function storeWithEvents(file: string, n: number, at = T0): void {
  const db = openDatabase(file);
  db.transaction(() => {
    for (let i = 0; i < n; i++) addEvent(db, 'posted', at + i, 600);
  })();
  db.close();
}

const logger = createLogger('silent');

describe('start-up order around the integrity check', () => {
  it('serves the API while the check runs and starts intake only after it passed', async () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    storeWithEvents(file, 3000);
    const instances: Instance[] = [];
    const agent = await startCheckedAgent({ file, backupDir: join(dir, 'backups'), logger, start: standIn(instances) });
    try {
      expect(instances).toHaveLength(1);
      expect(instances[0]!.integrityAtApiReady).toBe('checking');
      expect(instances[0]!.intakeStarted).toBe(false);
      const health = (await agent.api.getHealth()) as unknown as { store: { events: number } };
      expect(health.store.events).toBe(3000);
      await expect.poll(() => instances[0]!.intakeStarted, { timeout: 10_000 }).toBe(true);
      expect(instances[0]!.gate.integrityCheck().state).toBe('passed');
      expect(instances).toHaveLength(1);
    } finally {
      await agent.stop();
    }
    expect(instances[0]!.stopped).toBe(true);
  });

  it('on damage found by the check: no intake on the damaged file, the file kept aside, a new agent on the newest backup', async () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const backupDir = join(dir, 'backups');
    const db = openDatabase(file);
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) addEvent(db, 'posted', T0 + i, 600);
    })();
    const backup = await onlineBackup(db, backupDir, T0 + 10_000);
    db.transaction(() => {
      for (let i = 0; i < 500; i++) addEvent(db, 'posted', T0 + 20_000 + i, 600);
    })();
    db.close();
    damageMiddle(file);
    const damagedBytes = readFileSync(file);

    const instances: Instance[] = [];
    const agent = await startCheckedAgent({ file, backupDir, logger, start: standIn(instances) });
    try {
      await expect.poll(() => instances.length, { timeout: 10_000 }).toBe(2);
      const [damaged, restored] = instances as [Instance, Instance];
      expect(damaged.passed).toBe(false);
      expect(damaged.intakeStarted).toBe(false);
      expect(damaged.store.db.open).toBe(false);
      expect(restored.store.recovery).toMatchObject({ recoveredFrom: backup });
      expect(readFileSync(restored.store.recovery!.damagedFileKeptAt).equals(damagedBytes)).toBe(true);
      await expect.poll(() => restored.intakeStarted).toBe(true);
      // The same API object now answers from the restored file: the 3000 events of the backup.
      const health = (await agent.api.getHealth()) as unknown as { store: { events: number } };
      expect(health.store.events).toBe(3000);
      expect(agent.db).toBe(restored.store.db);
      expect(existsSync(backup)).toBe(true);
    } finally {
      await agent.stop();
    }
  });

  it('a stop while the check runs starts no intake and releases the file', async () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    storeWithEvents(file, 3000);
    const instances: Instance[] = [];
    const agent = await startCheckedAgent({ file, backupDir: join(dir, 'backups'), logger, start: standIn(instances) });
    await agent.stop();
    expect(instances[0]!.intakeStarted).toBe(false);
    expect(instances[0]!.store.db.open).toBe(false);
    const again = openDatabase(file);
    expect(count(again, 'SELECT COUNT(*) AS n FROM event')).toBe(3000);
    again.close();
  });
});
