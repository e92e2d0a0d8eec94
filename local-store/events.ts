// Canonical events and their lifecycle: every status change is checked and leaves a history row.
import { canTransition, EVENT_STATUSES, type CanonicalEvent, type EventStatus, type RuleViolation } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { inTransaction, statement } from './statements.js';
import { maintainedStatusCounts } from './statusCounts.js';

export interface StoredEvent {
  readonly id: number;
  readonly eventId: string;
  readonly kind: CanonicalEvent['kind'];
  readonly status: EventStatus;
  readonly orderId: string;
  readonly body: CanonicalEvent;
  readonly reasons: readonly RuleViolation[];
  readonly erpDocument: string | null;
  readonly correlationId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewEvent {
  readonly eventId: string;
  readonly rawId: number;
  readonly body: CanonicalEvent;
  readonly status: EventStatus;
  /** Rule violations when the event was validated as it arrived. */
  readonly reasons?: readonly RuleViolation[];
  readonly correlationId: string;
  readonly at: number;
  /** The mapping that produced it (e.g. 'mes-json-v1'). */
  readonly mappingVersion?: string | null;
  /** Who created it and why, for its first history row; default 'system', 'received'. */
  readonly actor?: string;
  readonly historyReason?: string;
}

export interface TransitionInput {
  readonly to: EventStatus;
  readonly at: number;
  readonly actor: string;
  readonly reason?: string;
  readonly reasons?: readonly RuleViolation[];
  readonly erpDocument?: string;
}

interface EventRow {
  id: number; event_id: string; kind: string; status: string; order_id: string; body: string; reasons: string;
  erp_document: string | null; correlation_id: string; created_at: number; updated_at: number;
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id, eventId: row.event_id, kind: row.kind as StoredEvent['kind'], status: row.status as EventStatus,
    orderId: row.order_id, body: JSON.parse(row.body) as CanonicalEvent, reasons: JSON.parse(row.reasons) as RuleViolation[],
    erpDocument: row.erp_document, correlationId: row.correlation_id, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

export function insertEvent(db: WritableDb, event: NewEvent): void {
  statement(db, 
    `INSERT INTO event (event_id, raw_id, kind, status, order_id, body, reasons, correlation_id, created_at, updated_at, mapping_version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(event.eventId, event.rawId, event.body.kind, event.status, event.body.orderId, JSON.stringify(event.body), event.reasons?.length ? JSON.stringify(event.reasons) : '[]', event.correlationId, event.at, event.at, event.mappingVersion ?? null);
  insertHistory(db, event.eventId, null, event.status, event.at, event.actor ?? 'system', event.historyReason ?? (event.status === 'mapped' || event.status === 'recorded' ? 'received' : 'received and validated against ERP master data'), event.correlationId);
}

export class IllegalTransitionError extends Error {
  constructor(eventId: string, from: EventStatus, to: EventStatus) {
    super(`Event ${eventId} cannot move from ${from} to ${to}.`);
    this.name = 'IllegalTransitionError';
  }
}

/** Moves an event to a new status with its history row, in one transaction; returns the event as it now is. */
export function transitionEvent(db: WritableDb, eventId: string, change: TransitionInput): StoredEvent {
  return inTransaction(db, () => {
    moveEvent(db, eventId, change);
    return getEvent(db, eventId)!;
  });
}

/** The same without reading the event back: for batches (validation, sync), where that read is the main cost. */
export function moveEvent(db: WritableDb, eventId: string, change: TransitionInput): void {
  inTransaction(db, () => {
    const current = statement(db, 'SELECT status, correlation_id FROM event WHERE event_id = ?').get(eventId) as { status: EventStatus; correlation_id: string } | undefined;
    if (!current) throw new Error(`Event ${eventId} does not exist.`);
    if (!canTransition(current.status, change.to)) throw new IllegalTransitionError(eventId, current.status, change.to);
    statement(db, 
      `UPDATE event SET status = ?, updated_at = ?, reasons = COALESCE(?, reasons), erp_document = COALESCE(?, erp_document)
       WHERE event_id = ?`,
    ).run(change.to, change.at, change.reasons ? JSON.stringify(change.reasons) : null, change.erpDocument ?? null, eventId);
    insertHistory(db, eventId, current.status, change.to, change.at, change.actor, change.reason ?? null, current.correlation_id);
  });
}

function insertHistory(db: WritableDb, eventId: string, from: EventStatus | null, to: EventStatus, at: number, actor: string, reason: string | null, correlationId: string): void {
  statement(db, 'INSERT INTO event_history (event_id, from_status, to_status, at, actor, reason, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(eventId, from, to, at, actor, reason, correlationId);
}

/** Replaces an event's body (validation converting its quantities into the order's unit); the status is unchanged. */
export function updateEventBody(db: WritableDb, eventId: string, body: CanonicalEvent, at: number): void {
  statement(db, 'UPDATE event SET body = ?, updated_at = ? WHERE event_id = ?').run(JSON.stringify(body), at, eventId);
}

export function getEvent(db: ReadableDb, eventId: string): StoredEvent | undefined {
  const row = statement(db, 'SELECT * FROM event WHERE event_id = ?').get(eventId) as EventRow | undefined;
  return row ? toStoredEvent(row) : undefined;
}

/** Oldest first, so events of one production order leave in the order they arrived. */
export function listEventsByStatus(db: ReadableDb, status: EventStatus, limit: number): StoredEvent[] {
  return (statement(db, 'SELECT * FROM event WHERE status = ? ORDER BY id LIMIT ?').all(status, limit) as EventRow[]).map(toStoredEvent);
}

export function listRecentEvents(db: ReadableDb, limit: number, status?: EventStatus): StoredEvent[] {
  const rows = status
    ? statement(db, 'SELECT * FROM event WHERE status = ? ORDER BY updated_at DESC, id DESC LIMIT ?').all(status, limit)
    : statement(db, 'SELECT * FROM event ORDER BY updated_at DESC, id DESC LIMIT ?').all(limit);
  return (rows as EventRow[]).map(toStoredEvent);
}

export function countEventsByStatus(db: ReadableDb): Record<EventStatus, number> {
  // The agent's connection keeps them current (statusCounts.ts): no scan of the whole index per call.
  const maintained = maintainedStatusCounts(db);
  if (maintained) return maintained;
  const counts = Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>;
  for (const row of statement(db, 'SELECT status, COUNT(*) AS n FROM event GROUP BY status').all() as { status: EventStatus; n: number }[]) {
    counts[row.status] = row.n;
  }
  return counts;
}

/**
 * Creation time (ms) of the oldest event still on its way to the ERP, or null when none is. The first event of
 * each pending status in id order, through event_status_order: three index lookups, where MIN(created_at) read
 * every pending row (260 ms with a 500,000-event backlog, on every dashboard push). Events are inserted in the
 * order they are created (intake, counters, replay all stamp the time of the insert), so the lowest id of a status
 * is its oldest; a wall clock set back can only make the age read a little low.
 */
export function oldestPendingCreatedAt(db: ReadableDb): number | null {
  const row = statement(db, `SELECT MIN(t) AS t FROM (
      SELECT (SELECT created_at FROM event WHERE status = 'mapped' ORDER BY id LIMIT 1) AS t
      UNION ALL SELECT (SELECT created_at FROM event WHERE status = 'ready' ORDER BY id LIMIT 1)
      UNION ALL SELECT (SELECT created_at FROM event WHERE status = 'sending' ORDER BY id LIMIT 1))`).get() as { t: number | null };
  return row.t;
}

// ---- Sync engine (issue 5): the reads its planner needs, each one index range. ----

/** Ready events with afterId < id <= upToId, oldest first: the backlog (up to the drain's start) or the live part. */
export function listReadyBetween(db: ReadableDb, afterId: number, upToId: number, limit: number): StoredEvent[] {
  return (statement(db, "SELECT * FROM event WHERE status = 'ready' AND id > ? AND id <= ? ORDER BY id LIMIT ?").all(afterId, upToId, limit) as EventRow[]).map(toStoredEvent);
}

/** The newest event's row id (0 when empty): where a drain's backlog ends and live events begin. */
export function maxEventId(db: ReadableDb): number {
  return (statement(db, 'SELECT MAX(id) AS id FROM event').get() as { id: number | null }).id ?? 0;
}

/** Not yet posted or voided; a correction awaiting a second supervisor's approval is unfinished too. */
const UNFINISHED_STATUSES = ['mapped', 'ready', 'sending', 'exception', 'pending_approval'] as const;
const UNFINISHED = `(${UNFINISHED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Row id of the order's oldest final confirmation not yet posted or voided, or null (index event_unfinished_final). */
export function firstUnfinishedFinalId(db: ReadableDb, orderId: string): number | null {
  const row = statement(db, `SELECT id FROM event INDEXED BY event_unfinished_final
    WHERE order_id = ? AND status IN ${UNFINISHED} AND json_extract(body, '$.final') = 1 ORDER BY id LIMIT 1`).get(orderId) as { id: number } | undefined;
  return row?.id ?? null;
}

/** True when the order has an event older than beforeId that is not yet posted or voided (a final must wait for it). */
export function hasUnfinishedBefore(db: ReadableDb, orderId: string, beforeId: number): boolean {
  // One probe per status through event_status_order: finals are rare, and the pending statuses are the small part.
  for (const status of UNFINISHED_STATUSES) {
    const row = statement(db, 'SELECT 1 FROM event WHERE status = ? AND order_id = ? AND id < ? LIMIT 1').get(status, orderId, beforeId);
    if (row) return true;
  }
  return false;
}

export interface PostedOperationTotal {
  readonly operation: string;
  readonly unit: string;
  readonly yieldQty: number;
  readonly scrapQty: number;
  readonly events: number;
}

/** What PlantDesk posted for one order, per operation (reconciliation): posted confirmations summed. */
export function postedTotalsByOperation(db: ReadableDb, orderId: string): PostedOperationTotal[] {
  return statement(db, `SELECT json_extract(body, '$.operation') AS operation, json_extract(body, '$.unit') AS unit,
      ROUND(SUM(json_extract(body, '$.yieldQty')), 3) AS yieldQty, ROUND(SUM(json_extract(body, '$.scrapQty')), 3) AS scrapQty, COUNT(*) AS events
    FROM event WHERE order_id = ? AND status = 'posted' AND kind = 'confirmation' GROUP BY 1, 2 ORDER BY 1`).all(orderId) as PostedOperationTotal[];
}

/**
 * moveEvent for the sync engine's batches, where the current status is known (it set it itself): one UPDATE with
 * RETURNING instead of a SELECT and an UPDATE. An event not in `from` falls back to moveEvent, which names the
 * status it is in (IllegalTransitionError) or that it does not exist.
 */
export function moveEventFrom(db: WritableDb, eventId: string, from: EventStatus, change: TransitionInput): void {
  if (!canTransition(from, change.to)) throw new IllegalTransitionError(eventId, from, change.to);
  inTransaction(db, () => {
    const row = statement(db,
      `UPDATE event SET status = ?, updated_at = ?, reasons = COALESCE(?, reasons), erp_document = COALESCE(?, erp_document)
       WHERE event_id = ? AND status = ? RETURNING correlation_id`,
    ).get(change.to, change.at, change.reasons ? JSON.stringify(change.reasons) : null, change.erpDocument ?? null, eventId, from) as { correlation_id: string } | undefined;
    if (!row) return moveEvent(db, eventId, change);
    insertHistory(db, eventId, from, change.to, change.at, change.actor, change.reason ?? null, row.correlation_id);
  });
}
