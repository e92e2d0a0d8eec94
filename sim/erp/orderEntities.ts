// Serialises the simulated production orders as API_PRODUCTION_ORDER_2_SRV entities (ERP-CONTRACT B):
// A_ProductionOrder_2 with its operations (_2) and components (_2), in OData V2 JSON.
import { formatDateTime, formatDecimal, formatTime, padNumber } from './edm.js';
import type { ErpState, OperationState, OrderState } from './erpState.js';
import type { EdmKind } from './odataFilter.js';
import type { Entity, EntityTypeInfo } from './odataQuery.js';
import { deferred } from './service.js';

function typeInfo(name: string, kinds: Record<string, EdmKind>, navigations: string[] = []): EntityTypeInfo {
  return { name, kinds: new Map(Object.entries(kinds)), navigations };
}

const S = 'string', D = 'decimal', T = 'datetime', TM = 'time', B = 'boolean';

export const ORDER_TYPE = typeInfo('A_ProductionOrder_2', {
  ManufacturingOrder: S, ManufacturingOrderCategory: S, ManufacturingOrderType: S, Material: S, ProductionPlant: S,
  Plant: S, ProductionVersion: S, ProductionUnit: S, TotalQuantity: D, MfgOrderPlannedScrapQty: D,
  MfgOrderConfirmedYieldQty: D, MfgOrderPlannedStartDate: T, MfgOrderPlannedStartTime: TM, MfgOrderPlannedEndDate: T,
  MfgOrderPlannedEndTime: TM, MfgOrderScheduledStartDate: T, MfgOrderScheduledStartTime: TM, MfgOrderScheduledEndDate: T,
  MfgOrderScheduledEndTime: TM, OrderIsCreated: S, OrderIsReleased: S, OrderIsPartiallyReleased: S, OrderIsConfirmed: S,
  OrderIsPartiallyConfirmed: S, OrderIsDelivered: S, OrderIsTechnicallyCompleted: S, OrderIsClosed: S, OrderIsLocked: S,
  OrderIsMarkedForDeletion: S, OrderInternalBillOfOperations: S, LastChangeDateTime: T,
}, ['to_ProductionOrderOperation', 'to_ProductionOrderComponent']);

export const OPERATION_TYPE = typeInfo('A_ProductionOrderOperation_2', {
  OrderInternalBillOfOperations: S, OrderIntBillOfOperationsItem: S, ManufacturingOrder: S,
  ManufacturingOrderSequence: S, ManufacturingOrderOperation: S, MfgOrderOperationText: S, OperationIsReleased: S,
  OperationIsConfirmed: S, OperationIsPartiallyConfirmed: S, OperationIsTechlyCompleted: S, OperationIsClosed: S,
  OperationIsDeleted: S, Plant: S, WorkCenter: S, WorkCenterInternalID: S, OperationControlProfile: S, OperationUnit: S,
  OpPlannedTotalQuantity: D, OpTotalConfirmedYieldQty: D, OpTotalConfirmedScrapQty: D, OpErlstSchedldExecStrtDte: T,
  OpErlstSchedldExecStrtTme: TM, OpErlstSchedldExecEndDte: T, OpErlstSchedldExecEndTme: TM, LastChangeDateTime: T,
});

export const COMPONENT_TYPE = typeInfo('A_ProductionOrderComponent_2', {
  Reservation: S, ReservationItem: S, Material: S, Plant: S, ManufacturingOrder: S, ManufacturingOrderSequence: S,
  ManufacturingOrderOperation: S, StorageLocation: S, Batch: S, GoodsMovementType: S, SupplyArea: S,
  MatlCompIsMarkedForBackflush: B, BaseUnit: S, RequiredQuantity: D, WithdrawnQuantity: D, ReservationIsFinallyIssued: B,
});

const flag = (on: boolean): string => (on ? 'X' : '');
const quoted = (value: string): string => `'${value.replace(/'/g, '\'\'')}'`;

export function orderUri(serviceUrl: string, order: OrderState): string {
  return `${serviceUrl}/A_ProductionOrder_2(${quoted(order.demo.orderId)})`;
}

export function serializeOperation(serviceUrl: string, op: OperationState): Entity {
  const { order } = op;
  const released = order.demo.status === 'released';
  const key = `OrderInternalBillOfOperations=${quoted(order.internalBillOfOperations)},OrderIntBillOfOperationsItem=${quoted(op.internalItem)}`;
  return {
    __metadata: {
      id: `${serviceUrl}/A_ProductionOrderOperation_2(${key})`,
      uri: `${serviceUrl}/A_ProductionOrderOperation_2(${key})`,
      type: 'API_PRODUCTION_ORDER_2_SRV.A_ProductionOrderOperation_2Type',
    },
    OrderInternalBillOfOperations: order.internalBillOfOperations,
    OrderIntBillOfOperationsItem: op.internalItem,
    ManufacturingOrder: order.demo.orderId,
    ManufacturingOrderSequence: op.sequence,
    ManufacturingOrderOperation: op.operation,
    MfgOrderOperationText: op.text,
    OperationIsReleased: flag(released),
    OperationIsConfirmed: flag(op.finallyConfirmed),
    OperationIsPartiallyConfirmed: flag(!op.finallyConfirmed && op.confirmedYield + op.confirmedScrap > 0),
    OperationIsTechlyCompleted: flag(!released),
    OperationIsClosed: '',
    OperationIsDeleted: '',
    Plant: order.demo.plant,
    WorkCenter: op.workCenter,
    WorkCenterInternalID: padNumber(10_000_000 + Number(op.confirmationGroup) - 100_000, 8),
    OperationControlProfile: 'PP01',
    OperationUnit: order.demo.unit,
    OpPlannedTotalQuantity: formatDecimal(order.demo.quantity * 1000),
    OpTotalConfirmedYieldQty: formatDecimal(op.confirmedYield),
    OpTotalConfirmedScrapQty: formatDecimal(op.confirmedScrap),
    OpErlstSchedldExecStrtDte: formatDateTime(order.plannedStart),
    OpErlstSchedldExecStrtTme: formatTime(order.plannedStart + 6 * 3_600_000),
    OpErlstSchedldExecEndDte: formatDateTime(order.plannedEnd),
    OpErlstSchedldExecEndTme: formatTime(order.plannedEnd + 22 * 3_600_000),
    LastChangeDateTime: `/Date(${order.plannedStart}+0000)/`,
  };
}

/** One plausible raw material per order, issued with movement type 261 against the first operation. */
export function serializeComponents(serviceUrl: string, order: OrderState, orderIndex: number): Entity[] {
  const reservation = padNumber(orderIndex + 1, 10);
  const key = `Reservation=${quoted(reservation)},ReservationItem='0001'`;
  return [{
    __metadata: {
      id: `${serviceUrl}/A_ProductionOrderComponent_2(${key})`,
      uri: `${serviceUrl}/A_ProductionOrderComponent_2(${key})`,
      type: 'API_PRODUCTION_ORDER_2_SRV.A_ProductionOrderComponent_2Type',
    },
    Reservation: reservation,
    ReservationItem: '0001',
    Material: order.demo.material.replace(/^FG-/, 'RM-'),
    Plant: order.demo.plant,
    ManufacturingOrder: order.demo.orderId,
    ManufacturingOrderSequence: '0',
    ManufacturingOrderOperation: order.operations[0]?.operation ?? '0010',
    StorageLocation: '101A',
    Batch: '',
    GoodsMovementType: '261',
    SupplyArea: '',
    MatlCompIsMarkedForBackflush: false,
    BaseUnit: 'KG',
    // A quarter kilogram of raw material per piece.
    RequiredQuantity: formatDecimal(order.demo.quantity * 250),
    WithdrawnQuantity: '0.000',
    ReservationIsFinallyIssued: false,
  }];
}

export function serializeOrder(serviceUrl: string, state: ErpState, order: OrderState, expand: ReadonlySet<string>): Entity {
  const uri = orderUri(serviceUrl, order);
  const released = order.demo.status === 'released';
  const confirmed = state.orderConfirmedYield(order);
  const finallyConfirmed = order.operations.length > 0 && order.operations.every((op) => op.finallyConfirmed);
  const orderIndex = [...state.orders.keys()].indexOf(order.demo.orderId);
  return {
    __metadata: { id: uri, uri, type: 'API_PRODUCTION_ORDER_2_SRV.A_ProductionOrder_2Type' },
    ManufacturingOrder: order.demo.orderId,
    ManufacturingOrderCategory: '10',
    ManufacturingOrderType: 'PP01',
    Material: order.demo.material,
    ProductionPlant: order.demo.plant,
    Plant: order.demo.plant,
    ProductionVersion: '0001',
    ProductionUnit: order.demo.unit,
    TotalQuantity: formatDecimal(order.demo.quantity * 1000),
    MfgOrderPlannedScrapQty: '0.000',
    MfgOrderConfirmedYieldQty: formatDecimal(confirmed),
    MfgOrderPlannedStartDate: formatDateTime(order.plannedStart),
    MfgOrderPlannedStartTime: 'PT06H00M00S',
    MfgOrderPlannedEndDate: formatDateTime(order.plannedEnd),
    MfgOrderPlannedEndTime: 'PT22H00M00S',
    MfgOrderScheduledStartDate: formatDateTime(order.plannedStart),
    MfgOrderScheduledStartTime: 'PT06H00M00S',
    MfgOrderScheduledEndDate: formatDateTime(order.plannedEnd),
    MfgOrderScheduledEndTime: 'PT22H00M00S',
    OrderIsCreated: '',
    OrderIsReleased: flag(released),
    OrderIsPartiallyReleased: '',
    OrderIsConfirmed: flag(finallyConfirmed),
    OrderIsPartiallyConfirmed: flag(!finallyConfirmed && confirmed > 0),
    OrderIsDelivered: '',
    OrderIsTechnicallyCompleted: flag(!released),
    OrderIsClosed: '',
    OrderIsLocked: '',
    OrderIsMarkedForDeletion: '',
    OrderInternalBillOfOperations: order.internalBillOfOperations,
    LastChangeDateTime: `/Date(${order.plannedStart}+0000)/`,
    to_ProductionOrderOperation: expand.has('to_ProductionOrderOperation')
      ? { results: order.operations.map((op) => serializeOperation(serviceUrl, op)) }
      : deferred(`${uri}/to_ProductionOrderOperation`),
    to_ProductionOrderComponent: expand.has('to_ProductionOrderComponent')
      ? { results: serializeComponents(serviceUrl, order, orderIndex) }
      : deferred(`${uri}/to_ProductionOrderComponent`),
  };
}
