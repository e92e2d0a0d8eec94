// One stored event as the console lists it (recent records, events, exceptions): plain values, ISO times.
import type { EventSummary } from '../../domain/index.js';
import type { StoredEvent } from '../../local-store/index.js';

export function toEventSummary(event: StoredEvent): EventSummary {
  const body = event.body;
  return {
    eventId: event.eventId,
    kind: body.kind,
    status: event.status,
    line: body.line,
    orderId: body.orderId,
    operation: body.operation,
    quantity: body.kind === 'confirmation' ? body.yieldQty : body.value,
    scrap: body.kind === 'confirmation' ? body.scrapQty : 0,
    unit: body.unit ?? '',
    erpDocument: event.erpDocument,
    reasons: event.reasons,
    correlationId: event.correlationId,
    receivedAt: new Date(event.createdAt).toISOString(),
    updatedAt: new Date(event.updatedAt).toISOString(),
  };
}
