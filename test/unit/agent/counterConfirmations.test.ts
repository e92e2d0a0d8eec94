import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OpcuaSample, SignalRole } from '../../../connectors/opcua/index.js';
import { getAccumulator, getCounterState } from '../../../local-store/counters.js';
import { openDatabase, type WritableDb } from '../../../local-store/index.js';
import { CounterConfirmations, counterConfirmationKey, type CounterLine } from '../../../main/agent/counterConfirmations.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { tempDir } from '../local-store/tempDb.js';

const logger = createLogger('silent');
const T = Date.parse('2026-03-02T08:00:00.000Z');
const LINE: CounterLine = {
  source: 'plc', line: 'L1', goodNode: 'ns=1;s=L1.Good', scrapNode: 'ns=1;s=L1.Scrap', counterMax: 0xffff_ffff, confirmEveryS: 60,
  operation: '0010', workCenter: 'WC-L1', unit: 'PC',
};
const NODES: Record<SignalRole, string> = { good: LINE.goodNode, scrap: LINE.scrapNode, order: 'ns=1;s=L1.Order', state: 'ns=1;s=L1.State', stateReason: 'ns=1;s=L1.Reason' };

interface Harness {
  readonly db: WritableDb;
  readonly counters: CounterConfirmations;
  readonly ingest: Ingest;
  /** Commits a value as the OPC UA source would (raw row + counter, one transaction). */
  send(role: SignalRole, value: number | string | null, t: number): void;
}

/** An agent's counter pipeline over the database file in dir; `now` is the agent clock. */
function open(file: string, now: () => number, line: CounterLine = LINE): Harness {
  const db = openDatabase(file);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  const counters = new CounterConfirmations({ db, logger, plant: '1010', lines: [line], now });
  const ingest = new Ingest(db, logger, { counters });
  return {
    db, counters, ingest,
    send(role, value, t) {
      const sample: OpcuaSample = { source: 'plc', signal: { line: 'L1', role, nodeId: NODES[role] }, value, sourceTime: t, receivedAt: t };
      ingest.commitOpcua(sample);
    },
  };
}

interface ConfirmationRow { yieldQty: number; scrapQty: number; orderId: string; start: string; end: string; status: string; key: string; payload: string }

function confirmations(db: WritableDb): ConfirmationRow[] {
  return (db.prepare(`SELECT e.body, e.status, r.idempotency_key AS key, r.payload FROM event e JOIN raw_message r ON r.id = e.raw_id
    WHERE e.kind = 'confirmation' ORDER BY e.id`).all() as { body: string; status: string; key: string; payload: string }[])
    .map((r) => ({ ...(JSON.parse(r.body) as Omit<ConfirmationRow, 'status' | 'key' | 'payload'>), status: r.status, key: r.key, payload: r.payload }));
}

const totalYield = (db: WritableDb): number => confirmations(db).reduce((sum, c) => sum + c.yieldQty, 0);

describe('CounterConfirmations', () => {
  it('takes the first value ever as a baseline and confirms later increments once per interval, as a mapped event', () => {
    let now = T;
    const h = open(join(tempDir(), 'plantdesk.db'), () => now);
    h.send('order', '1000001', T);
    h.send('good', 5000, T);
    h.send('scrap', 40, T);
    h.send('good', 5003, T + 1000);
    h.send('good', 5010, T + 2000);
    h.send('scrap', 42, T + 2500);

    now = T + 59_000;
    expect(h.counters.confirmDue()).toEqual([]);
    now = T + 61_000;
    expect(h.counters.confirmDue()).toHaveLength(1);
    expect(h.counters.confirmDue()).toEqual([]);

    const [c] = confirmations(h.db);
    expect(c).toMatchObject({
      kind: 'confirmation', plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', workCenter: 'WC-L1', unit: 'PC',
      yieldQty: 10, scrapQty: 2, final: false, status: 'mapped', start: new Date(T + 1000).toISOString(), end: new Date(T + 2500).toISOString(),
      key: counterConfirmationKey('plc', 'L1', 1),
    });
    // The raw row records the computation: the counters' values and the interval.
    expect(JSON.parse(c!.payload)).toMatchObject({ yield: 10, scrap: 2, seq: 1, counters: { good: { value: 5010 }, scrap: { value: 42 } } });
    expect(getAccumulator(h.db, 'plc', 'L1')).toMatchObject({ good: 0, scrap: 0, firstReceivedAt: null, seq: 1 });
  });

  it('makes nothing from zero increments, and nothing from a duplicate value', () => {
    let now = T;
    const h = open(join(tempDir(), 'plantdesk.db'), () => now);
    h.send('order', '1000001', T);
    h.send('good', 10, T);
    h.send('good', 10, T + 1000);
    h.send('good', 0, T + 2000); // reset to zero: zero parts
    now = T + 120_000;
    expect(h.counters.confirmDue()).toEqual([]);
    h.send('good', 4, T + 3000);
    h.send('good', 4, T + 3000); // the same value and source time again (a republish): stored once, counted once
    now = T + 200_000;
    expect(h.counters.confirmDue()).toHaveLength(1);
    expect(confirmations(h.db).map((c) => c.yieldQty)).toEqual([4]);
  });

  it('counts a reset from zero and a rollover across the top of the range', () => {
    let now = T;
    const h = open(join(tempDir(), 'plantdesk.db'), () => now, { ...LINE, counterMax: 0xffff });
    h.send('order', '1000001', T);
    h.send('good', 1000, T);
    h.send('good', 1200, T + 1000); // +200
    h.send('good', 7, T + 2000); // reset: +7
    h.send('good', 65_530, T + 3000); // +65,523
    h.send('good', 3, T + 4000); // rollover: 65,535 - 65,530 + 1 + 3 = +9
    now = T + 100_000;
    h.counters.confirmDue();
    expect(totalYield(h.db)).toBe(200 + 7 + 65_523 + 9);
  });

  it('compares the first value after a restart with the persisted one: counts made while the agent was down are confirmed', () => {
    const file = join(tempDir(), 'plantdesk.db');
    let now = T;
    const before = open(file, () => now);
    before.send('order', '1000001', T);
    before.send('good', 100, T);
    before.send('good', 130, T + 1000); // +30, not yet confirmed
    before.db.close();

    const after = open(file, () => now);
    expect(getCounterState(after.db, 'plc', LINE.goodNode)).toEqual({ value: 130, sourceTime: T + 1000 });
    after.send('order', '1000001', T + 300_000);
    after.send('good', 180, T + 300_000); // +50 made while the agent was down
    now = T + 300_001;
    after.counters.confirmDue();
    expect(confirmations(after.db).map((c) => c.yieldQty)).toEqual([80]);
  });

  it('loses nothing and counts nothing twice when a commit fails between two confirmations', () => {
    const file = join(tempDir(), 'plantdesk.db');
    let now = T;
    const h = open(file, () => now);
    h.send('order', '1000001', T);
    h.send('good', 0, T);
    h.send('good', 25, T + 1000);
    now = T + 61_000;
    h.counters.confirmDue(); // confirmation 1: 25

    h.send('good', 40, T + 62_000); // +15, committed
    // A crash in the middle of the next value's transaction: the raw row, the counter and the increment go together.
    const failing = new Ingest(h.db, logger, { counters: { apply: (sample) => { h.counters.apply(sample); throw new Error('disk I/O error'); } } });
    expect(() => failing.commitOpcua({ source: 'plc', signal: { line: 'L1', role: 'good', nodeId: LINE.goodNode }, value: 55, sourceTime: T + 63_000, receivedAt: T + 63_000 })).toThrow('disk I/O error');
    expect(getCounterState(h.db, 'plc', LINE.goodNode)?.value).toBe(40);
    h.db.close();

    const after = open(file, () => now);
    after.send('good', 70, T + 64_000); // +30 since the last committed 40, including the 15 the failed commit saw
    now = T + 200_000;
    after.counters.confirmDue();
    expect(confirmations(after.db).map((c) => [c.yieldQty, c.key])).toEqual([
      [25, counterConfirmationKey('plc', 'L1', 1)],
      [45, counterConfirmationKey('plc', 'L1', 2)],
    ]);
  });

  it('a confirmation and the emptying of its increments commit together', () => {
    let now = T;
    const h = open(join(tempDir(), 'plantdesk.db'), () => now);
    h.send('order', '1000001', T);
    h.send('good', 0, T);
    h.send('good', 9, T + 1000);
    now = T + 61_000;
    // The event insert fails (e.g. the disk is full): no confirmation, and the increments are still there.
    h.db.exec(`CREATE TRIGGER fail_event BEFORE INSERT ON event BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(() => h.counters.confirmDue()).toThrow('disk full');
    expect(getAccumulator(h.db, 'plc', 'L1')).toMatchObject({ good: 9, seq: 0 });
    h.db.exec('DROP TRIGGER fail_event');
    expect(h.counters.confirmDue()).toHaveLength(1);
    expect(totalYield(h.db)).toBe(9);
  });

  it('confirms parts for the order that was running when the order changes, and waits while no order is known', () => {
    let now = T;
    const h = open(join(tempDir(), 'plantdesk.db'), () => now);
    h.send('good', 0, T);
    h.send('good', 6, T + 1000); // no order yet: kept
    now = T + 61_000;
    expect(h.counters.confirmDue()).toEqual([]);
    h.send('order', '1000001', T + 62_000); // these 6 go to the first order known
    h.send('good', 10, T + 63_000); // +4
    h.send('order', '1000002', T + 64_000); // order change: 10 parts confirmed for 1000001 at once
    h.send('good', 13, T + 65_000); // +3 for 1000002
    now = T + 200_000;
    h.counters.confirmDue();
    expect(confirmations(h.db).map((c) => [c.orderId, c.yieldQty])).toEqual([['1000001', 10], ['1000002', 3]]);
  });

  it('keeps counted parts with an order the ERP cannot take as a rejected raw row with the reason, not as an event', () => {
    let now = T;
    const h = open(join(tempDir(), 'plantdesk.db'), () => now);
    h.send('order', 'ORDER-NUMBER-TOO-LONG', T);
    h.send('good', 0, T);
    h.send('good', 3, T + 1000);
    now = T + 61_000;
    expect(h.counters.confirmDue()).toEqual([]);
    expect(confirmations(h.db)).toEqual([]);
    const rejected = h.db.prepare("SELECT reject_reason, payload FROM raw_message WHERE status = 'rejected'").get() as { reject_reason: string; payload: string };
    expect(rejected.reject_reason).toMatch(/orderId/);
    expect(JSON.parse(rejected.payload)).toMatchObject({ yield: 3, orderId: 'ORDER-NUMBER-TOO-LONG' });
  });

  it('makes no confirmations for a line with confirmEveryS 0', () => {
    let now = T;
    const h = open(join(tempDir(), 'plantdesk.db'), () => now, { ...LINE, confirmEveryS: 0 });
    h.send('order', '1000001', T);
    h.send('good', 0, T);
    h.send('good', 50, T + 1000);
    now = T + 1_000_000;
    expect(h.counters.confirmDue()).toEqual([]);
    expect(getCounterState(h.db, 'plc', LINE.goodNode)?.value).toBe(50);
  });
});
