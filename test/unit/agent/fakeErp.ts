// A plain-object ERP adapter for the sync engine's unit tests: records every call, answers from a script.
import { ErpError, type ErpAdapter, type ErpDocument, type ErpOrderTotals, type PostableConfirmation, type PostOutcome } from '../../../connectors/erp/index.js';
import type { ProductionOrder } from '../../../domain/index.js';

export type PostBehaviour = (item: PostableConfirmation) => ErpDocument | Error;
/** A whole request's answer: an error rejects the request (none or unknown posted, by its kind). */
export type RequestBehaviour = (items: readonly PostableConfirmation[]) => Error | undefined;

export interface FakeErp extends ErpAdapter {
  orders: ProductionOrder[];
  maxBatch: number;
  readonly fetches: string[];
  /** Every item sent, in order (one entry per item of every request). */
  readonly posts: PostableConfirmation[];
  /** Every request, as the items it carried. */
  readonly requests: PostableConfirmation[][];
  readonly finds: string[];
  probes: number;
  /** Answers for the next items, in order; when empty, every item succeeds with a new document. */
  readonly postScript: PostBehaviour[];
  /** Answers for the next requests as a whole, in order; undefined = the items are answered one by one. */
  readonly requestScript: RequestBehaviour[];
  /** What the ERP holds, by event id, for findConfirmation; successful posts add to it. */
  readonly documents: Map<string, ErpDocument>;
  fetchFailure: Error | undefined;
  probeFailure: Error | undefined;
  totals: Map<string, ErpOrderTotals>;
}

export function documentNo(n: number): ErpDocument {
  const group = String(n).padStart(10, '0');
  return { document: `${group}/00000001`, confirmationGroup: group, confirmationCount: '00000001' };
}

export function fakeErp(orders: ProductionOrder[]): FakeErp {
  let next = 1;
  const postOne = (item: PostableConfirmation): PostOutcome => {
    erp.posts.push(item);
    const answer = erp.postScript.shift()?.(item) ?? documentNo(next++);
    if (answer instanceof ErpError) return { ok: false, error: answer };
    if (answer instanceof Error) throw answer;
    erp.documents.set(item.eventId, answer);
    return { ok: true, document: answer };
  };
  const erp: FakeErp = {
    kind: 'sap-odata',
    endpoint: 'http://erp.test',
    maxBatch: 1,
    orders,
    fetches: [],
    posts: [],
    requests: [],
    finds: [],
    probes: 0,
    postScript: [],
    requestScript: [],
    documents: new Map(),
    fetchFailure: undefined,
    probeFailure: undefined,
    totals: new Map(),
    async fetchReleasedOrders(plant) {
      erp.fetches.push(plant);
      if (erp.fetchFailure) throw erp.fetchFailure;
      return erp.orders;
    },
    async postConfirmation(item) {
      const outcome = postOne(item);
      if (!outcome.ok) throw outcome.error;
      return outcome.document;
    },
    async postConfirmations(items) {
      if (items.length > erp.maxBatch) throw new Error(`batch of ${items.length} over maxBatch ${erp.maxBatch}`);
      erp.requests.push([...items]);
      const whole = erp.requestScript.shift()?.(items);
      if (whole) {
        erp.posts.push(...items);
        throw whole;
      }
      return items.map(postOne);
    },
    async findConfirmation(eventId) {
      erp.finds.push(eventId);
      return erp.documents.get(eventId) ?? null;
    },
    async probe() {
      erp.probes++;
      if (erp.probeFailure) throw erp.probeFailure;
    },
    async readOrderTotals(orderId) {
      return erp.totals.get(orderId) ?? { orderId, operations: [], confirmations: [] };
    },
  };
  return erp;
}
