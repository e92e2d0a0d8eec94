// What the rules read besides the event: the cached ERP orders, and what PlantDesk itself holds for the same
// order operation (pending quantities, finals, quality results), so the checks work offline.
import type { ProductionOrder } from '../order.js';
import type { CachedOrder } from './orderFacts.js';

export interface RuleContext {
  readonly findOrder: (orderId: string) => (ProductionOrder | CachedOrder) | undefined;
  /**
   * Yield of this order operation's other confirmations on their way to the ERP (not posted, not voided), in the
   * operation's unit. Absent: counted as 0.
   */
  readonly pendingYield?: (orderId: string, operation: string) => number;
  /** True when another final confirmation of this order operation is posted or on its way. Absent: false. */
  readonly otherFinal?: (orderId: string, operation: string) => boolean;
  /** True when a quality result of this order (operation) was recorded. Absent: true (not checked). */
  readonly qualityRecorded?: (orderId: string, operation: string) => boolean;
  /** The plant requires a quality result before a final confirmation (config `exceptions.qualityBeforeFinal`). */
  readonly qualityBeforeFinal?: boolean;
  /** Over-delivery tolerance in percent for orders that carry none; absent: the quantity rule needs the ERP's. */
  readonly defaultOverDeliveryPct?: number;
}

/** A context of the orders alone: the rules that need nothing else. */
export function ordersOnly(findOrder: RuleContext['findOrder']): RuleContext {
  return { findOrder };
}
