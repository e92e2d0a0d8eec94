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
