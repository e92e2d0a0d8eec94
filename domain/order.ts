// Production orders as PlantDesk caches them from the ERP: the master data validation runs against offline.

export interface OrderOperation {
  readonly operation: string;
  readonly workCenter: string;
  readonly unit: string;
  readonly plannedQty: number;
  readonly confirmedYieldQty: number;
}

export interface ProductionOrder {
  readonly orderId: string;
  readonly plant: string;
  readonly material: string;
  readonly quantity: number;
  readonly unit: string;
  readonly released: boolean;
  readonly technicallyCompleted: boolean;
  readonly confirmedYieldQty: number;
  readonly operations: readonly OrderOperation[];
}
