// Reconciliation read of one order from SAP (ERP-CONTRACT A.7, B): every confirmation of the order with our key
// and its cancelled flag from ProdnOrdConf2, and OpTotalConfirmedYieldQty per operation from the order API.
import { z } from 'zod';
import type { ErpConfirmationRecord, ErpOrderTotals } from './adapter.js';
import { ErpError } from './adapter.js';
import { collectionEnvelope, decodeJson, edmDecimal, isGuid, stringLiteral } from './odataJson.js';
import { responseError } from './odataErrors.js';
import { CONFIRMATION_SERVICE } from './sapConfirmations.js';
import type { SapHttp } from './sapHttp.js';
import { ORDER_SERVICE } from './sapOrders.js';

const EMPTY_GUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
const MAX_PAGES = 100;

const confirmationSchema = z.object({
  ConfirmationGroup: z.string().min(1),
  ConfirmationCount: z.string().min(1),
  OrderOperation: z.string(),
  ConfirmationYieldQuantity: edmDecimal,
  ConfirmationScrapQuantity: edmDecimal,
  ConfirmationUnit: z.string().nullish().transform((s) => s ?? ''),
  ExternalSystemConfirmation: z.string().nullish(),
  IsReversed: z.boolean().nullish(),
  IsReversal: z.boolean().nullish(),
});

const operationSchema = z.object({
  ManufacturingOrderOperation: z.string().min(1),
  OpTotalConfirmedYieldQty: edmDecimal,
});

async function readAll<T extends z.ZodType>(http: SapHttp, path: string, query: ReadonlyArray<readonly [string, string]>, schema: T, action: string): Promise<z.output<T>[]> {
  const rows: z.output<T>[] = [];
  let nextPath = path;
  let nextQuery: ReadonlyArray<readonly [string, string]> | undefined = query;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await http.send({ method: 'GET', path: nextPath, ...(nextQuery ? { query: nextQuery } : {}), action });
    if (res.status !== 200) throw responseError(res, action, false);
    const decoded = decodeJson(collectionEnvelope(schema), res.body);
    if (!decoded.ok) {
      throw new ErpError(`ERP answered the request to ${action} with data PlantDesk cannot read (${decoded.problem}).`, 'transient', { status: res.status });
    }
    rows.push(...(decoded.data.d.results as z.output<T>[]));
    const next = decoded.data.d.__next;
    if (next === undefined || next === '') return rows;
    const at = next.indexOf('/sap/opu/odata/');
    nextPath = at >= 0 ? next.slice(at) : next;
    nextQuery = undefined;
  }
  throw new ErpError(`ERP kept paging beyond ${MAX_PAGES} pages while PlantDesk tried to ${action}.`, 'transient');
}

export async function readOrderTotals(http: SapHttp, orderId: string): Promise<ErpOrderTotals> {
  const confirmations = await readAll(
    http,
    `${CONFIRMATION_SERVICE}/ProdnOrdConf2`,
    [
      ['$filter', `OrderID eq ${stringLiteral(orderId)}`],
      ['$select', 'ConfirmationGroup,ConfirmationCount,OrderOperation,ConfirmationYieldQuantity,ConfirmationScrapQuantity,ConfirmationUnit,ExternalSystemConfirmation,IsReversed,IsReversal'],
      ['$format', 'json'],
    ],
    confirmationSchema,
    `read the confirmations of order ${orderId}`,
  );
  const operations = await readAll(
    http,
    `${ORDER_SERVICE}/A_ProductionOrder_2(${encodeURIComponent(stringLiteral(orderId))})/to_ProductionOrderOperation`,
    [['$format', 'json']],
    operationSchema,
    `read the operation totals of order ${orderId}`,
  );
  return {
    orderId,
    operations: operations.map((op) => ({ operation: op.ManufacturingOrderOperation, confirmedYieldQty: op.OpTotalConfirmedYieldQty })),
    // The cancelling record (IsReversal) is SAP's bookkeeping of the cancel; the original carries IsReversed.
    confirmations: confirmations.filter((c) => c.IsReversal !== true).map(toRecord),
  };
}

function toRecord(c: z.output<typeof confirmationSchema>): ErpConfirmationRecord {
  const key = c.ExternalSystemConfirmation?.toLowerCase() ?? '';
  return {
    document: `${c.ConfirmationGroup}/${c.ConfirmationCount}`,
    operation: c.OrderOperation,
    yieldQty: c.ConfirmationYieldQuantity,
    scrapQty: c.ConfirmationScrapQuantity,
    unit: c.ConfirmationUnit,
    eventId: isGuid(key) && !EMPTY_GUID.test(key) ? key : null,
    cancelled: c.IsReversed === true,
  };
}
