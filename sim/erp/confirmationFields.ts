// Property tables of ProdnOrdConf2 and ProdnOrdConfMatlDocItm as listed in ERP-CONTRACT A.2 (names, Edm
// types and the max lengths the contract gives; none where it gives none), so the simulator rejects what SAP would not deserialise.
import type { EntityTable, PropertySpec } from './propertyTable.js';

function strings(lengths: Readonly<Record<string, number | undefined>>): PropertySpec[] {
  return Object.entries(lengths).map(([name, maxLength]) =>
    maxLength === undefined ? { name, kind: 'string' } : { name, kind: 'string', maxLength },
  );
}

function ofKind(kind: PropertySpec['kind'], names: readonly string[]): PropertySpec[] {
  return names.map((name) => ({ name, kind }));
}

const SIX = [1, 2, 3, 4, 5, 6] as const;

/** Date + Time pairs of the confirmed execution, setup, processing and teardown (A.2 "Dates"). */
const DATE_TIME_PAIRS = [
  'ConfirmedExecutionStart', 'ConfirmedExecutionEnd', 'ConfirmedSetupEnd',
  'ConfirmedProcessingStart', 'ConfirmedProcessingEnd', 'ConfirmedTeardownStart',
];

export const CONFIRMATION_TABLE: EntityTable = {
  typeName: 'A_ProdnOrdConf2',
  navigations: ['to_ProdnOrdConfMatlDocItm'],
  properties: [
    ...strings({
      ConfirmationGroup: 10, ConfirmationCount: 8, OrderID: 12, Sequence: 6, OrderOperation: 4, OrderSuboperation: 4,
      OrderType: 4, OrderOperationInternalID: 8, Material: 40, Plant: 4, WorkCenter: 8, WorkCenterTypeCode: 2,
      CapacityCategoryCode: 3, ConfirmationUnit: 3, ConfirmationUnitISOCode: 3, ConfirmationUnitSAPCode: 3,
      VarianceReasonCode: 4, ProductionUnit: 3, FinalConfirmationType: 1, OrderConfirmationRecordType: 3,
      EnteredByUser: 12, LastChangedByUser: 12, EnteredByExternalUser: 12, Personnel: 8, TimeRecording: 8,
      EmployeeWageType: undefined, EmployeeWageGroup: undefined, BreakDurationUnit: 3, BusinessProcessEntryUnit: 3,
      ConfirmationText: 40, Language: 2,
    }),
    ...strings(Object.fromEntries(SIX.map((n) => [`OpWorkQuantityUnit${n}`, 3]))),
    { name: 'CapacityRequirementSplit', kind: 'int' },
    ...ofKind('decimal', [
      'ConfirmationYieldQuantity', 'ConfirmationScrapQuantity', 'ConfirmationReworkQuantity', 'OrderPlannedTotalQty',
      'NumberOfEmployees', 'ConfirmedBreakDuration', 'BusinessProcessConfirmedQty',
      ...SIX.map((n) => `OpConfirmedWorkQuantity${n}`),
    ]),
    ...ofKind('boolean', [
      'IsFinalConfirmation', 'OpenReservationsIsCleared', 'IsReversed', 'IsReversal', 'APIConfHasNoGoodsMovements',
      ...SIX.map((n) => `NoFurtherOpWorkQuantity${n}IsExpd`),
    ]),
    ...ofKind('datetime', [
      'PostingDate', 'ConfirmationEntryDate', 'LastChangeDate', 'ConfirmationExternalEntryDate',
      ...DATE_TIME_PAIRS.map((p) => `${p}Date`),
    ]),
    ...ofKind('time', ['ConfirmationEntryTime', 'ConfirmationExternalEntryTime', ...DATE_TIME_PAIRS.map((p) => `${p}Time`)]),
    { name: 'ExternalSystemConfirmation', kind: 'guid' },
  ],
};

export const MATL_DOC_ITEM_TABLE: EntityTable = {
  typeName: 'A_ProdnOrdConfMatlDocItm',
  navigations: ['to_ProdnOrderConfBatchCharc'],
  properties: [
    ...strings({
      ConfirmationGroup: 10, ConfirmationCount: 8, MaterialDocument: 10, MaterialDocumentItem: 4,
      MaterialDocumentYear: 4, OrderID: 12, OrderItem: undefined, OrderType: 4, ManufacturingOrderCategory: undefined,
      Material: 40, Plant: 4, StorageLocation: 4, ProductionSupplyArea: undefined, Batch: 10,
      InventoryValuationType: undefined, GoodsMovementType: 3, GoodsMovementRefDocType: 1,
      InventoryUsabilityCode: undefined, InventorySpecialStockType: undefined, Reservation: 10, ReservationItem: 4,
      SalesOrder: undefined, SalesOrderItem: undefined, WBSElementExternalID: 24, Supplier: undefined,
      Customer: undefined, StorageType: undefined, StorageBin: undefined, EWMWarehouse: undefined,
      EWMStorageBin: undefined, MaterialDocumentItemText: 50, EntryUnit: 3, EntryUnitISOCode: 3, EntryUnitSAPCode: 3,
    }),
    ...ofKind('boolean', ['ReservationIsFinallyIssued', 'IsCompletelyDelivered']),
    ...ofKind('datetime', ['ShelfLifeExpirationDate', 'ManufactureDate']),
    { name: 'QuantityInEntryUnit', kind: 'decimal' },
  ],
};

/** Set by the ERP on create: whatever the client sends for these is replaced. */
export const SERVER_ASSIGNED = [
  'ConfirmationGroup', 'ConfirmationCount', 'EnteredByUser', 'ConfirmationEntryDate', 'ConfirmationEntryTime',
  'LastChangeDate', 'LastChangedByUser', 'IsReversed', 'IsReversal',
] as const;
