// What the ERP may tell about an order beyond ProductionOrder, for the rules that need it. Every field is optional:
// an adapter that does not read it leaves it out, and the rule that needs it then does not apply.
import type { ProductionOrder } from '../order.js';
import type { UnitConversion } from '../units.js';

export interface OrderComponent {
  readonly material: string;
  readonly unit?: string;
}

export interface OrderFacts {
  /** Closed (CLSD): takes no confirmations, like technically completed. */
  readonly closed?: boolean;
  /** Over-delivery tolerance in percent of the planned quantity (SAP's UEBTO), e.g. 10. */
  readonly overDeliveryTolerancePct?: number;
  /** The order's component list (reservations), for consumption and material checks. */
  readonly components?: readonly OrderComponent[];
  /** The order's header material is batch-managed: a confirmation names the batch. */
  readonly batchManaged?: boolean;
  /** Alternative units of the order's material (SAP's MARM), e.g. 1 BOX = 12 PC. */
  readonly materialUnits?: readonly UnitConversion[];
  /** Operations the ERP already holds a final confirmation for. */
  readonly finallyConfirmedOperations?: readonly string[];
}

/** An order as cached, with whatever facts its adapter reads. */
export type CachedOrder = ProductionOrder & OrderFacts;
