// Moves mapped confirmations to ready or exception by checking them against the cached ERP orders.
import type { ProductionOrder } from '../../domain/index.js';
import { BUILT_IN_UNITS, describeConversion, validateInOrderUnit, type UnitTable } from '../../domain/units.js';
import { lastOrdersFetch, listEventsByStatus, listOrders, moveEvent, updateEventBody, type WritableDb } from '../../local-store/index.js';
import type { Logger } from './logger.js';

const BATCH = 500;

/** Returns how many events changed status. Does nothing until the order cache was filled once. */
/** `units`: conversions into the order's unit that replace a UNIT_MISMATCH (the original is kept in the body). */
export function validateMappedEvents(db: WritableDb, logger: Logger, now: number = Date.now(), units: UnitTable = BUILT_IN_UNITS): number {
  if (lastOrdersFetch(db) === null || listEventsByStatus(db, 'mapped', 1).length === 0) return 0;
  const orders = new Map<string, ProductionOrder>(listOrders(db).map((o) => [o.orderId, o]));
  const outcomes = db.transaction(() =>
    // One transaction for the batch: one fsync instead of one per event.
    listEventsByStatus(db, 'mapped', BATCH).flatMap((event) => {
      if (event.body.kind !== 'confirmation') return [];
      const checked = validateInOrderUnit(event.body, (id) => orders.get(id), units);
      if (checked.converted) updateEventBody(db, event.eventId, checked.event, now);
      const violations = checked.violations;
      const to = violations.length === 0 ? ('ready' as const) : ('exception' as const);
      const reason = `validated against ERP master data${checked.converted ? `; converted ${describeConversion(checked.event)}` : ''}`;
      moveEvent(db, event.eventId, { to, at: now, actor: 'system', reason, reasons: violations });
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
