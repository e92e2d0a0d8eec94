// Moves mapped confirmations to ready or exception by checking them against the cached ERP orders.
import { validateConfirmation, type ProductionOrder } from '../../domain/index.js';
import { lastOrdersFetch, listEventsByStatus, listOrders, moveEvent, type WritableDb } from '../../local-store/index.js';
import type { Logger } from './logger.js';

const BATCH = 500;

/** Returns how many events changed status. Does nothing until the order cache was filled once. */
export function validateMappedEvents(db: WritableDb, logger: Logger, now: number = Date.now()): number {
  if (lastOrdersFetch(db) === null || listEventsByStatus(db, 'mapped', 1).length === 0) return 0;
  const orders = new Map<string, ProductionOrder>(listOrders(db).map((o) => [o.orderId, o]));
  const outcomes = db.transaction(() =>
    // One transaction for the batch: one fsync instead of one per event.
    listEventsByStatus(db, 'mapped', BATCH).flatMap((event) => {
      if (event.body.kind !== 'confirmation') return [];
      const violations = validateConfirmation(event.body, (id) => orders.get(id));
      const to = violations.length === 0 ? ('ready' as const) : ('exception' as const);
      moveEvent(db, event.eventId, { to, at: now, actor: 'system', reason: 'validated against ERP master data', reasons: violations });
      return [{ event, to, violations }];
    }),
  )();
  for (const { event, to, violations } of outcomes) {
    const log = logger.child({ correlationId: event.correlationId, eventId: event.eventId });
    if (to === 'ready') log.info('confirmation validated, ready to post');
    else log.warn({ rules: violations.map((v) => v.code) }, `confirmation needs a supervisor: ${violations.map((v) => v.message).join(' ')}`);
  }
  const changed = outcomes.length;
  return changed;
}
