// One HTTP exchange with SAP Gateway: base URL and sap-client, authentication (basic or OAuth2, repeated once
// with a fresh token after 401), JSON accept, timeout, optional session cookies. HTTP statuses come back to the
// caller; transport failures throw ErpError.
import type { ErpAuth } from './auth.js';
import type { CookieJar } from './csrf.js';
import { transportError } from './httpFailure.js';
import { queryString } from './odataJson.js';

export interface SapHttpOptions {
  readonly baseUrl: string;
  readonly sapClient?: string;
  readonly auth: ErpAuth;
  readonly timeoutMs: number;
  readonly fetchImpl: typeof fetch;
}

export interface SapRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** Path below the base URL, e.g. "/sap/opu/odata/sap/…/ProdnOrdConf2"; may carry an encoded query already. */
  readonly path: string;
  readonly query?: ReadonlyArray<readonly [string, string | undefined]>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Plain words for messages, e.g. "post the confirmation". */
  readonly action: string;
  /** Session cookies to send and to update from Set-Cookie (the CSRF flow); plain reads go without. */
  readonly cookies?: CookieJar;
  /** Content-Type of the body; default application/json. */
  readonly contentType?: string;
}

export interface SapResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: string;
}

export class SapHttp {
  constructor(private readonly options: SapHttpOptions) {}

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  async send(req: SapRequest): Promise<SapResponse> {
    const authorization = await this.options.auth.authorization();
    const res = await this.once(req, authorization);
    // A 401 means the ERP did not process the request, so one repeat with a fresh token is safe.
    if (res.status === 401 && (await this.options.auth.refresh(authorization))) {
      return this.once(req, await this.options.auth.authorization());
    }
    return res;
  }

  private async once(req: SapRequest, authorization: string | undefined): Promise<SapResponse> {
    const url = this.urlOf(req);
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (authorization !== undefined) headers['Authorization'] = authorization;
    if (req.body !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
    const cookie = req.cookies?.header();
    if (cookie !== undefined) headers['Cookie'] = cookie;
    const modifying = req.method === 'POST';
    const ctx = { action: req.action, endpoint: this.options.baseUrl, timeoutMs: this.options.timeoutMs, modifying };
    try {
      const res = await this.options.fetchImpl(url, {
        method: req.method,
        headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        // A POST redirected to a login page must not be replayed as a GET; a 3xx is reported instead.
        redirect: 'manual',
        // One clock for connect, send and the whole body: a hung ERP costs at most timeoutMs.
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      req.cookies?.absorb(res.headers);
      // Read inside the try: a reset while the body streams in is as ambiguous as one before the headers.
      const body = req.method === 'HEAD' ? '' : await res.text();
      return { status: res.status, statusText: res.statusText, headers: res.headers, body };
    } catch (error) {
      throw transportError(error, ctx);
    }
  }

  private urlOf(req: SapRequest): string {
    const { baseUrl, sapClient } = this.options;
    const url = `${baseUrl}${req.path}`;
    // A paging link (__next) arrives with its query encoded and usually with sap-client already in it.
    const client = sapClient !== undefined && !/[?&]sap-client=/.test(url) ? sapClient : undefined;
    const query = queryString([...(req.query ?? []), ['sap-client', client]]);
    if (query === '') return url;
    return url.includes('?') ? `${url}&${query.slice(1)}` : `${url}${query}`;
  }
}
