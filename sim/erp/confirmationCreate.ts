// POST ProdnOrdConf2 (ERP-CONTRACT A.3): validates a confirmation against the order it names, assigns the
// confirmation group and count, stores it with its goods movements and books the quantities.
import { CONFIRMATION_TABLE, MATL_DOC_ITEM_TABLE, SERVER_ASSIGNED } from './confirmationFields.js';
import { formatDateTime, formatDecimal, formatTime, padNumber, parseDateTime, parseDecimal, startOfUtcDay } from './edm.js';
import type { PostingContext, Rejection } from './faults.js';
import type { ErpState, OperationState, OrderState, ReceivedConfirmation } from './erpState.js';
import { ERROR_CODES, ODataError } from './odataError.js';
import type { Entity } from './odataQuery.js';
import { EMPTY_GUID, readDeepCollection, readEntity, withDefaults, type EntityTable } from './propertyTable.js';

function business(code: string, message: string, property: string): ODataError {
  return new ODataError(400, code, message, { propertyRef: `${CONFIRMATION_TABLE.typeName}/${property}` });
}

function required(table: EntityTable, values: Entity, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    throw new ODataError(400, ERROR_CODES.missingField, `Property ${name} is required`, { propertyRef: `${table.typeName}/${name}` });
  }
  return value;
}

/** Finds the order operation the confirmation is for, with SAP's business rejections when it cannot be confirmed. */
function resolveOperation(state: ErpState, values: Entity): { order: OrderState; op: OperationState } {
  const orderId = required(CONFIRMATION_TABLE, values, 'OrderID');
  const order = state.orders.get(orderId);
  if (order === undefined) throw business(ERROR_CODES.orderNotFound, `Order ${orderId} does not exist`, 'OrderID');
  if (state.isTechnicallyCompleted(order)) {
    throw business(ERROR_CODES.orderTechnicallyCompleted, `Order ${orderId} is technically completed`, 'OrderID');
  }
  const operation = required(CONFIRMATION_TABLE, values, 'OrderOperation');
  const op = order.operations.find((candidate) => candidate.operation === operation);
  if (op === undefined) {
    throw business(ERROR_CODES.operationNotFound, `Operation ${operation} does not exist in order ${orderId}`, 'OrderOperation');
  }
  const sequence = values.Sequence;
  if (sequence !== undefined && sequence !== op.sequence) {
    throw business(ERROR_CODES.sequenceNotFound, `Sequence ${String(sequence)} does not exist in order ${orderId}`, 'Sequence');
  }
  const unit = values.ConfirmationUnit ?? order.demo.unit;
  if (unit !== order.demo.unit) {
    throw business(ERROR_CODES.unitNotAllowed, `Unit ${String(unit)} is not allowed for order ${orderId} (unit ${order.demo.unit})`, 'ConfirmationUnit');
  }
  const plant = values.Plant;
  if (plant !== undefined && plant !== order.demo.plant) {
    throw business(ERROR_CODES.invalidValue, `Plant ${String(plant)} does not match order ${orderId} (plant ${order.demo.plant})`, 'Plant');
  }
  return { order, op };
}

/** Deep-inserted goods movements: each needs material, movement type, unit and quantity. */
function readGoodsMovements(navigation: unknown): Entity[] {
  if (navigation === undefined || navigation === null) return [];
  const items = readDeepCollection(CONFIRMATION_TABLE, 'to_ProdnOrdConfMatlDocItm', navigation);
  return items.map((item) => {
    const { values, navigations } = readEntity(MATL_DOC_ITEM_TABLE, item);
    for (const name of ['Material', 'GoodsMovementType', 'EntryUnit', 'QuantityInEntryUnit']) {
      required(MATL_DOC_ITEM_TABLE, values, name);
    }
    const charcs = navigations.to_ProdnOrderConfBatchCharc;
    if (charcs !== undefined && charcs !== null) readDeepCollection(MATL_DOC_ITEM_TABLE, 'to_ProdnOrderConfBatchCharc', charcs);
    return values;
  });
}

/** The fault knobs' verdict on a posting (sim/erp/faults.ts); undefined accepts it. */
export type PostingJudge = (ctx: PostingContext) => Rejection | undefined;

/** Asks the fault knobs whether this posting is rejected for a business reason (period closed, tolerance, …). */
function judgePosting(judge: PostingJudge | undefined, order: OrderState, op: OperationState, values: Entity, now: number): void {
  if (judge === undefined) return;
  const posting = typeof values.PostingDate === 'string' ? parseDateTime(values.PostingDate) : undefined;
  const yieldText = values.ConfirmationYieldQuantity;
  const rejection = judge({
    orderId: order.demo.orderId,
    plant: order.demo.plant,
    postingDate: posting ?? startOfUtcDay(now),
    yieldQty: (typeof yieldText === 'string' ? parseDecimal(yieldText) ?? 0 : 0) / 1000,
    unit: order.demo.unit,
    orderQuantity: order.demo.quantity,
    confirmedYield: op.confirmedYield / 1000,
  });
  if (rejection !== undefined) {
    const property = rejection.fault === 'reject-period-closed' ? 'PostingDate' : rejection.fault === 'reject-over-tolerance' ? 'ConfirmationYieldQuantity' : 'OrderID';
    throw business(rejection.code, rejection.message, property);
  }
}

/**
 * Validates and stores one confirmation. Nothing is assigned or booked until every check has passed, so a
 * rejected POST leaves no trace (as a failed SAP LUW).
 */
export function createConfirmation(state: ErpState, body: unknown, user: string, now: number, judge?: PostingJudge): ReceivedConfirmation {
  const { values, navigations } = readEntity(CONFIRMATION_TABLE, body);
  const { order, op } = resolveOperation(state, values);
  const movements = readGoodsMovements(navigations.to_ProdnOrdConfMatlDocItm);
  judgePosting(judge, order, op, values, now);
  for (const name of SERVER_ASSIGNED) delete values[name];

  op.lastCount += 1;
  const group = op.confirmationGroup;
  const count = padNumber(op.lastCount, 8);
  const today = formatDateTime(startOfUtcDay(now));
  const entity = withDefaults(CONFIRMATION_TABLE, {
    OrderType: 'PP01',
    Sequence: op.sequence,
    OrderOperationInternalID: op.internalItem,
    Material: order.demo.material,
    Plant: order.demo.plant,
    WorkCenter: op.workCenter,
    ConfirmationUnit: order.demo.unit,
    ProductionUnit: order.demo.unit,
    OrderPlannedTotalQty: formatDecimal(order.demo.quantity * 1000),
    PostingDate: today,
    ...values,
    ConfirmationGroup: group,
    ConfirmationCount: count,
    EnteredByUser: user.slice(0, 12).toUpperCase(),
    ConfirmationEntryDate: today,
    ConfirmationEntryTime: formatTime(now),
    IsReversed: false,
    IsReversal: false,
  });

  const materialDocument = movements.length > 0 ? state.nextMaterialDocument() : '';
  const goodsMovements = movements.map((item, index) => ({
    ...withDefaults(MATL_DOC_ITEM_TABLE, { OrderID: order.demo.orderId, OrderType: 'PP01', Plant: order.demo.plant, ...item }),
    ConfirmationGroup: group,
    ConfirmationCount: count,
    MaterialDocument: materialDocument,
    MaterialDocumentItem: padNumber(index + 1, 4),
    MaterialDocumentYear: String(new Date(now).getUTCFullYear()),
  }));

  const yieldQty = String(entity.ConfirmationYieldQuantity);
  const scrapQty = String(entity.ConfirmationScrapQuantity);
  state.book(op, parseDecimal(yieldQty) ?? 0, parseDecimal(scrapQty) ?? 0, entity.IsFinalConfirmation === true);
  const guid = entity.ExternalSystemConfirmation;
  const record: ReceivedConfirmation = {
    confirmationGroup: group,
    confirmationCount: count,
    orderId: order.demo.orderId,
    operation: op.operation,
    yieldQuantity: yieldQty,
    scrapQuantity: scrapQty,
    unit: String(entity.ConfirmationUnit),
    externalSystemConfirmation: typeof guid === 'string' && guid !== EMPTY_GUID ? guid : null,
    receivedAt: new Date(now),
    entity,
    goodsMovements,
  };
  state.confirmations.push(record);
  return record;
}
