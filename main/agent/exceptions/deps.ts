// What the exceptions workspace needs from the agent: the store, the cached ERP orders, the unit table, the
// `exceptions:` configuration, a clock, and a nudge for the dashboard when something changed.
import type { ProductionConfirmation, ProductionOrder } from '../../../domain/index.js';
import type { UnitTable } from '../../../domain/units.js';
import { ProductionConfirmationSchema } from '../../../domain/index.js';
import { getEvent, type StoredEvent, type WritableDb } from '../../../local-store/index.js';
import { ApiFailure } from '../apiFailure.js';
import type { ExceptionsConfig } from './configSchema.js';

export interface ExceptionsDeps {
  readonly db: WritableDb;
  readonly findOrder: (orderId: string) => ProductionOrder | undefined;
  /** False until the ERP's orders were fetched once: until then no rule can be checked. */
  readonly ordersLoaded: () => boolean;
  readonly units: UnitTable;
  readonly config: ExceptionsConfig;
  readonly now?: () => number;
  readonly onChange?: () => void;
}

export function nowOf(deps: ExceptionsDeps): number {
  return deps.now?.() ?? Date.now();
}

export function requireOrders(deps: ExceptionsDeps): void {
  if (!deps.ordersLoaded()) throw new ApiFailure('bad_request', 'the ERP orders have not been fetched yet, so no record can be checked; try again once the ERP answered');
}

/** The event, or not_found naming it. */
export function requireEvent(deps: ExceptionsDeps, eventId: string): StoredEvent {
  const event = getEvent(deps.db, eventId);
  if (!event) throw new ApiFailure('not_found', `no event ${eventId}`);
  return event;
}

/** An open exception that is a confirmation: what the commands act on. */
export function requireConfirmationIn(event: StoredEvent, status: StoredEvent['status']): ProductionConfirmation {
  if (event.status !== status) {
    throw new ApiFailure('bad_request', `event ${event.eventId} is ${event.status.replace('_', ' ')}, not ${status.replace('_', ' ')}`);
  }
  if (event.body.kind !== 'confirmation') throw new ApiFailure('bad_request', `event ${event.eventId} is a ${event.body.kind} record; only confirmations are corrected here`);
  return ProductionConfirmationSchema.parse(event.body);
}
