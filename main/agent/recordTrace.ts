// One record from the source message to the ERP document (the Orders screen's trace): the raw message, its
// events and every status change with who and why. By event id (unique index), or by correlation id, which has
// no index (a scan of the event table: a person asks, not the intake), kept out of the intake's write path.
import { TraceQuerySchema, type EventStatus, type RecordTrace, type TraceQuery, type TracedEvent } from '../../domain/index.js';
import type { ReadableDb } from '../../local-store/index.js';
import { ApiFailure } from './apiFailure.js';

const PAYLOAD_CHARS = 2000;

interface EventRow { event_id: string; raw_id: number; kind: string; status: string; order_id: string; erp_document: string | null; correlation_id: string }
interface RawRow { source: string; channel: string; received_at: number; status: string; reject_reason: string | null; payload: string; correlation_id: string }
interface HistoryRow { at: number; from_status: string | null; to_status: string; actor: string; reason: string | null }

export function traceRecord(db: ReadableDb, query: TraceQuery): RecordTrace {
  const { id } = TraceQuerySchema.parse(query);
  const byEvent = db.prepare('SELECT event_id, raw_id, kind, status, order_id, erp_document, correlation_id FROM event WHERE event_id = ?').get(id) as EventRow | undefined;
  const correlationId = byEvent?.correlation_id ?? id;
  const events = byEvent
    ? (db.prepare('SELECT event_id, raw_id, kind, status, order_id, erp_document, correlation_id FROM event WHERE correlation_id = ? ORDER BY id').all(correlationId) as EventRow[])
    : (db.prepare('SELECT event_id, raw_id, kind, status, order_id, erp_document, correlation_id FROM event WHERE correlation_id = ? ORDER BY id').all(id) as EventRow[]);
  const rawId = events[0]?.raw_id;
  const raw = (rawId !== undefined
    ? db.prepare('SELECT source, channel, received_at, status, reject_reason, payload, correlation_id FROM raw_message WHERE id = ?').get(rawId)
    : db.prepare('SELECT source, channel, received_at, status, reject_reason, payload, correlation_id FROM raw_message WHERE correlation_id = ? LIMIT 1').get(id)) as RawRow | undefined;
  if (!raw && events.length === 0) throw new ApiFailure('not_found', `no record with correlation id or event id ${id}`);
  const history = db.prepare('SELECT at, from_status, to_status, actor, reason FROM event_history WHERE event_id = ? ORDER BY id');
  return {
    correlationId: raw?.correlation_id ?? correlationId,
    source: raw
      ? {
        source: raw.source, channel: raw.channel, receivedAt: new Date(raw.received_at).toISOString(), status: raw.status, rejectReason: raw.reject_reason,
        payload: raw.payload.length > PAYLOAD_CHARS ? `${raw.payload.slice(0, PAYLOAD_CHARS)}…` : raw.payload,
      }
      : null,
    events: events.map((e): TracedEvent => ({
      eventId: e.event_id, kind: e.kind as TracedEvent['kind'], status: e.status as EventStatus, orderId: e.order_id, erpDocument: e.erp_document,
      history: (history.all(e.event_id) as HistoryRow[]).map((h) => ({
        at: new Date(h.at).toISOString(), from: h.from_status as EventStatus | null, to: h.to_status as EventStatus, actor: h.actor, reason: h.reason,
      })),
    })),
  };
}
