// A damaged buffer file at start, with the real agent (`plantdesk console` as a child process) and the ERP
// simulator over HTTP: the agent starts, keeps the damaged file aside, restores the newest backup, says so in
// health and the log, and reads the restored ready confirmations back from the ERP before posting them.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health, QueueCounts } from '../../domain/index.js';
import { insertEvent, insertRawMessage, moveEvent, onlineBackup, openDatabase, type WritableDb } from '../../local-store/index.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';
import { damageMiddle } from '../unit/local-store/storeRows.js';

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** A confirmation of the demo order as the intake stores it; `posted` ones carry an ERP document. */
function addConfirmation(db: WritableDb, status: 'ready' | 'posted', at: number): string {
  const eventId = randomUUID();
  const rawId = insertRawMessage(db, {
    idempotencyKey: `mqtt:mes:${eventId}`, source: 'mes', channel: 'plant/1010/L1/confirmation', payload: 'p'.repeat(1500), receivedAt: at,
    correlationId: eventId, status: 'mapped', mappingVersion: 'mes-json-v1',
  })!;
  const body = {
    kind: 'confirmation' as const, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', yieldQty: 1, scrapQty: 0, unit: 'PC', final: false,
    end: new Date(at).toISOString(),
  };
  insertEvent(db, { eventId, rawId, body, status: 'ready', correlationId: eventId, at });
  if (status === 'posted') {
    moveEvent(db, eventId, { to: 'sending', at, actor: 'system' });
    moveEvent(db, eventId, { to: 'posted', at, actor: 'erp', erpDocument: '0000000001/00000001' });
  }
  return eventId;
}

/** Health once the integrity check of this start (on a worker since the API opened) is over. */
function checked(url: string): Promise<Health> {
  return waitFor(async () => {
    const health = await getJson<Health>(`${url}/api/v1/health`);
    return health.store?.integrity === 'checking' ? undefined : health;
  }, 15_000, 'the integrity check at start');
}

function writeConfig(dataDir: string, erpUrl: string): string {
  const file = join(dataDir, 'plant.yaml');
  writeFileSync(file, `
plant: "1010"
erp:
  kind: sap-odata
  baseUrl: ${erpUrl}
  sapClient: "100"
  postIntervalMs: 200
store:
  retentionDays: 30
  backup: { everyHours: 24, keep: 7 }
`);
  return file;
}

describe('store recovery at start (real agent, real files)', () => {
  let erp: ErpSimulator;
  let agent: ConsoleProcess | undefined;

  beforeAll(async () => {
    erp = await startErpSimulator({ port: 0 });
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await erp?.stop();
  });

  it('restores the newest backup over a damaged file, keeps the damaged one, reports it, and posts nothing twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-store-recovery-'));
    const file = join(dataDir, 'plantdesk.db');
    const backupDir = join(dataDir, 'backups');
    const start = Date.now() - 3_600_000;
    const db = openDatabase(file);
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) addConfirmation(db, 'posted', start + i);
    })();
    const readyInBackup = db.transaction(() => Array.from({ length: 20 }, (_, i) => addConfirmation(db, 'ready', start + 5000 + i)))();
    // What the daily backup writes; then more arrives, then the disk damages the file.
    const backup = await onlineBackup(db, backupDir, start + 10_000);
    db.transaction(() => {
      for (let i = 0; i < 50; i++) addConfirmation(db, 'ready', start + 20_000 + i);
    })();
    db.close();
    damageMiddle(file);
    const damagedBytes = readFileSync(file);

    agent = await startConsole(['--config', writeConfig(dataDir, erp.url), '--data', dataDir, '--port', '0']);
    const health = await checked(agent.url);
    expect(health.status).toBe('degraded');
    expect(health.store).toMatchObject({ integrity: 'recovered', recoveredFrom: backup, recoveredBackupTakenAt: new Date(start + 10_000).toISOString() });
    expect(health.store?.warning).toMatch(/^The buffer file was damaged at start .* The backup of .* was restored: records received after it are only in the damaged file/);
    expect(health.store?.damagedFileKeptAt).toMatch(/plantdesk\.db\.damaged-\d{8}T\d{9}Z$/);
    expect(readFileSync(health.store!.damagedFileKeptAt!).equals(damagedBytes)).toBe(true);
    expect(existsSync(backup)).toBe(true);
    expect(agent.output()).toContain('The buffer file was damaged at start');

    // The 20 ready confirmations of the backup are read back (not found), then posted, each once.
    const queue = await waitFor(async () => {
      const q = await getJson<QueueCounts>(`${agent!.url}/api/v1/queue`);
      return q.sending === 0 && q.ready === 0 && q.posted === 2020 ? q : undefined;
    }, 30_000, 'the restored ready confirmations posted');
    expect(queue.exception).toBe(0);
    for (const eventId of readyInBackup) expect(erp.received.filter((r) => r.externalSystemConfirmation === eventId)).toHaveLength(1);

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    agent = undefined;
    const after = new Database(file, { readonly: true });
    try {
      expect(after.pragma('quick_check', { simple: true })).toBe('ok');
      const readBack = after.prepare("SELECT COUNT(*) AS n FROM event_history WHERE from_status = 'ready' AND to_status = 'sending' AND reason LIKE 'restored from backup %'").get();
      expect(readBack).toEqual({ n: 20 });
    } finally {
      after.close();
    }
  });

  it('starts empty when the file is damaged and there is no backup, and says so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-store-recovery-'));
    const file = join(dataDir, 'plantdesk.db');
    const db = openDatabase(file);
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) addConfirmation(db, 'posted', Date.now() - 1000 + i);
    })();
    db.close();
    damageMiddle(file);

    agent = await startConsole(['--config', writeConfig(dataDir, erp.url), '--data', dataDir, '--port', '0']);
    const health = await checked(agent.url);
    expect(health.store).toMatchObject({ integrity: 'recovered', lastBackupAt: null });
    expect(health.store?.recoveredFrom).toBeUndefined();
    expect(health.store?.warning).toMatch(/No usable backup was found, so the buffer started empty/);
    expect(existsSync(health.store!.damagedFileKeptAt!)).toBe(true);
    const queue = await getJson<QueueCounts>(`${agent.url}/api/v1/queue`);
    expect(queue.posted).toBe(0);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    agent = undefined;
  });
});
