// The Orders screen's read model: released orders from the ERP cache with what PlantDesk posted and still holds
// for each (one indexed group-by per order through event_order).
import { OrderListQuerySchema, type OrderListQuery, type OrderProgress, type OrderProgressStatus, type ProductionOrder } from '../../domain/index.js';
import { lastOrdersFetch, listOrders, type ReadableDb } from '../../local-store/index.js';

interface StatusTotals {
  status: string;
  yield_qty: number | null;
  scrap_qty: number | null;
  n: number;
  last_at: number | null;
}

const PENDING = new Set(['mapped', 'ready', 'sending']);

function statusOf(order: ProductionOrder, doneQty: number, postedOrPending: number): OrderProgressStatus {
  if (order.technicallyCompleted) return 'closed';
  if (!order.released) return 'not_released';
  if (order.quantity > 0 && doneQty >= order.quantity) return 'complete';
  return doneQty > 0 || postedOrPending > 0 ? 'in_progress' : 'released';
}

export function listOrderProgress(db: ReadableDb, query: OrderListQuery = {}): OrderProgress[] {
  const { limit } = OrderListQuerySchema.parse(query);
  const fetchedAt = new Date(lastOrdersFetch(db) ?? 0).toISOString();
  const totals = db.prepare(`
    SELECT status, SUM(json_extract(body, '$.yieldQty')) AS yield_qty, SUM(json_extract(body, '$.scrapQty')) AS scrap_qty,
           COUNT(*) AS n, MAX(updated_at) AS last_at
      FROM event WHERE order_id = ? AND kind = 'confirmation' GROUP BY status`);
  return listOrders(db).slice(0, limit).map((order) => {
    let postedQty = 0;
    let pendingQty = 0;
    let scrapQty = 0;
    let exceptions = 0;
    let lastAt: number | null = null;
    for (const row of totals.all(order.orderId) as StatusTotals[]) {
      if (row.status === 'posted') postedQty += row.yield_qty ?? 0;
      if (PENDING.has(row.status)) pendingQty += row.yield_qty ?? 0;
      if (row.status === 'exception') exceptions += row.n;
      if (row.status !== 'voided' && row.status !== 'exception') scrapQty += row.scrap_qty ?? 0;
      if (row.last_at !== null) lastAt = Math.max(lastAt ?? 0, row.last_at);
    }
    // The ERP's figure includes what PlantDesk posted before the last order refresh: the larger one is the truth
    // PlantDesk knows of, without adding the same parts twice.
    const doneQty = Math.max(order.confirmedYieldQty, postedQty);
    return {
      orderId: order.orderId, material: order.material, quantity: order.quantity, unit: order.unit,
      status: statusOf(order, doneQty, postedQty + pendingQty),
      erpConfirmedQty: order.confirmedYieldQty, postedQty, pendingQty, scrapQty,
      progressPct: order.quantity > 0 ? Math.round((doneQty / order.quantity) * 1000) / 10 : 0,
      exceptions, lastEventAt: lastAt === null ? null : new Date(lastAt).toISOString(), fetchedAt,
    };
  });
}
