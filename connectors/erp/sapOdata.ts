// ErpAdapter for SAP S/4HANA over OData V2 (ERP-CONTRACT A and B): released orders in, production order
// confirmations out with CSRF token and session, read-back by PlantDesk's event id.
import type { ErpAdapter, ErpDocument, PostableConfirmation } from './adapter.js';
import { ErpError } from './adapter.js';
import { CsrfToken } from './csrf.js';
import { responseError } from './odataErrors.js';
import { CONFIRMATION_SERVICE, confirmationBody, createdDocument, findConfirmation } from './sapConfirmations.js';
import { SapHttp } from './sapHttp.js';
import type { SapResponse } from './sapHttp.js';
import { fetchReleasedOrders } from './sapOrders.js';

export interface SapODataOptions {
  /** Scheme, host and port of the Gateway, no trailing slash, e.g. "http://127.0.0.1:4801". */
  readonly baseUrl: string;
  /** SAP client (mandant), sent as `sap-client` on every request when set, e.g. "100". */
  readonly sapClient?: string;
  /** Basic auth user; with `password`, sent on every request. */
  readonly username?: string;
  readonly password?: string;
  /** Per request: connect, send and read the whole answer. Default 15000. */
  readonly timeoutMs?: number;
  /** For tests; default the global fetch. */
  readonly fetchImpl?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const POST_ACTION = 'post the confirmation';

/**
 * @example
 * const erp = createSapODataAdapter({ baseUrl: 'https://s4.example.com', sapClient: '100', username, password });
 * const orders = await erp.fetchReleasedOrders('1010');
 */
export function createSapODataAdapter(options: SapODataOptions): ErpAdapter {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const http = new SapHttp({
    baseUrl,
    ...(options.sapClient === undefined ? {} : { sapClient: options.sapClient }),
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetchImpl: options.fetchImpl ?? fetch,
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

  async function send(token: string | undefined, body: string): Promise<SapResponse> {
    return http.send({
      method: 'POST',
      path: `${CONFIRMATION_SERVICE}/ProdnOrdConf2`,
      headers: token === undefined ? {} : { 'X-CSRF-Token': token },
      body,
      cookies: csrf.cookies,
      action: POST_ACTION,
    });
  }

  return {
    endpoint: baseUrl,
    fetchReleasedOrders: (plant) => fetchReleasedOrders(http, plant),
    findConfirmation: (eventId) => findConfirmation(http, eventId),

    async postConfirmation(item: PostableConfirmation): Promise<ErpDocument> {
      const body = JSON.stringify(confirmationBody(item));
      let token = await csrf.get();
      let res = await send(token, body);
      if (isCsrfRejection(res)) {
        // The ERP refused the token before touching the record, so one retry with a fresh one is safe.
        token = await csrf.renew(token);
        res = await send(token, body);
        if (isCsrfRejection(res)) {
          throw new ErpError('ERP kept refusing the security token (HTTP 403, CSRF token required); PlantDesk will try again.', 'transient', { status: 403 });
        }
      }
      if (res.status >= 200 && res.status < 300) return createdDocument(res.status, res.body);
      throw responseError(res, POST_ACTION, true);
    },
  };
}

function isCsrfRejection(res: SapResponse): boolean {
  return res.status === 403 && res.headers.get('x-csrf-token')?.trim().toLowerCase() === 'required';
}
