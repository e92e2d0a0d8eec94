// Checks a confirmation against cached ERP master data, so what the ERP would reject is caught at the desk.
import type { ProductionConfirmation } from './confirmation.js';
import type { ProductionOrder } from './order.js';

export interface RuleViolation {
  /** Stable code, used for filtering and grouping exceptions. */
  readonly code: string;
  /** Plain words for the supervisor. */
  readonly message: string;
  /** The canonical fields the violation concerns, for highlighting in an edit form. */
  readonly fields: readonly string[];
}

export type OrderLookup = (orderId: string) => ProductionOrder | undefined;

export function validateConfirmation(event: ProductionConfirmation, findOrder: OrderLookup): RuleViolation[] {
  const order = findOrder(event.orderId);
  if (!order) {
    return [{ code: 'ORDER_UNKNOWN', message: `Order ${event.orderId} is not a released order of plant ${event.plant} in the ERP.`, fields: ['orderId'] }];
  }
  const violations: RuleViolation[] = [];
  if (order.technicallyCompleted || !order.released) {
    violations.push({ code: 'ORDER_NOT_RELEASED', message: `Order ${order.orderId} is ${order.technicallyCompleted ? 'technically completed' : 'not released'}; it takes no more confirmations.`, fields: ['orderId'] });
  }
  const operation = order.operations.find((op) => op.operation === event.operation);
  if (!operation) {
    violations.push({ code: 'OPERATION_UNKNOWN', message: `Order ${order.orderId} has no operation ${event.operation}.`, fields: ['operation'] });
  }
  const expectedUnit = operation?.unit ?? order.unit;
  if (event.unit !== expectedUnit) {
    violations.push({ code: 'UNIT_MISMATCH', message: `Unit ${event.unit} does not match the order's unit ${expectedUnit}.`, fields: ['unit'] });
  }
  if (event.yieldQty + event.scrapQty <= 0) {
    violations.push({ code: 'QUANTITY_ZERO', message: 'Yield and scrap are both zero; there is nothing to confirm.', fields: ['yieldQty', 'scrapQty'] });
  }
  return violations;
}
