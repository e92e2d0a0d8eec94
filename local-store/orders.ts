// The ERP order cache: validation reads it offline, the sync engine refreshes it when the ERP answers.
import type { ProductionOrder } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

/** Replaces the cached released orders with the ERP's current list in one transaction. */
export function replaceOrders(db: WritableDb, orders: readonly ProductionOrder[], at: number): void {
  db.transaction(() => {
    statement(db, 'DELETE FROM erp_order').run();
    const insert = statement(db, 'INSERT INTO erp_order (order_id, body, fetched_at) VALUES (?, ?, ?)');
    for (const order of orders) insert.run(order.orderId, JSON.stringify(order), at);
    statement(db, "INSERT INTO setting (key, value) VALUES ('orders_fetched_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(at));
  })();
}

export function listOrders(db: ReadableDb): ProductionOrder[] {
  return (statement(db, 'SELECT body FROM erp_order ORDER BY order_id').all() as { body: string }[]).map((r) => JSON.parse(r.body) as ProductionOrder);
}

/** When the order list was last replaced from the ERP (even if it was empty), or null if never. */
export function lastOrdersFetch(db: ReadableDb): number | null {
  const row = statement(db, "SELECT value FROM setting WHERE key = 'orders_fetched_at'").get() as { value: string } | undefined;
  return row ? Number(row.value) : null;
}
