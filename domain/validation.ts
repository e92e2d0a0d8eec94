// Checks a confirmation against cached ERP master data, so what the ERP would reject is caught at the desk.
import type { ProductionConfirmation } from './confirmation.js';
import type { ProductionOrder } from './order.js';
import { checkConfirmation } from './rules/confirmationRules.js';
import type { RuleContext } from './rules/context.js';

export interface RuleViolation {
  /** Stable code, used for filtering and grouping exceptions. */
  readonly code: string;
  /** Plain words for the supervisor. */
  readonly message: string;
  /** The canonical fields the violation concerns, for highlighting in an edit form. */
  readonly fields: readonly string[];
}

export type OrderLookup = (orderId: string) => ProductionOrder | undefined;

/**
 * Every rule violation of the confirmation (domain/rules/confirmationRules.ts). With only an order lookup, the rules
 * that need PlantDesk's own records (pending quantities, other finals, quality results) see none.
 */
export function validateConfirmation(event: ProductionConfirmation, orders: OrderLookup | RuleContext): RuleViolation[] {
  return checkConfirmation(event, typeof orders === 'function' ? { findOrder: orders } : orders);
}
