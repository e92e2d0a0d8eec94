// A plain-object ERP adapter for the sync engine's unit tests: records every call, answers from a script.
import type { ErpAdapter, ErpDocument, PostableConfirmation } from '../../../connectors/erp/index.js';
import type { ProductionOrder } from '../../../domain/index.js';

export type PostBehaviour = (item: PostableConfirmation) => ErpDocument | Error;

export interface FakeErp extends ErpAdapter {
  orders: ProductionOrder[];
  readonly fetches: string[];
  readonly posts: PostableConfirmation[];
  readonly finds: string[];
  /** Answers for the next posts, in order; when empty, every post succeeds with a new document. */
  readonly postScript: PostBehaviour[];
  /** What the ERP holds, by event id, for findConfirmation; successful posts add to it. */
  readonly documents: Map<string, ErpDocument>;
  fetchFailure: Error | undefined;
}

export function documentNo(n: number): ErpDocument {
  const group = String(n).padStart(10, '0');
  return { document: `${group}/00000001`, confirmationGroup: group, confirmationCount: '00000001' };
}

export function fakeErp(orders: ProductionOrder[]): FakeErp {
  let next = 1;
  const erp: FakeErp = {
    endpoint: 'http://erp.test',
    orders,
    fetches: [],
    posts: [],
    finds: [],
    postScript: [],
    documents: new Map(),
    fetchFailure: undefined,
    async fetchReleasedOrders(plant) {
      erp.fetches.push(plant);
      if (erp.fetchFailure) throw erp.fetchFailure;
      return erp.orders;
    },
    async postConfirmation(item) {
      erp.posts.push(item);
      const answer = erp.postScript.shift()?.(item) ?? documentNo(next++);
      if (answer instanceof Error) throw answer;
      erp.documents.set(item.eventId, answer);
      return answer;
    },
    async findConfirmation(eventId) {
      erp.finds.push(eventId);
      return erp.documents.get(eventId) ?? null;
    },
  };
  return erp;
}
