// The rules a confirmation must pass before it is posted, each a small function returning its violation or none.
// Order: what makes the others meaningless first (no order, no operation), then the checks of the fields.
import type { ProductionConfirmation } from '../confirmation.js';
import type { OrderOperation } from '../order.js';
import type { RuleViolation } from '../validation.js';
import type { RuleContext } from './context.js';
import type { CachedOrder } from './orderFacts.js';

interface Checked {
  readonly event: ProductionConfirmation & { readonly batch?: string };
  readonly order: CachedOrder;
  /** Undefined when the order has no such operation. */
  readonly operation: OrderOperation | undefined;
  readonly context: RuleContext;
}

type Rule = (c: Checked) => RuleViolation | undefined;

const orderReleased: Rule = ({ order }) => {
  if (order.released && !order.technicallyCompleted && order.closed !== true) return undefined;
  const state = order.closed === true ? 'closed' : order.technicallyCompleted ? 'technically completed' : 'not released';
  return { code: 'ORDER_NOT_RELEASED', message: `Order ${order.orderId} is ${state}; it takes no more confirmations.`, fields: ['orderId'] };
};

const operationExists: Rule = ({ event, order, operation }) =>
  operation ? undefined : { code: 'OPERATION_UNKNOWN', message: `Order ${order.orderId} has no operation ${event.operation}.`, fields: ['operation'] };

const workCenterMatches: Rule = ({ event, operation }) => {
  if (!operation || !event.workCenter || event.workCenter === operation.workCenter) return undefined;
  return {
    code: 'WORK_CENTER_MISMATCH',
    message: `Operation ${operation.operation} runs on work centre ${operation.workCenter}, not ${event.workCenter}.`,
    fields: ['workCenter', 'operation'],
  };
};

const materialInOrder: Rule = ({ event, order }) => {
  if (!event.material || event.material === order.material) return undefined;
  if (order.components?.some((c) => c.material === event.material)) return undefined;
  return {
    code: 'MATERIAL_NOT_IN_ORDER',
    message: `Material ${event.material} is neither what order ${order.orderId} makes (${order.material}) nor one of its components.`,
    fields: ['material'],
  };
};

const unitMatches: Rule = ({ event, order, operation }) => {
  const expected = operation?.unit ?? order.unit;
  if (event.unit === expected) return undefined;
  return { code: 'UNIT_MISMATCH', message: `Unit ${event.unit} does not match the order's unit ${expected}, and no conversion from ${event.unit} to ${expected} is known.`, fields: ['unit'] };
};

const quantityGiven: Rule = ({ event }) =>
  event.yieldQty + event.scrapQty > 0 ? undefined : { code: 'QUANTITY_ZERO', message: 'Yield and scrap are both zero; there is nothing to confirm.', fields: ['yieldQty', 'scrapQty'] };

const quantityWithinTolerance: Rule = ({ event, order, operation, context }) => {
  const tolerance = order.overDeliveryTolerancePct ?? context.defaultOverDeliveryPct;
  // Only in the order's unit: a unit mismatch is reported on its own, and mixing units would compare nonsense.
  if (tolerance === undefined || !operation || event.unit !== operation.unit) return undefined;
  const limit = operation.plannedQty * (1 + tolerance / 100);
  const pending = context.pendingYield?.(order.orderId, operation.operation) ?? 0;
  const total = operation.confirmedYieldQty + pending + event.yieldQty;
  if (total <= limit + 1e-9) return undefined;
  return {
    code: 'QUANTITY_OVER_TOLERANCE',
    message: `Yield ${event.yieldQty} ${event.unit} brings operation ${operation.operation} to ${round(total)} ${event.unit} (${round(operation.confirmedYieldQty)} confirmed in the ERP, ${round(pending)} on the way): more than ${round(limit)}, the planned ${round(operation.plannedQty)} plus ${tolerance} % tolerance.`,
    fields: ['yieldQty'],
  };
};

const batchGiven: Rule = ({ event, order }) =>
  order.batchManaged !== true || (event.batch ?? '').trim() !== ''
    ? undefined
    : { code: 'BATCH_MISSING', message: `Material ${order.material} is batch-managed: give the batch.`, fields: ['batch'] };

const singleFinal: Rule = ({ event, order, context }) => {
  if (!event.final) return undefined;
  const inErp = order.finallyConfirmedOperations?.includes(event.operation) === true;
  if (!inErp && context.otherFinal?.(order.orderId, event.operation) !== true) return undefined;
  return {
    code: 'FINAL_ALREADY_CONFIRMED',
    message: `Operation ${event.operation} of order ${order.orderId} already has a final confirmation${inErp ? ' in the ERP' : ' on its way'}; send this one as partial.`,
    fields: ['final'],
  };
};

const qualityBeforeFinal: Rule = ({ event, order, context }) => {
  if (!event.final || context.qualityBeforeFinal !== true) return undefined;
  if (context.qualityRecorded?.(order.orderId, event.operation) !== false) return undefined;
  return {
    code: 'QUALITY_RESULT_MISSING',
    message: `This plant records a quality result before a final confirmation; order ${order.orderId} operation ${event.operation} has none yet.`,
    fields: ['final'],
  };
};

const RULES: readonly Rule[] = [
  orderReleased, operationExists, workCenterMatches, materialInOrder, unitMatches, quantityGiven,
  quantityWithinTolerance, batchGiven, singleFinal, qualityBeforeFinal,
];

/** Every violation of the confirmation; an unknown order is the only one reported then. */
export function checkConfirmation(event: ProductionConfirmation, context: RuleContext): RuleViolation[] {
  const order = context.findOrder(event.orderId) as CachedOrder | undefined;
  if (!order) {
    return [{ code: 'ORDER_UNKNOWN', message: `Order ${event.orderId} is not a released order of plant ${event.plant} in the ERP.`, fields: ['orderId'] }];
  }
  const operation = order.operations.find((op) => op.operation === event.operation);
  const checked: Checked = { event, order, operation, context };
  return RULES.flatMap((rule) => rule(checked) ?? []);
}

function round(quantity: number): number {
  return Math.round(quantity * 1000) / 1000;
}
