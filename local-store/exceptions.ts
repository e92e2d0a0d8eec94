// The exceptions workspace's reads and writes (issue 6): open exceptions with filters, the raw message and the
// history of one, body revisions that keep the original, four-eyes requests, and the sums the rules need.
import type { CanonicalEvent, EventStatus } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { getEvent, type StoredEvent } from './events.js';
import { statement } from './statements.js';

/** Exceptions and corrections waiting for a second supervisor: what the inbox shows. */
export const OPEN_EXCEPTION_STATUSES = ['exception', 'pending_approval'] as const satisfies readonly EventStatus[];
const ON_THE_WAY = "('mapped', 'ready', 'sending', 'exception', 'pending_approval')";

export interface ExceptionFilter {
  readonly rule?: string;
  readonly line?: string;
  readonly orderId?: string;
  readonly status?: (typeof OPEN_EXCEPTION_STATUSES)[number];
  /** Only those that arrived before this time (ms): "older than". */
  readonly createdBefore?: number;
  readonly limit: number;
}

/** Open exceptions, oldest first. The rule filter goes through event_exception_rule (0006, 0009), the rest is read per row. */
export function listOpenExceptions(db: ReadableDb, filter: ExceptionFilter): StoredEvent[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.rule !== undefined) {
    where.push('e.id IN (SELECT event_row FROM event_exception_rule WHERE rule = ?)');
    params.push(filter.rule);
  }
  const statuses = filter.status ? [filter.status] : OPEN_EXCEPTION_STATUSES;
  where.push(`e.status IN (${statuses.map(() => '?').join(', ')})`);
  params.push(...statuses);
  if (filter.line !== undefined) {
    where.push("json_extract(e.body, '$.line') = ?");
    params.push(filter.line);
  }
  if (filter.orderId !== undefined) {
    where.push('e.order_id = ?');
    params.push(filter.orderId);
  }
  if (filter.createdBefore !== undefined) {
    where.push('e.created_at < ?');
    params.push(filter.createdBefore);
  }
  const ids = statement(db, `SELECT e.event_id FROM event e WHERE ${where.join(' AND ')} ORDER BY e.id LIMIT ?`).pluck().all(...params, filter.limit) as string[];
  return ids.flatMap((id) => getEvent(db, id) ?? []);
}

export interface RawOfEvent {
  readonly source: string;
  readonly channel: string;
  readonly payload: string;
  readonly receivedAt: number;
}

export function rawMessageOfEvent(db: ReadableDb, eventId: string): RawOfEvent | undefined {
  return statement(db, `SELECT r.source, r.channel, r.payload, r.received_at AS receivedAt FROM raw_message r JOIN event e ON e.raw_id = r.id
    WHERE e.event_id = ?`).get(eventId) as RawOfEvent | undefined;
}

export interface HistoryRow {
  readonly from: EventStatus | null;
  readonly to: EventStatus;
  readonly at: number;
  readonly actor: string;
  readonly reason: string | null;
}

export function eventHistory(db: ReadableDb, eventId: string): HistoryRow[] {
  return statement(db, 'SELECT from_status AS "from", to_status AS "to", at, actor, reason FROM event_history WHERE event_id = ? ORDER BY id').all(eventId) as HistoryRow[];
}

export interface Revision {
  readonly at: number;
  readonly actor: string;
  readonly approvedBy: string | null;
  readonly before: CanonicalEvent;
  readonly after: CanonicalEvent;
  readonly reason: string;
  readonly correlationId: string;
}

/**
 * Replaces the event's body (and its order, which the sync engine reads by column) and keeps the body it had in
 * event_revision; the status is changed by the caller's transition in the same transaction.
 */
export function reviseEventBody(db: WritableDb, eventId: string, revision: Omit<Revision, 'before'>): void {
  const current = getEvent(db, eventId);
  if (!current) throw new Error(`Event ${eventId} does not exist.`);
  statement(db, `INSERT INTO event_revision (event_id, at, actor, approved_by, before_body, after_body, reason, correlation_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(eventId, revision.at, revision.actor, revision.approvedBy, JSON.stringify(current.body), JSON.stringify(revision.after), revision.reason, revision.correlationId);
  statement(db, 'UPDATE event SET body = ?, order_id = ?, updated_at = ? WHERE event_id = ?').run(JSON.stringify(revision.after), revision.after.orderId, revision.at, eventId);
}

export function listRevisions(db: ReadableDb, eventId: string): Revision[] {
  const rows = statement(db, 'SELECT * FROM event_revision WHERE event_id = ? ORDER BY id').all(eventId) as {
    at: number; actor: string; approved_by: string | null; before_body: string; after_body: string; reason: string; correlation_id: string;
  }[];
  return rows.map((r) => ({
    at: r.at, actor: r.actor, approvedBy: r.approved_by, before: JSON.parse(r.before_body) as CanonicalEvent,
    after: JSON.parse(r.after_body) as CanonicalEvent, reason: r.reason, correlationId: r.correlation_id,
  }));
}

export interface ApprovalRequest {
  readonly eventId: string;
  readonly action: 'correct' | 'void';
  /** The corrected body a correction proposes; null for a void. */
  readonly proposedBody: CanonicalEvent | null;
  readonly reason: string;
  /** Which threshold made it need a second supervisor, in plain words. */
  readonly why: string;
  readonly requestedBy: string;
  readonly requestedAt: number;
  readonly correlationId: string;
}

interface ApprovalRow {
  event_id: string; action: 'correct' | 'void'; proposed_body: string | null; reason: string; why: string; requested_by: string; requested_at: number; correlation_id: string;
}

function toApproval(r: ApprovalRow): ApprovalRequest {
  return {
    eventId: r.event_id, action: r.action, proposedBody: r.proposed_body === null ? null : (JSON.parse(r.proposed_body) as CanonicalEvent),
    reason: r.reason, why: r.why, requestedBy: r.requested_by, requestedAt: r.requested_at, correlationId: r.correlation_id,
  };
}

export function putApprovalRequest(db: WritableDb, request: ApprovalRequest): void {
  statement(db, `INSERT INTO exception_approval (event_id, action, proposed_body, reason, why, requested_by, requested_at, correlation_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(request.eventId, request.action, request.proposedBody === null ? null : JSON.stringify(request.proposedBody), request.reason, request.why, request.requestedBy, request.requestedAt, request.correlationId);
}

export function getApprovalRequest(db: ReadableDb, eventId: string): ApprovalRequest | undefined {
  const row = statement(db, 'SELECT * FROM exception_approval WHERE event_id = ?').get(eventId) as ApprovalRow | undefined;
  return row ? toApproval(row) : undefined;
}

export function deleteApprovalRequest(db: WritableDb, eventId: string): void {
  statement(db, 'DELETE FROM exception_approval WHERE event_id = ?').run(eventId);
}

/** Yield of the order operation's confirmations still on their way to the ERP, in `unit`, except one event. */
export function pendingYield(db: ReadableDb, orderId: string, operation: string, unit: string, exceptEventId: string): number {
  const row = statement(db, `SELECT COALESCE(SUM(json_extract(body, '$.yieldQty')), 0) AS qty FROM event
    WHERE order_id = ? AND kind = 'confirmation' AND status IN ${ON_THE_WAY} AND event_id <> ?
      AND json_extract(body, '$.operation') = ? AND json_extract(body, '$.unit') = ?`).get(orderId, exceptEventId, operation, unit) as { qty: number };
  return row.qty;
}

/** True when another final confirmation of the order operation is posted or on its way. */
export function hasOtherFinal(db: ReadableDb, orderId: string, operation: string, exceptEventId: string): boolean {
  return statement(db, `SELECT 1 FROM event WHERE order_id = ? AND kind = 'confirmation' AND event_id <> ?
      AND status IN ('mapped', 'ready', 'sending', 'exception', 'pending_approval', 'posted')
      AND json_extract(body, '$.final') = 1 AND json_extract(body, '$.operation') = ? LIMIT 1`).get(orderId, exceptEventId, operation) !== undefined;
}

/** True when a quality result of the order operation was recorded. */
export function hasQualityResult(db: ReadableDb, orderId: string, operation: string): boolean {
  return statement(db, `SELECT 1 FROM event WHERE order_id = ? AND kind = 'quality' AND status <> 'voided'
      AND json_extract(body, '$.operation') = ? LIMIT 1`).get(orderId, operation) !== undefined;
}
