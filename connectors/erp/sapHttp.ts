// One HTTP exchange with SAP Gateway: base URL and sap-client, Basic auth, JSON accept, timeout, optional
// session cookies. HTTP statuses come back to the caller; transport failures throw ErpError.
import type { CookieJar } from './csrf.js';
import { transportError } from './httpFailure.js';
import { queryString } from './odataJson.js';

export interface SapHttpOptions {
  readonly baseUrl: string;
  readonly sapClient?: string;
  readonly username?: string;
  readonly password?: string;
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
}

export interface SapResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: string;
}

export class SapHttp {
  private readonly authorization: string | undefined;

  constructor(private readonly options: SapHttpOptions) {
    const { username, password } = options;
    this.authorization =
      username === undefined && password === undefined
        ? undefined
        : `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`, 'utf8').toString('base64')}`;
  }

  async send(req: SapRequest): Promise<SapResponse> {
    const url = this.urlOf(req);
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (this.authorization !== undefined) headers['Authorization'] = this.authorization;
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
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
