// The enterprise outbox: the event_history rows after a durable cursor (docs/ENTERPRISE-TOPICS.md). Every status
// change of an event writes one history row in its own transaction, on every path (intake, validation, sync,
// replay, counters), and history ids only grow; so the outbox costs the intake nothing, and the history id is the
// message's sequence number (plus its segment's offset: see "Sequence numbers that never go backwards" below).
// The cursor moves only over changes the enterprise broker acknowledged.
import type { EventKind, EventStatus } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { inTransaction, statement } from './statements.js';

export interface EnterpriseCursor {
  /** Every publishable change up to this event_history id was acknowledged by the broker. */
  readonly historyId: number;
  /** The sequence of the last message acknowledged up to there; 0 before the first. */
  readonly sequence: number;
  readonly publishedAt: number | null;
  /** When publishing was first configured; earlier changes are not published. */
  readonly startedAt: number;
}

/** One status change after the cursor, with its event as stored now (null when retention removed it). */
export interface HistoryChange {
  /** event_history.id: strictly increasing, the sequence number of its message. */
  readonly id: number;
  readonly eventId: string;
  readonly from: EventStatus | null;
  readonly to: EventStatus;
  /** When the change happened, ms. */
  readonly at: number;
  readonly correlationId: string;
  readonly event: {
    readonly kind: EventKind;
    /** JSON text of the canonical event. */
    readonly body: string;
    /** JSON text of its current rule violations. */
    readonly reasons: string;
    readonly erpDocument: string | null;
    readonly receivedAt: number;
  } | null;
}

/** Which changes are published: reaching one of `statuses`, for one of `kinds`. */
export interface EnterpriseFilter {
  readonly statuses: readonly EventStatus[];
  readonly kinds: readonly EventKind[];
}

/**
 * A change is published when its event reaches one of the statuses, except `sending` (internal to the ERP sync)
 * and `sending -> ready` (a transient ERP failure: the event was published as ready before).
 */
export function isPublishable(change: HistoryChange, filter: EnterpriseFilter): boolean {
  if (change.event === null || change.to === 'sending') return false;
  if (change.from === 'sending' && change.to === 'ready') return false;
  return filter.statuses.includes(change.to) && filter.kinds.includes(change.event.kind);
}

interface CursorRow { history_id: number; sequence: number; published_at: number | null; started_at: number }

export function readEnterpriseCursor(db: ReadableDb): EnterpriseCursor | null {
  const row = statement(db, 'SELECT history_id, sequence, published_at, started_at FROM enterprise_cursor WHERE id = 1').get() as CursorRow | undefined;
  return row ? { historyId: row.history_id, sequence: row.sequence, publishedAt: row.published_at, startedAt: row.started_at } : null;
}

/** The cursor; the first time, one at the newest history row: what happened before publishing was configured stays local. */
export function openEnterpriseCursor(db: WritableDb, now: number): EnterpriseCursor {
  return inTransaction(db, () => {
    const existing = readEnterpriseCursor(db);
    if (existing) return existing;
    const newest = (statement(db, 'SELECT COALESCE(MAX(id), 0) AS id FROM event_history').get() as { id: number }).id;
    statement(db, 'INSERT INTO enterprise_cursor (id, history_id, sequence, published_at, started_at) VALUES (1, ?, 0, NULL, ?)').run(newest, now);
    return { historyId: newest, sequence: 0, publishedAt: null, startedAt: now };
  });
}

/** Moves the cursor forward (never back). Call only once every publishable change up to `historyId` was acknowledged. */
export function moveEnterpriseCursor(db: WritableDb, historyId: number, sequence: number, at: number): void {
  statement(db, 'UPDATE enterprise_cursor SET history_id = ?, sequence = ?, published_at = ? WHERE id = 1 AND history_id < ?').run(historyId, sequence, at, historyId);
}

interface ChangeRow {
  id: number; event_id: string; from_status: EventStatus | null; to_status: EventStatus; at: number; correlation_id: string;
  kind: EventKind | null; body: string | null; reasons: string | null; erp_document: string | null; created_at: number | null;
}

/** Up to `limit` changes after history id `afterId`, in id order, whether publishable or not. */
export function readChangesAfter(db: ReadableDb, afterId: number, limit: number): HistoryChange[] {
  const rows = statement(db, `SELECT h.id, h.event_id, h.from_status, h.to_status, h.at, h.correlation_id,
      e.kind, e.body, e.reasons, e.erp_document, e.created_at
    FROM event_history h LEFT JOIN event e ON e.event_id = h.event_id
    WHERE h.id > ? ORDER BY h.id LIMIT ?`).all(afterId, limit) as ChangeRow[];
  return rows.map((r) => ({
    id: r.id, eventId: r.event_id, from: r.from_status, to: r.to_status, at: r.at, correlationId: r.correlation_id,
    event: r.kind === null ? null : { kind: r.kind, body: r.body!, reasons: r.reasons!, erpDocument: r.erp_document, receivedAt: r.created_at! },
  }));
}

function filterSql(filter: EnterpriseFilter): { where: string; params: string[] } {
  const statuses = filter.statuses.filter((s) => s !== 'sending');
  const where = `h.to_status IN (${statuses.map(() => '?').join(', ') || 'NULL'}) AND e.kind IN (${filter.kinds.map(() => '?').join(', ') || 'NULL'})
    AND NOT (h.from_status IS 'sending' AND h.to_status = 'ready')`;
  return { where, params: [...statuses, ...filter.kinds] };
}

/**
 * Publishable changes after `afterId` and when the oldest of them happened. A range scan of the history after the
 * cursor: cheap while the broker keeps up, proportional to the backlog during an outage (asked for on demand).
 */
export function countPublishableAfter(db: ReadableDb, afterId: number, filter: EnterpriseFilter): { count: number; oldestAt: number | null } {
  const { where, params } = filterSql(filter);
  const count = (statement(db, `SELECT COUNT(*) AS n FROM event_history h JOIN event e ON e.event_id = h.event_id WHERE h.id > ? AND ${where}`)
    .get(afterId, ...params) as { n: number }).n;
  const oldest = statement(db, `SELECT h.at FROM event_history h JOIN event e ON e.event_id = h.event_id WHERE h.id > ? AND ${where} ORDER BY h.id LIMIT 1`)
    .get(afterId, ...params) as { at: number } | undefined;
  return { count, oldestAt: oldest?.at ?? null };
}

// Sequence numbers that never go backwards, not even after a restore from backup. The history id is the sequence
// only within one segment: each start of the publisher may open a new segment from the next history id on, with
// an offset that lifts its sequences above a high-water mark kept outside this file (main/agent/sequenceCeiling.ts).
// After a restore the history ids of the lost part are handed out again, to other changes; their new segment puts
// their sequences above anything ever published. Rows from before the segment keep their old sequences, so a
// change that was published before the restore and is sent again carries the same sequence as then.

/** From `fromHistoryId` on (until the next segment), sequence = history id + offset. */
export interface SequenceSegment {
  readonly fromHistoryId: number;
  readonly offset: number;
}

const SEGMENTS_SETTING = 'enterprise.sequenceSegments';

export function readSequenceSegments(db: ReadableDb): SequenceSegment[] {
  const row = statement(db, 'SELECT value FROM setting WHERE key = ?').get(SEGMENTS_SETTING) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as SequenceSegment[]) : [];
}

/** The sequence of the change with this history id. Segments are in fromHistoryId order. */
export function sequenceOf(segments: readonly SequenceSegment[], historyId: number): number {
  let offset = 0;
  for (const segment of segments) {
    if (segment.fromHistoryId > historyId) break;
    offset = segment.offset;
  }
  return historyId + offset;
}

/**
 * Makes every change after the newest history row get a sequence above `ceiling` (the highest sequence that may
 * have been published, as kept outside this file), opening a new segment when needed; returns the segments.
 */
export function liftSequencesAbove(db: WritableDb, ceiling: number): SequenceSegment[] {
  return inTransaction(db, () => {
    const segments = readSequenceSegments(db);
    const newest = (statement(db, 'SELECT COALESCE(MAX(id), 0) AS id FROM event_history').get() as { id: number }).id;
    if (sequenceOf(segments, newest + 1) > ceiling) return segments;
    const next = [...segments.filter((s) => s.fromHistoryId <= newest), { fromHistoryId: newest + 1, offset: ceiling - newest }];
    statement(db, 'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SEGMENTS_SETTING, JSON.stringify(next));
    return next;
  });
}
