// In-memory ERP data behind the simulator: production orders with their operations (built from the demo
// orders), the confirmations posted against them and the number ranges SAP would assign.
import type { DemoOrder } from '../demoData.js';
import { padNumber, startOfUtcDay, type Milli } from './edm.js';
import type { Entity } from './odataQuery.js';

export interface OperationState {
  readonly order: OrderState;
  readonly operation: string;
  readonly sequence: string;
  readonly text: string;
  readonly workCenter: string;
  /** OrderIntBillOfOperationsItem, the operation's internal key (8 digits). */
  readonly internalItem: string;
  /** RUECK: SAP keeps one confirmation group per order operation; ConfirmationCount counts within it. */
  readonly confirmationGroup: string;
  confirmedYield: Milli;
  confirmedScrap: Milli;
  finallyConfirmed: boolean;
  lastCount: number;
}

export interface OrderState {
  readonly demo: DemoOrder;
  /** OrderInternalBillOfOperations (10 digits), the key shared by the order's operations. */
  readonly internalBillOfOperations: string;
  readonly plannedStart: number;
  readonly plannedEnd: number;
  readonly operations: OperationState[];
}

/** One accepted POST to ProdnOrdConf2, as tests and demos inspect it. */
export interface ReceivedConfirmation {
  readonly confirmationGroup: string;
  readonly confirmationCount: string;
  readonly orderId: string;
  readonly operation: string;
  /** Decimal strings with 3 decimals, as SAP returns them, e.g. "95.000". */
  readonly yieldQuantity: string;
  readonly scrapQuantity: string;
  readonly unit: string;
  /** Lowercase GUID, or null when the client sent none. Duplicates are accepted (A.6: SAP is not known to reject them). */
  readonly externalSystemConfirmation: string | null;
  readonly receivedAt: Date;
  /** The ProdnOrdConf2 properties as stored (without __metadata and navigation properties). */
  readonly entity: Readonly<Entity>;
  /** The goods movements posted with it (ProdnOrdConfMatlDocItm), possibly empty. */
  readonly goodsMovements: readonly Readonly<Entity>[];
}

const DAY = 86_400_000;

export class ErpState {
  readonly orders = new Map<string, OrderState>();
  readonly confirmations: ReceivedConfirmation[] = [];
  private lastMaterialDocument = 4_900_000_000;
  /** Positions in `confirmations` by ExternalSystemConfirmation, extended lazily up to `indexed`. */
  private byExternalKey = new Map<string, number[]>();
  private indexed = 0;

  constructor(demoOrders: readonly DemoOrder[], now: number) {
    const today = startOfUtcDay(now);
    let operationIndex = 0;
    for (const demo of demoOrders) {
      let order = this.orders.get(demo.orderId);
      if (order === undefined) {
        const index = this.orders.size;
        order = {
          demo,
          internalBillOfOperations: padNumber(1_000_001 + index, 10),
          // Released orders started yesterday and run a week: plausible dates for a dashboard.
          plannedStart: today - DAY,
          plannedEnd: today + 6 * DAY,
          operations: [],
        };
        this.orders.set(demo.orderId, order);
      }
      if (order.operations.some((op) => op.operation === demo.operation)) continue;
      order.operations.push({
        order,
        operation: demo.operation,
        sequence: '0',
        text: `Produce ${demo.materialText} on ${demo.line}`,
        workCenter: demo.workCenter,
        internalItem: padNumber(order.operations.length + 1, 8),
        confirmationGroup: padNumber(100_001 + operationIndex++, 10),
        confirmedYield: 0,
        confirmedScrap: 0,
        finallyConfirmed: false,
        lastCount: 0,
      });
      order.operations.sort((a, b) => a.operation.localeCompare(b.operation));
    }
  }

  isTechnicallyCompleted(order: OrderState): boolean {
    return order.demo.status === 'completed';
  }

  findOperationByGroup(group: string): OperationState | undefined {
    for (const order of this.orders.values()) {
      const found = order.operations.find((op) => op.confirmationGroup === group);
      if (found) return found;
    }
    return undefined;
  }

  /** The order's confirmed yield is what its last operation reported, as SAP takes it from the final step. */
  orderConfirmedYield(order: OrderState): Milli {
    return order.operations.at(-1)?.confirmedYield ?? 0;
  }

  /**
   * Confirmations carrying this ExternalSystemConfirmation, found without scanning every record: a client's
   * read-back by key stays fast at hundreds of thousands of records (the drain bench, the soak test).
   */
  confirmationsByExternalKey(guid: string): ReceivedConfirmation[] {
    // A $batch rollback truncates the array: a shorter array, or another record where the last indexed one was,
    // means the positions are stale.
    const last = this.indexed - 1;
    if (this.indexed > this.confirmations.length || (last >= 0 && this.indexedLast !== this.confirmations[last])) {
      this.byExternalKey = new Map();
      this.indexed = 0;
    }
    for (; this.indexed < this.confirmations.length; this.indexed++) {
      const key = this.confirmations[this.indexed]!.externalSystemConfirmation;
      if (key === null) continue;
      const positions = this.byExternalKey.get(key);
      if (positions) positions.push(this.indexed);
      else this.byExternalKey.set(key, [this.indexed]);
    }
    this.indexedLast = this.confirmations[this.indexed - 1];
    return (this.byExternalKey.get(guid.toLowerCase()) ?? []).map((i) => this.confirmations[i]!);
  }

  private indexedLast: ReceivedConfirmation | undefined;

  /** Captures everything a confirmation changes and returns the function that puts it back ($batch rollback). */
  snapshot(): () => void {
    const confirmationCount = this.confirmations.length;
    const lastMaterialDocument = this.lastMaterialDocument;
    const operations = [...this.orders.values()].flatMap((order) => order.operations);
    const saved = operations.map((op) => ({ ...op }));
    return () => {
      this.confirmations.length = confirmationCount;
      this.lastMaterialDocument = lastMaterialDocument;
      operations.forEach((op, i) => {
        const before = saved[i];
        if (before === undefined) return;
        op.confirmedYield = before.confirmedYield;
        op.confirmedScrap = before.confirmedScrap;
        op.finallyConfirmed = before.finallyConfirmed;
        op.lastCount = before.lastCount;
      });
    };
  }

  nextMaterialDocument(): string {
    this.lastMaterialDocument += 1;
    return String(this.lastMaterialDocument);
  }

  /** Books a confirmation's quantities onto its operation (and so onto the order's totals). */
  book(operation: OperationState, yieldQty: Milli, scrapQty: Milli, isFinal: boolean): void {
    operation.confirmedYield += yieldQty;
    operation.confirmedScrap += scrapQty;
    if (isFinal) operation.finallyConfirmed = true;
  }
}
