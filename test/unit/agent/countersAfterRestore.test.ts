// OPC UA counters after a restore from backup (local-store/counters.ts, integrity.ts): the backup's last values
// are older than what was counted and confirmed in the lost part of the file, so the first reading after the
// restore is a baseline and the gap goes to the audit log; the backup's unconfirmed increments are dropped and
// audited too. Real files: a real backup, a real damaged file, the real recovery.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OpcuaSample, SignalRole } from '../../../connectors/opcua/index.js';
import { getAccumulator, getCounterState } from '../../../local-store/counters.js';
import { listAudit, onlineBackup, openDatabase, openStore, type WritableDb } from '../../../local-store/index.js';
import { CounterConfirmations, type CounterLine } from '../../../main/agent/counterConfirmations.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { addEvent, damageMiddle } from '../local-store/storeRows.js';
import { tempDir } from '../local-store/tempDb.js';

const logger = createLogger('silent');
const T = Date.parse('2026-03-02T08:00:00.000Z');
const LINE: CounterLine = {
  source: 'plc', line: 'L1', goodNode: 'ns=1;s=L1.Good', scrapNode: 'ns=1;s=L1.Scrap', counterMax: 0xffff_ffff, confirmEveryS: 60,
  operation: '0010', unit: 'PC',
};
const NODES: Record<SignalRole, string> = { good: LINE.goodNode, scrap: LINE.scrapNode, order: 'ns=1;s=L1.Order', state: 'ns=1;s=L1.State', stateReason: 'ns=1;s=L1.Reason' };

function pipeline(db: WritableDb, now: () => number) {
  const counters = new CounterConfirmations({ db, logger, plant: '1010', lines: [LINE], now });
  const ingest = new Ingest(db, logger, { counters });
  return {
    counters,
    send(role: SignalRole, value: number | string, t: number): void {
      const sample: OpcuaSample = { source: 'plc', signal: { line: 'L1', role, nodeId: NODES[role] }, value, sourceTime: t, receivedAt: t };
      ingest.commitOpcua(sample);
    },
  };
}

const confirmedYield = (db: WritableDb): number =>
  (db.prepare("SELECT body FROM event WHERE kind = 'confirmation'").all() as { body: string }[]).reduce((sum, r) => sum + (JSON.parse(r.body) as { yieldQty: number }).yieldQty, 0);

describe('counters after a restore from backup', () => {
  it('re-baselines each counter on its first reading, reports the gap, and drops the backup\'s unconfirmed increments', async () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const backupDir = join(dir, 'backups');
    let now = T;
    const db = openDatabase(file);
    const before = pipeline(db, () => now);
    before.send('order', '1000001', T);
    before.send('good', 100, T);
    before.send('good', 105, T + 1000);
    // The backup holds: last value 105, 5 parts counted but not confirmed.
    const backup = await onlineBackup(db, backupDir, T + 2000);
    // The part of the file that will be lost: the 5 and 45 more are confirmed (and could be posted by now).
    before.send('good', 150, T + 3000);
    now = T + 120_000;
    expect(before.counters.confirmDue()).toHaveLength(1);
    expect(confirmedYield(db)).toBe(50);
    // Enough rows that the damage lands in a table page.
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) addEvent(db, 'posted', T + i, 600);
    })();
    db.close();
    damageMiddle(file);

    const opened = openStore(file, { backupDir, now: () => T + 200_000 });
    onTestFinished(() => {
      if (opened.db.open) opened.db.close();
    });
    expect(opened.recovery).toMatchObject({ recoveredFrom: backup, countersRebaselined: 1, droppedIncrements: [{ line: 'L1', good: 5, scrap: 0, orderId: '1000001' }] });
    const restored = opened.db;
    expect(getCounterState(restored, 'plc', LINE.goodNode)).toBeUndefined();
    expect(getAccumulator(restored, 'plc', 'L1')).toMatchObject({ good: 0, scrap: 0 });

    now = T + 300_000;
    const after = pipeline(restored, () => now);
    after.send('good', 160, T + 300_000);
    // Neither 160 - 105 = 55 nor the dropped 5: they may already be in the ERP through the lost confirmation.
    expect(getAccumulator(restored, 'plc', 'L1').good).toBe(0);
    expect(getCounterState(restored, 'plc', LINE.goodNode)?.value).toBe(160);
    const audit = listAudit(restored, 10);
    expect(audit.find((e) => e.action === 'counter.increments.dropped')).toMatchObject({ subject: 'plc/L1', before: { good: 5, scrap: 0, orderId: '1000001' } });
    expect(audit.find((e) => e.action === 'counter.rebaseline')).toMatchObject({
      subject: `plc/L1/${LINE.goodNode}`, before: { value: 105 }, after: { value: 160, notCounted: 55 },
    });
    // From then on counting is as usual, and the gap is reported only once.
    after.send('good', 170, T + 301_000);
    expect(getAccumulator(restored, 'plc', 'L1').good).toBe(10);
    expect(listAudit(restored, 10).filter((e) => e.action === 'counter.rebaseline')).toHaveLength(1);
    now = T + 400_000;
    after.counters.confirmDue();
    expect(confirmedYield(restored)).toBe(10);
  });

  it('counts a counter as usual when no restore set its value aside (a plain first reading is a baseline, no report)', () => {
    const db = openDatabase(join(tempDir(), 'plantdesk.db'));
    onTestFinished(() => {
      db.close();
    });
    const p = pipeline(db, () => T);
    p.send('good', 100, T);
    p.send('good', 130, T + 1000);
    expect(getAccumulator(db, 'plc', 'L1').good).toBe(30);
    expect(listAudit(db, 10).filter((e) => e.action.startsWith('counter.'))).toHaveLength(0);
  });
});
