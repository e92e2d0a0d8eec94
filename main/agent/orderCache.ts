// The ERP orders in memory, so a confirmation is validated as it arrives instead of in a second pass.
import type { ProductionOrder } from '../../domain/index.js';
import { lastOrdersFetch, listOrders, replaceOrders, type WritableDb } from '../../local-store/index.js';

export class OrderCache {
  private orders: Map<string, ProductionOrder> | null = null;

  /** Starts from the orders stored by the last run, so validation works offline from the first message. */
  constructor(private readonly db: WritableDb) {
    if (lastOrdersFetch(db) !== null) this.orders = new Map(listOrders(db).map((o) => [o.orderId, o]));
  }

  /** False until the ERP answered once: until then confirmations wait in `mapped` instead of failing. */
  get loaded(): boolean {
    return this.orders !== null;
  }

  lookup = (orderId: string): ProductionOrder | undefined => this.orders?.get(orderId);

  replace(orders: readonly ProductionOrder[], at: number): void {
    replaceOrders(this.db, orders, at);
    this.orders = new Map(orders.map((o) => [o.orderId, o]));
  }
}
