// Entry point of every HTTP request: service lookup, basic auth, sap-client, CSRF (A.4), content negotiation,
// then the service. Every failure becomes A.8 error JSON; nothing a client sends can crash the process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, handleAdmin, type AdminDeps } from './adminRoutes.js';
import { handleBatch, type Snapshot } from './batch.js';
import type { CsrfSessions } from './csrf.js';
import { basicAuthUser, checkJsonRequested, readBody, sendJson, sendRaw, sendText } from './httpUtil.js';
import { ERROR_CODES, ODataError, UNKNOWN_SERVICE, errorBody, type ServiceIdentity } from './odataError.js';
import { TOKEN_PATH, type OAuthTokens } from './oauth.js';
import { decodePath, parseSegments, type SimService } from './service.js';

export const SERVICE_PREFIX = '/sap/opu/odata/sap/';
const MODIFYING = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);
/** The user recorded as EnteredByUser when the simulator runs without credentials. */
const ANONYMOUS_USER = 'PLANTDESK';

export interface RouterConfig {
  readonly services: ReadonlyMap<string, SimService>;
  readonly csrf: CsrfSessions;
  readonly sapClient: string;
  readonly credentials: { readonly username: string; readonly password: string } | undefined;
  /** When set, bearer tokens from its token endpoint are accepted (besides basic credentials, if any). */
  readonly oauth: OAuthTokens | undefined;
  readonly baseUrl: () => string;
  readonly snapshot: Snapshot;
  /** Fault knobs, arrival log and the /sim/ controls. */
  readonly admin: AdminDeps;
}

type Headers = Record<string, string | string[]>;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function authenticate(config: RouterConfig, request: IncomingMessage): string {
  const authorization = header(request, 'authorization');
  if (config.oauth !== undefined && /^Bearer\s/i.test(authorization ?? '')) {
    if (config.oauth.isValid(authorization)) return ANONYMOUS_USER;
    throw new ODataError(401, ERROR_CODES.unauthorized, 'Access token is invalid or expired', {
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  }
  if (config.credentials === undefined) {
    if (config.oauth === undefined) return ANONYMOUS_USER;
    throw new ODataError(401, ERROR_CODES.unauthorized, 'An access token is required', { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  const user = basicAuthUser(header(request, 'authorization'), config.credentials.username, config.credentials.password);
  if (user === undefined) {
    throw new ODataError(401, ERROR_CODES.unauthorized, 'Logon failed: user name or password is incorrect', {
      headers: { 'WWW-Authenticate': `Basic realm="SAP NetWeaver Application Server [SIM/${config.sapClient}]"` },
    });
  }
  return user;
}

function checkClient(config: RouterConfig, request: IncomingMessage, url: URL): void {
  const client = url.searchParams.get('sap-client') ?? header(request, 'sap-client');
  if (client !== undefined && client !== config.sapClient) {
    throw new ODataError(400, ERROR_CODES.unknownClient, `Client ${client} is not available in this system`);
  }
}

function fail(response: ServerResponse, error: unknown, service: ServiceIdentity, headers: Headers, headOnly: boolean): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const odataError = error instanceof ODataError
    ? error
    : new ODataError(500, ERROR_CODES.internal, `Internal error in the ERP simulator: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof ODataError)) console.error('[sim/erp] unexpected error', error);
  sendJson(response, odataError.status, errorBody(odataError, service), { ...headers, ...odataError.options.headers }, headOnly);
}

async function route(config: RouterConfig, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? 'GET';
  const headOnly = method === 'HEAD';
  const replyHeaders: Headers = {};
  let service: ServiceIdentity = UNKNOWN_SERVICE;
  const arrived = Date.now();
  try {
    // Drain the body before any verdict, so a rejected request does not desynchronise a keep-alive connection.
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    if (config.oauth !== undefined && url.pathname === TOKEN_PATH && method === 'POST') {
      const reply = config.oauth.issue(header(request, 'authorization'), new URLSearchParams(body.toString('utf8')));
      sendJson(response, reply.status, reply.body, {});
      return;
    }
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      const reply = handleAdmin(config.admin, method, url.pathname, body);
      if (reply.body === undefined) sendRaw(response, reply.status, 'text/plain', '', {});
      else sendJson(response, reply.status, reply.body, {});
      return;
    }
    const entry = config.admin.log.add(method, `${url.pathname}${url.search}`, arrived);
    response.on('close', () => {
      entry.status = response.writableFinished ? response.statusCode : 0;
    });
    const decision = config.admin.faults.decideRequest(MODIFYING.has(method));
    entry.fault = decision.fault;
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.resetBeforeCommit) {
      request.socket.destroy();
      return;
    }
    if (decision.early !== undefined) {
      const { status, message, retryAfter } = decision.early;
      throw new ODataError(status, ERROR_CODES.internal, message, { headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter } });
    }
    if (decision.expireCsrf) config.csrf.expireAll();
    if (!url.pathname.startsWith(SERVICE_PREFIX)) {
      throw new ODataError(404, ERROR_CODES.notFound, `No service found for path ${url.pathname}`);
    }
    const [serviceName = '', ...rawParts] = url.pathname.slice(SERVICE_PREFIX.length).split('/');
    const sim = config.services.get(serviceName.toUpperCase());
    if (sim === undefined) {
      throw new ODataError(404, ERROR_CODES.notFound, `No service found for namespace '/SAP/', name '${serviceName}', version '0001'`);
    }
    service = sim.identity;
    const user = authenticate(config, request);
    checkClient(config, request, url);

    const csrfHeader = header(request, 'x-csrf-token');
    const fetchingToken = (method === 'GET' || headOnly) && csrfHeader?.toLowerCase() === 'fetch';
    if (fetchingToken) {
      const fetched = config.csrf.fetch(header(request, 'cookie'));
      replyHeaders['X-CSRF-Token'] = fetched.token;
      replyHeaders['Set-Cookie'] = [...fetched.setCookies];
    }
    if (MODIFYING.has(method) && !config.csrf.isValid(header(request, 'cookie'), csrfHeader)) {
      sendText(response, 403, 'CSRF Token required', { 'X-CSRF-Token': 'Required' });
      return;
    }
    const segments = parseSegments(decodePath(rawParts));
    const isBatch = segments[0]?.name === '$batch' && segments.length === 1;
    // A token fetch wants the header, not a payload; a $batch answers multipart: neither is negotiated here.
    if (!headOnly && !fetchingToken && !isBatch) checkJsonRequested(header(request, 'accept'), url.searchParams.get('$format'));

    const simRequest = {
      method,
      segments,
      params: url.searchParams,
      headers: request.headers,
      body,
      serviceUrl: `${config.baseUrl()}${SERVICE_PREFIX}${sim.identity.serviceId}`,
      user,
    };
    const reply = isBatch ? handleBatch(sim, simRequest, config.snapshot) : sim.handle(simRequest);
    if (decision.afterCommit === 'reset') {
      // Stored, but the answer is lost: the client cannot tell whether the posting happened.
      request.socket.destroy();
      return;
    }
    if (decision.afterCommit === 'slow') await sleep(config.admin.faults.config.slowAfterCommitMs);
    const headers = { ...replyHeaders, ...reply.headers };
    if (reply.raw !== undefined) sendRaw(response, reply.status, reply.raw.contentType, reply.raw.text, headers);
    else sendJson(response, reply.status, reply.body ?? {}, headers, headOnly);
  } catch (error) {
    fail(response, error, service, replyHeaders, headOnly);
  }
}

export function createRequestHandler(config: RouterConfig): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    route(config, request, response).catch((error: unknown) => fail(response, error, UNKNOWN_SERVICE, {}, false));
  };
}
