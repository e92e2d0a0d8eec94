// Released production orders from API_PRODUCTION_ORDER_2_SRV (ERP-CONTRACT B): the query, the zod schema
// of the fields PlantDesk caches, and the mapping to the domain's ProductionOrder.
import { z } from 'zod';
import type { ProductionOrder } from '../../domain/index.js';
import { ErpError } from './adapter.js';
import { collectionEnvelope, decodeJson, edmDecimal, sapFlag, stringLiteral } from './odataJson.js';
import { responseError } from './odataErrors.js';
import type { SapHttp } from './sapHttp.js';

export const ORDER_SERVICE = '/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV';
/** Server-side paging guard: a misbehaving __next chain must not loop forever. */
const MAX_PAGES = 100;

/** Optional text fields: Gateway writes "" for empty, some systems null. */
const text = z.string().nullish().transform((s) => s ?? '');

const operationSchema = z.object({
  ManufacturingOrderOperation: z.string().min(1),
  WorkCenter: text,
  OperationUnit: text,
  OpPlannedTotalQuantity: edmDecimal,
  OpTotalConfirmedYieldQty: edmDecimal,
});

const orderSchema = z.object({
  ManufacturingOrder: z.string().min(1),
  ProductionPlant: z.string().min(1),
  Material: text,
  TotalQuantity: edmDecimal,
  ProductionUnit: text,
  OrderIsReleased: sapFlag,
  OrderIsTechnicallyCompleted: sapFlag,
  MfgOrderConfirmedYieldQty: edmDecimal,
  to_ProductionOrderOperation: z.object({ results: z.array(operationSchema) }),
});

const ordersEnvelope = collectionEnvelope(orderSchema);
type SapOrder = z.infer<typeof orderSchema>;

export function toProductionOrder(order: SapOrder): ProductionOrder {
  return {
    orderId: order.ManufacturingOrder,
    plant: order.ProductionPlant,
    material: order.Material,
    quantity: order.TotalQuantity,
    unit: order.ProductionUnit,
    released: order.OrderIsReleased,
    technicallyCompleted: order.OrderIsTechnicallyCompleted,
    confirmedYieldQty: order.MfgOrderConfirmedYieldQty,
    operations: order.to_ProductionOrderOperation.results.map((op) => ({
      operation: op.ManufacturingOrderOperation,
      workCenter: op.WorkCenter,
      // An operation without its own unit is confirmed in the order's unit.
      unit: op.OperationUnit || order.ProductionUnit,
      plannedQty: op.OpPlannedTotalQuantity,
      confirmedYieldQty: op.OpTotalConfirmedYieldQty,
    })),
  };
}

export async function fetchReleasedOrders(http: SapHttp, plant: string): Promise<ProductionOrder[]> {
  const action = `read the released orders of plant ${plant}`;
  const orders: ProductionOrder[] = [];
  let path = `${ORDER_SERVICE}/A_ProductionOrder_2`;
  let query: ReadonlyArray<readonly [string, string]> | undefined = [
    ['$filter', `ProductionPlant eq ${stringLiteral(plant)} and OrderIsReleased eq 'X'`],
    ['$expand', 'to_ProductionOrderOperation,to_ProductionOrderComponent'],
    ['$format', 'json'],
  ];
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await http.send({ method: 'GET', path, ...(query ? { query } : {}), action });
    if (res.status !== 200) throw responseError(res, action, false);
    const decoded = decodeJson(ordersEnvelope, res.body);
    if (!decoded.ok) {
      throw new ErpError(`ERP answered the request to ${action} with data PlantDesk cannot read (${decoded.problem}).`, 'transient', { status: res.status });
    }
    orders.push(...decoded.data.d.results.map(toProductionOrder));
    const next = decoded.data.d.__next;
    if (next === undefined || next === '') return orders;
    path = nextPagePath(next);
    query = undefined;
  }
  throw new ErpError(`ERP kept paging beyond ${MAX_PAGES} pages while PlantDesk tried to ${action}.`, 'transient');
}

/**
 * The __next link made relative to our base URL: Gateway may write its internal host name into it, which a
 * PlantDesk behind a proxy or dispatcher cannot reach, so only the service path and query are kept.
 */
function nextPagePath(next: string): string {
  const at = next.indexOf(ORDER_SERVICE);
  if (at >= 0) return next.slice(at);
  return `${ORDER_SERVICE}/${next.replace(/^\/+/, '')}`;
}
