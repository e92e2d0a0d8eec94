// Aggregated ERP postings (migration 0008): one posting sums several confirmations of one order operation; its
// posting id is the key the ERP stores and read-back looks for. Every change to a posting and to its source
// events happens in one transaction, so after a crash the file says either "sending, with these events" or
// "posted, with this document", never half of it.
import type { ProductionConfirmation } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { moveEvent, type TransitionInput } from './events.js';
import { inTransaction, statement } from './statements.js';

export interface SyncPosting {
  readonly postingId: string;
  readonly orderId: string;
  readonly operation: string;
  readonly body: ProductionConfirmation;
  readonly status: 'sending' | 'posted' | 'exception';
  readonly erpDocument: string | null;
  readonly eventIds: readonly string[];
}

interface PostingRow { posting_id: string; order_id: string; operation: string; body: string; status: SyncPosting['status']; erp_document: string | null }

function eventIdsOf(db: ReadableDb, postingId: string): string[] {
  return (statement(db, 'SELECT event_id FROM sync_posting_event WHERE posting_id = ? ORDER BY rowid').all(postingId) as { event_id: string }[]).map((r) => r.event_id);
}

function toPosting(db: ReadableDb, row: PostingRow): SyncPosting {
  return {
    postingId: row.posting_id, orderId: row.order_id, operation: row.operation, body: JSON.parse(row.body) as ProductionConfirmation,
    status: row.status, erpDocument: row.erp_document, eventIds: eventIdsOf(db, row.posting_id),
  };
}

/** Records the posting and its links and moves every source event to `sending`, in one transaction. */
export function openPosting(db: WritableDb, posting: { postingId: string; body: ProductionConfirmation; eventIds: readonly string[] }, at: number): void {
  inTransaction(db, () => {
    statement(db, `INSERT INTO sync_posting (posting_id, order_id, operation, body, status, events, created_at) VALUES (?, ?, ?, ?, 'sending', ?, ?)`)
      .run(posting.postingId, posting.body.orderId, posting.body.operation, JSON.stringify(posting.body), posting.eventIds.length, at);
    for (const eventId of posting.eventIds) {
      statement(db, 'INSERT INTO sync_posting_event (event_id, posting_id) VALUES (?, ?)').run(eventId, posting.postingId);
      moveEvent(db, eventId, { to: 'sending', at, actor: 'system', reason: `posting to the ERP, summed into posting ${posting.postingId}` });
    }
  });
}

/** The posting an event is linked to, or undefined. */
export function postingOfEvent(db: ReadableDb, eventId: string): SyncPosting | undefined {
  const row = statement(db, `SELECT p.* FROM sync_posting_event l JOIN sync_posting p ON p.posting_id = l.posting_id WHERE l.event_id = ?`).get(eventId) as PostingRow | undefined;
  return row ? toPosting(db, row) : undefined;
}

export function getPosting(db: ReadableDb, postingId: string): SyncPosting | undefined {
  const row = statement(db, 'SELECT * FROM sync_posting WHERE posting_id = ?').get(postingId) as PostingRow | undefined;
  return row ? toPosting(db, row) : undefined;
}

/** Posted (or rejected): the posting and every source event finish together, each event carrying the ERP document. */
export function finishPosting(db: WritableDb, postingId: string, change: Omit<TransitionInput, 'to'> & { to: 'posted' | 'exception' }): void {
  inTransaction(db, () => {
    statement(db, 'UPDATE sync_posting SET status = ?, erp_document = ?, finished_at = ? WHERE posting_id = ?').run(change.to, change.erpDocument ?? null, change.at, postingId);
    for (const eventId of eventIdsOf(db, postingId)) moveEvent(db, eventId, change);
    // A rejected posting lets go of its events: each carries the ERP's words in its reasons and history, and once a
    // supervisor fixes it, it is posted again on its own or in a new posting. The row stays, with its event count.
    if (change.to === 'exception') statement(db, 'DELETE FROM sync_posting_event WHERE posting_id = ?').run(postingId);
  });
}

/**
 * Certainly not in the ERP (a transient failure, or read-back found nothing): the posting is dissolved and its
 * events are ready again, to be summed afresh; its id is never used again.
 */
export function dissolvePosting(db: WritableDb, postingId: string, at: number, reason: string): void {
  inTransaction(db, () => {
    for (const eventId of eventIdsOf(db, postingId)) moveEvent(db, eventId, { to: 'ready', at, actor: 'system', reason });
    statement(db, 'DELETE FROM sync_posting_event WHERE posting_id = ?').run(postingId);
    statement(db, 'DELETE FROM sync_posting WHERE posting_id = ?').run(postingId);
  });
}

/** One key PlantDesk posted under for an order: an event's own id, or an aggregated posting's id. */
export interface PostedKey {
  readonly key: string;
  readonly operation: string;
  readonly yieldQty: number;
  readonly scrapQty: number;
  readonly erpDocument: string | null;
  /** Source events behind it (1 unless aggregated). */
  readonly events: number;
}

/** Everything PlantDesk posted for an order, by the key the ERP holds (reconciliation). */
export function postedKeysOfOrder(db: ReadableDb, orderId: string): PostedKey[] {
  const single = statement(db, `SELECT e.event_id AS key, json_extract(e.body, '$.operation') AS operation, json_extract(e.body, '$.yieldQty') AS yieldQty,
      json_extract(e.body, '$.scrapQty') AS scrapQty, e.erp_document AS erpDocument, 1 AS events
    FROM event e WHERE e.order_id = ? AND e.status = 'posted' AND e.kind = 'confirmation'
      AND NOT EXISTS (SELECT 1 FROM sync_posting_event l WHERE l.event_id = e.event_id)`).all(orderId) as PostedKey[];
  const aggregated = statement(db, `SELECT posting_id AS key, operation, json_extract(body, '$.yieldQty') AS yieldQty, json_extract(body, '$.scrapQty') AS scrapQty,
      erp_document AS erpDocument, events FROM sync_posting WHERE order_id = ? AND status = 'posted'`).all(orderId) as PostedKey[];
  return [...single, ...aggregated];
}

/** Orders with anything posted since `since` (ms): the ones worth reconciling. */
export function ordersPostedSince(db: ReadableDb, since: number, limit: number): string[] {
  return (statement(db, `SELECT DISTINCT order_id FROM event INDEXED BY event_finished_updated
    WHERE status IN ('posted', 'voided') AND updated_at >= ? AND status = 'posted' LIMIT ?`).all(since, limit) as { order_id: string }[]).map((r) => r.order_id);
}
