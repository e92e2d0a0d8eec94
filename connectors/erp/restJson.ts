// ErpAdapter for any ERP or integration platform that implements docs/REST-ERP-CONTRACT.md: canonical events as
// JSON with an Idempotency-Key, read-back by key, order totals, released orders, health. The same failure
// classification as SAP (odataErrors.ts reads the contract's {error:{code,message}} body too).
import type { ProductionOrder } from '../../domain/index.js';
import type { ErpAdapter, ErpDocument, ErpOrderTotals, PostableConfirmation, PostOutcome } from './adapter.js';
import { ErpError } from './adapter.js';
import { basicAuth, bearerAuth, NO_AUTH, type ErpAuth } from './auth.js';
import { nodeFetch } from './nodeFetch.js';
import { oauth2ClientCredentials } from './oauth2.js';
import { decodeJson } from './odataJson.js';
import { responseError } from './odataErrors.js';
import { restDocument, restOrders, restTotals, toRestBody } from './restSchemas.js';
import type { OAuth2ClientCredentials } from './sapOdata.js';
import { SapHttp, type SapResponse } from './sapHttp.js';

export interface RestJsonOptions {
  /** Base URL of the contract's endpoints, e.g. "https://ipaas.example.com/plantdesk/v1". */
  readonly baseUrl: string;
  /** One of: a fixed bearer token, basic credentials, OAuth2 client credentials; none when all are absent. */
  readonly bearerToken?: string;
  readonly username?: string;
  readonly password?: string;
  readonly oauth2?: OAuth2ClientCredentials;
  /** Per request. Default 15000. */
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
}

const POST_ACTION = 'post the confirmation';

function authOf(options: RestJsonOptions, timeoutMs: number, fetchImpl: typeof fetch): ErpAuth {
  if (options.oauth2 !== undefined) return oauth2ClientCredentials({ ...options.oauth2, timeoutMs, fetchImpl });
  if (options.bearerToken !== undefined) return bearerAuth(options.bearerToken);
  if (options.username !== undefined || options.password !== undefined) return basicAuth(options.username ?? '', options.password ?? '');
  return NO_AUTH;
}

/**
 * @example
 * const erp = createRestJsonAdapter({ baseUrl: 'https://ipaas.example.com/plantdesk/v1', bearerToken });
 * await erp.postConfirmation({ eventId, correlationId, confirmation });
 */
export function createRestJsonAdapter(options: RestJsonOptions): ErpAdapter {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const fetchImpl = options.fetchImpl ?? nodeFetch;
  // SapHttp is the plain HTTP exchange (auth, JSON, timeout, classification); without sapClient nothing SAP is added.
  const http = new SapHttp({ baseUrl, auth: authOf(options, timeoutMs, fetchImpl), timeoutMs, fetchImpl });

  function unreadable(action: string, res: SapResponse, problem: string, kind: 'transient' | 'ambiguous'): ErpError {
    return new ErpError(`ERP answered the request to ${action} (HTTP ${res.status}) with data PlantDesk cannot read (${problem}).`, kind, { status: res.status });
  }

  async function getJson<T>(path: string, action: string, read: (body: string) => { ok: true; data: T } | { ok: false; problem: string }, notFound?: T): Promise<T> {
    const res = await http.send({ method: 'GET', path, action });
    if (res.status === 404 && notFound !== undefined) return notFound;
    if (res.status !== 200) throw responseError(res, action, false);
    const decoded = read(res.body);
    if (!decoded.ok) throw unreadable(action, res, decoded.problem, 'transient');
    return decoded.data;
  }

  async function postConfirmation(item: PostableConfirmation): Promise<ErpDocument> {
    const res = await http.send({
      method: 'POST',
      path: '/confirmations',
      headers: { 'Idempotency-Key': item.eventId },
      body: JSON.stringify(toRestBody(item)),
      action: POST_ACTION,
    });
    // 200 is the replay of the first answer for this key: posted once, earlier.
    if (res.status === 200 || res.status === 201) {
      const decoded = decodeJson(restDocument, res.body);
      if (!decoded.ok) throw unreadable(POST_ACTION, res, decoded.problem, 'ambiguous');
      return toErpDocument(decoded.data.document);
    }
    throw responseError(res, POST_ACTION, true);
  }

  return {
    kind: 'rest-json',
    endpoint: baseUrl,
    maxBatch: 1,
    postConfirmation,

    async postConfirmations(items: readonly PostableConfirmation[]): Promise<PostOutcome[]> {
      if (items.length > 1) throw new RangeError(`postConfirmations got ${items.length} items; the REST contract posts one per request`);
      const outcomes: PostOutcome[] = [];
      for (const item of items) {
        try {
          outcomes.push({ ok: true, document: await postConfirmation(item) });
        } catch (error) {
          // Transient and ambiguous failures are the request's, and so rejected; business ones belong to the item.
          if (error instanceof ErpError && error.kind === 'business') outcomes.push({ ok: false, error });
          else throw error;
        }
      }
      return outcomes;
    },

    async findConfirmation(eventId: string): Promise<ErpDocument | null> {
      const action = `look up confirmation ${eventId}`;
      const doc = await getJson(`/confirmations/${encodeURIComponent(eventId)}`, action, (body) => decodeJson(restDocument, body), null);
      return doc === null ? null : toErpDocument(doc.document);
    },

    async readOrderTotals(orderId: string): Promise<ErpOrderTotals> {
      return getJson(`/orders/${encodeURIComponent(orderId)}/totals`, `read the totals of order ${orderId}`, (body) => decodeJson(restTotals, body));
    },

    async fetchReleasedOrders(plant: string): Promise<ProductionOrder[]> {
      const query = new URLSearchParams({ plant, status: 'released' });
      const data = await getJson(`/orders?${query.toString()}`, `read the released orders of plant ${plant}`, (body) => decodeJson(restOrders, body));
      return data.orders;
    },

    async probe(): Promise<void> {
      const action = 'check that the ERP answers';
      const res = await http.send({ method: 'GET', path: '/health', action });
      if (res.status !== 200) throw responseError(res, action, false);
    },
  };
}

/** The REST document number is one string; it fills both SAP-shaped fields so displays stay uniform. */
function toErpDocument(document: string): ErpDocument {
  return { document, confirmationGroup: document, confirmationCount: '' };
}
