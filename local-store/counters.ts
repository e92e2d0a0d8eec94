// OPC UA counters: the last committed value of every counter node (counter_state) and, per line, the increments
// counted but not yet confirmed (counter_accumulator). Callers run these inside the transaction that commits the
// raw value or the confirmation, so the three always agree.
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

export interface CounterStateRow {
  readonly value: number;
  /** Source time (ms) of the committed value. */
  readonly sourceTime: number;
}

export interface CounterAccumulator {
  readonly source: string;
  readonly line: string;
  /** The line's current order (last committed value of its order node), or null. */
  readonly orderId: string | null;
  readonly good: number;
  readonly scrap: number;
  /** Agent time (ms) the first unconfirmed increment was committed; null when there is none. */
  readonly firstReceivedAt: number | null;
  readonly firstSourceTime: number | null;
  readonly lastSourceTime: number | null;
  /** Confirmations made from this line's counters so far. */
  readonly seq: number;
}

interface AccumulatorRow {
  source: string; line: string; order_id: string | null; good: number; scrap: number; first_received_at: number | null;
  first_source_time: number | null; last_source_time: number | null; seq: number;
}

const toAccumulator = (r: AccumulatorRow): CounterAccumulator => ({
  source: r.source, line: r.line, orderId: r.order_id, good: r.good, scrap: r.scrap, firstReceivedAt: r.first_received_at,
  firstSourceTime: r.first_source_time, lastSourceTime: r.last_source_time, seq: r.seq,
});

export function getCounterState(db: ReadableDb, source: string, nodeId: string): CounterStateRow | undefined {
  const row = statement(db, 'SELECT value, source_time FROM counter_state WHERE source = ? AND node_id = ?').get(source, nodeId) as
    { value: number; source_time: number } | undefined;
  return row ? { value: row.value, sourceTime: row.source_time } : undefined;
}

export function putCounterState(db: WritableDb, source: string, nodeId: string, state: CounterStateRow, at: number): void {
  statement(db, `INSERT INTO counter_state (source, node_id, value, source_time, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(source, node_id) DO UPDATE SET value = excluded.value, source_time = excluded.source_time, updated_at = excluded.updated_at`)
    .run(source, nodeId, state.value, state.sourceTime, at);
}

function ensureAccumulator(db: WritableDb, source: string, line: string): void {
  statement(db, 'INSERT INTO counter_accumulator (source, line) VALUES (?, ?) ON CONFLICT(source, line) DO NOTHING').run(source, line);
}

export function getAccumulator(db: ReadableDb, source: string, line: string): CounterAccumulator {
  const row = statement(db, 'SELECT * FROM counter_accumulator WHERE source = ? AND line = ?').get(source, line) as AccumulatorRow | undefined;
  return row ? toAccumulator(row) : { source, line, orderId: null, good: 0, scrap: 0, firstReceivedAt: null, firstSourceTime: null, lastSourceTime: null, seq: 0 };
}

export function listAccumulators(db: ReadableDb): CounterAccumulator[] {
  return (statement(db, 'SELECT * FROM counter_accumulator ORDER BY source, line').all() as AccumulatorRow[]).map(toAccumulator);
}

/** Adds counted parts (good or scrap) to the line's unconfirmed increments. */
export function addCounterIncrement(db: WritableDb, source: string, line: string, kind: 'good' | 'scrap', parts: number, sourceTime: number, receivedAt: number): void {
  ensureAccumulator(db, source, line);
  statement(db, `UPDATE counter_accumulator SET
      good = good + ?, scrap = scrap + ?,
      first_received_at = COALESCE(first_received_at, ?),
      first_source_time = COALESCE(first_source_time, ?),
      last_source_time = MAX(COALESCE(last_source_time, ?), ?)
    WHERE source = ? AND line = ?`)
    .run(kind === 'good' ? parts : 0, kind === 'scrap' ? parts : 0, receivedAt, sourceTime, sourceTime, sourceTime, source, line);
}

export function setAccumulatorOrder(db: WritableDb, source: string, line: string, orderId: string | null): void {
  ensureAccumulator(db, source, line);
  statement(db, 'UPDATE counter_accumulator SET order_id = ? WHERE source = ? AND line = ?').run(orderId, source, line);
}

/** Empties the line's increments after they became confirmation number `seq`. */
export function clearAccumulator(db: WritableDb, source: string, line: string, seq: number): void {
  statement(db, `UPDATE counter_accumulator SET good = 0, scrap = 0, first_received_at = NULL, first_source_time = NULL,
    last_source_time = NULL, seq = ? WHERE source = ? AND line = ?`).run(seq, source, line);
}

// After a restore from backup (integrity.ts) the counters' last values and unconfirmed increments are those of the
// backup, older than what the lost part of the file had counted and maybe confirmed to the ERP. Counting the next
// reading against them would post again what may already be posted. So a restore takes every last value out of
// counter_state (the next reading is then a baseline: delta 0) and keeps it aside in `setting`, where the first
// reading after the restore finds it to report the gap for reconciliation; the backup's unconfirmed increments
// are emptied and returned for the same report. Never posting twice wins over counting everything: the report
// names what a person has to check against the ERP.

/** A counter's last value from the restored backup, kept until its first reading after the restore. */
export interface RestoredCounter extends CounterStateRow {
  readonly restoredFrom: string;
  readonly restoredAt: number;
}

/** Unconfirmed increments of a line found in a restored backup, emptied by the restore. */
export interface DroppedIncrements {
  readonly source: string;
  readonly line: string;
  readonly orderId: string | null;
  readonly good: number;
  readonly scrap: number;
}

const RESTORED_PREFIX = 'counter.restored:';
const restoredKey = (source: string, nodeId: string): string => `${RESTORED_PREFIX}${source}:${nodeId}`;

/** Run inside the restore's transaction: last values aside, increments emptied (returned). */
export function setCountersAsideAfterRestore(db: WritableDb, restoredFrom: string, restoredAt: number): { counters: number; dropped: DroppedIncrements[] } {
  const rows = statement(db, 'SELECT source, node_id, value, source_time FROM counter_state').all() as { source: string; node_id: string; value: number; source_time: number }[];
  const keep = statement(db, 'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  for (const row of rows) {
    const restored: RestoredCounter = { value: row.value, sourceTime: row.source_time, restoredFrom, restoredAt };
    keep.run(restoredKey(row.source, row.node_id), JSON.stringify(restored));
  }
  statement(db, 'DELETE FROM counter_state').run();
  const dropped = listAccumulators(db).filter((a) => a.good + a.scrap > 0)
    .map((a) => ({ source: a.source, line: a.line, orderId: a.orderId, good: a.good, scrap: a.scrap }));
  for (const a of dropped) clearAccumulator(db, a.source, a.line, getAccumulator(db, a.source, a.line).seq);
  return { counters: rows.length, dropped };
}

/** The counter's value from before a restore, removed as it is taken; undefined when there is none. */
export function takeRestoredCounter(db: WritableDb, source: string, nodeId: string): RestoredCounter | undefined {
  const key = restoredKey(source, nodeId);
  const row = statement(db, 'SELECT value FROM setting WHERE key = ?').get(key) as { value: string } | undefined;
  if (!row) return undefined;
  statement(db, 'DELETE FROM setting WHERE key = ?').run(key);
  return JSON.parse(row.value) as RestoredCounter;
}
