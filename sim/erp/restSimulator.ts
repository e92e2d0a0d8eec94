// The REST JSON ERP simulator: docs/REST-ERP-CONTRACT.md over real HTTP, with the same fault knobs, arrival log,
// counting and cancel controls under /sim/ as the SAP simulator. Shares no code with connectors/erp.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_ORDERS, type DemoOrder } from '../demoData.js';
import { ADMIN_PREFIX, handleAdmin, type AdminDeps } from './adminRoutes.js';
import type { FaultConfig, FaultConfigInput } from './faultConfig.js';
import { Faults } from './faults.js';
import { basicAuthUser, readBody } from './httpUtil.js';
import { OAuthTokens, TOKEN_PATH, type OAuthOptions } from './oauth.js';
import { ODataError } from './odataError.js';
import { countKeys, RequestLog, type KeyCounts, type LoggedRequest } from './requestLog.js';
import { RestStore, type RestAnswer, type RestRecord } from './restStore.js';

export interface RestErpSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly orders?: readonly DemoOrder[];
  /** Accepted authentication; none set means none required. */
  readonly bearerToken?: string;
  readonly username?: string;
  readonly password?: string;
  readonly oauth2?: OAuthOptions;
  readonly faults?: FaultConfigInput;
}

export interface RestErpSimulator {
  /** Base URL of the contract's endpoints, no trailing slash. */
  readonly url: string;
  readonly records: readonly RestRecord[];
  readonly requests: readonly LoggedRequest[];
  setFaults(config: FaultConfigInput): FaultConfig;
  counts(): KeyCounts;
  cancel(target: { readonly document?: string; readonly key?: string }): { readonly document: string } | { readonly error: string };
  expireAccessTokens(): void;
  stop(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(payload)) });
  response.end(payload);
}

function errorAnswer(status: number, code: string, message: string): RestAnswer {
  return { status, body: { error: { code, message } } };
}

export async function startRestErpSimulator(options: RestErpSimulatorOptions = {}): Promise<RestErpSimulator> {
  const store = new RestStore(options.orders ?? DEMO_ORDERS);
  const faults = new Faults(options.faults ?? {});
  const log = new RequestLog();
  const oauth = options.oauth2 === undefined ? undefined : new OAuthTokens(options.oauth2);
  const admin: AdminDeps = {
    faults,
    log,
    counts: () => countKeys(store.records.map((r) => r.eventId)),
    cancel: (target) => store.cancel(target),
  };

  function authorized(request: IncomingMessage): boolean {
    const header = request.headers.authorization;
    const open = options.bearerToken === undefined && options.username === undefined && oauth === undefined;
    if (open) return true;
    if (options.bearerToken !== undefined && header === `Bearer ${options.bearerToken}`) return true;
    if (oauth?.isValid(header) === true) return true;
    return options.username !== undefined && basicAuthUser(header, options.username, options.password ?? '') !== undefined;
  }

  function route(method: string, url: URL, request: IncomingMessage, body: Buffer): RestAnswer {
    const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
    if (method === 'POST' && parts.length === 1 && parts[0] === 'confirmations') {
      const key = request.headers['idempotency-key'];
      return store.post(Array.isArray(key) ? key[0] : key, body.toString('utf8'), (ctx) => faults.decidePosting(ctx));
    }
    if (method === 'GET' && parts.length === 2 && parts[0] === 'confirmations') return store.find(parts[1] ?? '');
    if (method === 'GET' && parts.length === 3 && parts[0] === 'orders' && parts[2] === 'totals') return store.totals(parts[1] ?? '');
    if (method === 'GET' && parts.length === 1 && parts[0] === 'orders') return store.released(url.searchParams.get('plant'));
    if (method === 'GET' && parts.length === 1 && parts[0] === 'health') return { status: 200, body: { status: 'ok' } };
    return errorAnswer(404, 'not_found', `No endpoint ${method} ${url.pathname}`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    if (oauth !== undefined && method === 'POST' && url.pathname === TOKEN_PATH) {
      const reply = oauth.issue(request.headers.authorization, new URLSearchParams(body.toString('utf8')));
      send(response, reply.status, reply.body);
      return;
    }
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      const reply = handleAdmin(admin, method, url.pathname, body);
      send(response, reply.status, reply.body);
      return;
    }
    const entry = log.add(method, `${url.pathname}${url.search}`, arrived);
    response.on('close', () => {
      entry.status = response.writableFinished ? response.statusCode : 0;
    });
    const decision = faults.decideRequest(method === 'POST');
    entry.fault = decision.fault;
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.resetBeforeCommit) {
      request.socket.destroy();
      return;
    }
    if (decision.early !== undefined) {
      const { status, message, retryAfter } = decision.early;
      const answer = errorAnswer(status, status === 429 ? 'rate_limited' : status === 503 ? 'maintenance' : 'internal', message);
      send(response, answer.status, answer.body, retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
      return;
    }
    if (!authorized(request)) {
      send(response, 401, { error: { code: 'unauthorized', message: 'Authentication failed' } }, { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    const answer = route(method, url, request, body);
    if (decision.afterCommit === 'reset') {
      request.socket.destroy();
      return;
    }
    if (decision.afterCommit === 'slow') await sleep(faults.config.slowAfterCommitMs);
    send(response, answer.status, answer.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // A too large body (413 from readBody) or a bad percent-encoding is the client's fault, said as such.
      const status = error instanceof ODataError ? error.status : error instanceof URIError ? 400 : 500;
      const code = status === 413 ? 'payload_too_large' : status === 400 ? 'invalid_request' : 'internal';
      send(response, status, { error: { code, message: error instanceof Error ? error.message : String(error) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    get records() {
      return [...store.records];
    },
    get requests() {
      return [...log.entries];
    },
    setFaults: (config) => faults.set(config),
    counts: () => admin.counts(),
    cancel: (target) => admin.cancel(target),
    expireAccessTokens: () => oauth?.expireAll(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
