// ErpAdapter for SAP S/4HANA over OData V2 (ERP-CONTRACT A and B): released orders in, production order
// confirmations out (single POST or $batch with one changeset per event) with CSRF token and session,
// read-back by PlantDesk's event id, and the per-order read for reconciliation.
import type { ErpAdapter, ErpDocument, PostableConfirmation, PostOutcome } from './adapter.js';
import { ErpError } from './adapter.js';
import { basicAuth, NO_AUTH, type ErpAuth } from './auth.js';
import { CsrfToken } from './csrf.js';
import { nodeFetch } from './nodeFetch.js';
import { oauth2ClientCredentials } from './oauth2.js';
import { responseError } from './odataErrors.js';
import { buildBatch, parseBatchResponse, type BatchPart } from './sapBatch.js';
import { CONFIRMATION_SERVICE, confirmationBody, createdDocument, findConfirmation } from './sapConfirmations.js';
import { SapHttp } from './sapHttp.js';
import type { SapResponse } from './sapHttp.js';
import { fetchReleasedOrders } from './sapOrders.js';
import { readOrderTotals } from './sapTotals.js';

export interface OAuth2ClientCredentials {
  /** Token endpoint of the authorization server, e.g. https://tenant.authentication.eu10.hana.ondemand.com/oauth/token. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string;
}

export interface SapODataOptions {
  /** Scheme, host and port of the Gateway, no trailing slash, e.g. "http://127.0.0.1:4801". */
  readonly baseUrl: string;
  /** SAP client (mandant), sent as `sap-client` on every request when set, e.g. "100". */
  readonly sapClient?: string;
  /** Basic auth user; with `password`, sent on every request. */
  readonly username?: string;
  readonly password?: string;
  /** OAuth2 client credentials instead of basic auth; the token is cached until it expires. */
  readonly oauth2?: OAuth2ClientCredentials;
  /** Per request: connect, send and read the whole answer. Default 15000. */
  readonly timeoutMs?: number;
  /** Most confirmations in one $batch (one changeset each). Default 20. */
  readonly batchSize?: number;
  /** For tests; default nodeFetch (node:http with keep-alive, which tells sent from not sent). */
  readonly fetchImpl?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_BATCH_SIZE = 20;
const POST_ACTION = 'post the confirmation';
const BATCH_ACTION = 'post a batch of confirmations';

function authOf(options: SapODataOptions, timeoutMs: number, fetchImpl: typeof fetch): ErpAuth {
  if (options.oauth2 !== undefined) return oauth2ClientCredentials({ ...options.oauth2, timeoutMs, fetchImpl });
  if (options.username === undefined && options.password === undefined) return NO_AUTH;
  return basicAuth(options.username ?? '', options.password ?? '');
}

/**
 * @example
 * const erp = createSapODataAdapter({ baseUrl: 'https://s4.example.com', sapClient: '100', username, password });
 * const orders = await erp.fetchReleasedOrders('1010');
 */
export function createSapODataAdapter(options: SapODataOptions): ErpAdapter {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetchImpl ?? nodeFetch;
  const maxBatch = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const http = new SapHttp({
    baseUrl,
    ...(options.sapClient === undefined ? {} : { sapClient: options.sapClient }),
    auth: authOf(options, timeoutMs, fetchImpl),
    timeoutMs,
    fetchImpl,
  });
  const csrf: CsrfToken = new CsrfToken(async (trailingSlash) => {
    const action = 'get a security token for posting';
    const res = await http.send({
      method: 'HEAD',
      path: `${CONFIRMATION_SERVICE}${trailingSlash ? '/' : ''}`,
      headers: { 'X-CSRF-Token': 'Fetch' },
      cookies: csrf.cookies,
      action,
    });
    // Without valid credentials no token will ever come; say so instead of posting and failing on 403.
    if (res.status === 401) throw responseError(res, action, false);
    return res.headers;
  });

  /** Sends a modifying request with the CSRF token; fetches a new token once when the ERP says it is required. */
  async function withToken(send: (token: string | undefined) => Promise<SapResponse>): Promise<SapResponse> {
    const token = await csrf.get();
    const res = await send(token);
    if (!isCsrfRejection(res)) return res;
    // The ERP refused the token before touching any record, so one retry with a fresh one is safe.
    const renewed = await send(await csrf.renew(token));
    if (isCsrfRejection(renewed)) {
      throw new ErpError('ERP kept refusing the security token (HTTP 403, CSRF token required); PlantDesk will try again.', 'transient', { status: 403 });
    }
    return renewed;
  }

  async function postBatch(items: readonly PostableConfirmation[]): Promise<PostOutcome[]> {
    const outcomes: (PostOutcome | undefined)[] = items.map(() => undefined);
    const bodies: string[] = [];
    const sentIndex: number[] = [];
    items.forEach((item, index) => {
      try {
        bodies.push(JSON.stringify(confirmationBody(item)));
        sentIndex.push(index);
      } catch (error) {
        // A record that cannot be expressed (bad quantity, key not a GUID) fails alone, without a request.
        if (!(error instanceof ErpError)) throw error;
        outcomes[index] = { ok: false, error };
      }
    });
    if (bodies.length > 0) {
      const parts = await sendBatch(bodies);
      parts.forEach((outcome, i) => {
        outcomes[sentIndex[i] ?? -1] = outcome;
      });
    }
    return outcomes.map((outcome) => outcome ?? { ok: false, error: new ErpError('internal: no outcome for this item', 'ambiguous') });
  }

  async function sendBatch(bodies: readonly string[], csrfRetried = false): Promise<PostOutcome[]> {
    const batch = buildBatch('ProdnOrdConf2', bodies);
    const res = await withToken((token) =>
      http.send({
        method: 'POST',
        path: `${CONFIRMATION_SERVICE}/$batch`,
        headers: token === undefined ? {} : { 'X-CSRF-Token': token },
        contentType: batch.contentType,
        body: batch.body,
        cookies: csrf.cookies,
        action: BATCH_ACTION,
      }),
    );
    if (res.status < 200 || res.status >= 300) {
      const error = responseError(res, BATCH_ACTION, true);
      // The whole batch was refused for its content (a 4xx with a message): every item carries the words.
      if (error.kind === 'business') return bodies.map(() => ({ ok: false, error }));
      throw error;
    }
    let parts: BatchPart[];
    try {
      parts = parseBatchResponse(res.headers.get('content-type'), res.body);
      if (parts.length !== bodies.length) throw new Error(`it holds ${parts.length} answers for ${bodies.length} changesets`);
    } catch (error) {
      throw new ErpError(
        `ERP accepted the batch (HTTP ${res.status}) but its answer could not be read (${(error as Error).message}). Some confirmations may have been posted: PlantDesk checks the ERP for each before sending again.`,
        'ambiguous',
        { status: res.status },
      );
    }
    // Some systems check the token per changeset; if every part says so, nothing was posted: renew and resend.
    if (!csrfRetried && parts.every(isCsrfRejection)) {
      await csrf.renew(await csrf.get());
      return sendBatch(bodies, true);
    }
    return parts.map(partOutcome);
  }

  return {
    kind: 'sap-odata',
    endpoint: baseUrl,
    maxBatch,
    fetchReleasedOrders: (plant) => fetchReleasedOrders(http, plant),
    findConfirmation: (eventId) => findConfirmation(http, eventId),
    readOrderTotals: (orderId) => readOrderTotals(http, orderId),

    async postConfirmation(item: PostableConfirmation): Promise<ErpDocument> {
      const body = JSON.stringify(confirmationBody(item));
      const res = await withToken((token) =>
        http.send({
          method: 'POST',
          path: `${CONFIRMATION_SERVICE}/ProdnOrdConf2`,
          headers: token === undefined ? {} : { 'X-CSRF-Token': token },
          body,
          cookies: csrf.cookies,
          action: POST_ACTION,
        }),
      );
      if (res.status >= 200 && res.status < 300) return createdDocument(res.status, res.body);
      throw responseError(res, POST_ACTION, true);
    },

    async postConfirmations(items: readonly PostableConfirmation[]): Promise<PostOutcome[]> {
      if (items.length > maxBatch) throw new RangeError(`postConfirmations got ${items.length} items; maxBatch is ${maxBatch}`);
      if (items.length === 0) return [];
      return postBatch(items);
    },

    async probe(): Promise<void> {
      const action = 'check that the ERP answers';
      const res = await http.send({ method: 'GET', path: `${CONFIRMATION_SERVICE}/`, query: [['$format', 'json']], action });
      if (res.status !== 200) throw responseError(res, action, false);
    },
  };
}

/** A changeset's own answer: 2xx carries the document; an error is that confirmation's alone (rolled back). */
function partOutcome(part: BatchPart): PostOutcome {
  if (isCsrfRejection(part)) {
    return { ok: false, error: new ErpError('ERP refused the security token for this confirmation (HTTP 403, CSRF token required); PlantDesk will try again.', 'transient', { status: 403 }) };
  }
  if (part.status >= 200 && part.status < 300) {
    try {
      return { ok: true, document: createdDocument(part.status, part.body) };
    } catch (error) {
      if (error instanceof ErpError) return { ok: false, error };
      throw error;
    }
  }
  // Not `modifying`: the ERP itself answered for this changeset, so a 5xx here means it rolled back.
  return { ok: false, error: responseError(part, POST_ACTION, false) };
}

function isCsrfRejection(res: { readonly status: number; readonly headers: Headers }): boolean {
  return res.status === 403 && res.headers.get('x-csrf-token')?.trim().toLowerCase() === 'required';
}
