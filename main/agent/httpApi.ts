// The PlantDesk API over HTTP (GET queries under /api/v1) and WebSocket (calls and live streams).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  API_BASE_PATH, API_COMMAND_ROUTES, API_HTTP_ROUTES, API_SESSION_ROUTES, API_WS_PATH, type ApiCommand, type ApiQuery,
  type ApiResult, type ApiSessionMethod, type AuditCsv, type OwnCertificateExport,
} from '../../domain/index.js';
import { callApi, openApiConnection, type ServedApi } from './apiDispatch.js';
import { handleMetricsRoute, isMetricsRoute } from './consoleRoutes.js';

const ROUTE_TO_METHOD = new Map<string, ApiQuery>(Object.entries(API_HTTP_ROUTES).map(([method, path]) => [path, method as ApiQuery]));
const ROUTE_TO_COMMAND = new Map<string, ApiCommand>(Object.entries(API_COMMAND_ROUTES).map(([method, path]) => [path, method as ApiCommand]));
const ROUTE_TO_SESSION = new Map<string, ApiSessionMethod>(Object.entries(API_SESSION_ROUTES).map(([method, path]) => [path, method as ApiSessionMethod]));
const STATUS_BY_ERROR = { bad_request: 400, not_found: 404, forbidden: 403, internal: 500, unauthorized: 401 } as const;
const MAX_COMMAND_BODY_BYTES = 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
    ...(status === 401 ? { 'www-authenticate': 'Bearer realm="plantdesk"' } : {}),
  });
  res.end(JSON.stringify(body));
}

function sendResult(res: ServerResponse, result: ApiResult<unknown>): void {
  if (result.ok) sendJson(res, 200, result.value ?? null);
  else sendJson(res, STATUS_BY_ERROR[result.error.code], { error: result.error });
}

/** Options of the HTTP and WebSocket transports. */
export interface TransportOptions {
  /**
   * Views (GET queries, the WebSocket's calls and streams) need a login too: the single switch LAN mode (issue 8)
   * turns on. Default false: on this machine the console is a wall screen that anyone in the control room may read.
   */
  readonly viewsNeedLogin?: boolean;
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** True for a peer on this machine (127.0.0.0/8, ::1, IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * DNS rebinding: a web page whose domain was re-pointed at 127.0.0.1 is same-origin with itself, so only the
 * Host header tells it apart. The API answers only to this machine's loopback names and to names the host
 * was told to serve (the address it binds on the plant LAN).
 */
export function isAllowedHost(req: IncomingMessage, extraHostnames: readonly string[] = []): boolean {
  const header = req.headers.host;
  if (!header) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${header}`).hostname;
  } catch {
    return false;
  }
  return LOOPBACK_NAMES.includes(hostname) || extraHostnames.includes(hostname);
}

/** Handles requests under /api/v1; returns false for any other path so the host can serve it. */
export async function handleApiRequest(api: ServedApi, req: IncomingMessage, res: ServerResponse, extraHostnames: readonly string[] = [], options: TransportOptions = {}): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // /metrics for Prometheus (consoleRoutes.ts): the views' Host and login rules.
  if (isMetricsRoute(url.pathname)) {
    if (!isAllowedHost(req, extraHostnames)) sendJson(res, 403, { error: { code: 'bad_request', message: `this API does not answer to host ${req.headers.host ?? '(none)'}` } });
    else await handleMetricsRoute(api, url, req, res, { ...options, token: bearerToken(req) });
    return true;
  }
  if (url.pathname !== API_BASE_PATH && !url.pathname.startsWith(`${API_BASE_PATH}/`)) return false;
  if (!isAllowedHost(req, extraHostnames)) {
    sendJson(res, 403, { error: { code: 'bad_request', message: `this API does not answer to host ${req.headers.host ?? '(none)'}` } });
    return true;
  }
  const command = ROUTE_TO_COMMAND.get(url.pathname);
  if (command) {
    await handleCommand(api, command, req, res);
    return true;
  }
  const sessionMethod = ROUTE_TO_SESSION.get(url.pathname);
  if (sessionMethod === 'getAuthStatus') {
    sendResult(res, await callApi(api, sessionMethod, undefined, { ...options, token: bearerToken(req) }));
    return true;
  }
  if (sessionMethod) {
    await handleCommand(api, sessionMethod, req, res, options);
    return true;
  }
  const method = ROUTE_TO_METHOD.get(url.pathname);
  if (!method) {
    sendJson(res, 404, { error: { code: 'not_found', message: `no API route ${url.pathname}` } });
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendJson(res, 405, { error: { code: 'bad_request', message: `${url.pathname} accepts GET only` } });
    return true;
  }
  const params = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
  const callOptions = { ...options, token: bearerToken(req) };
  if (method === 'exportOwnCertificate') {
    await sendOwnCertificate(api, url.searchParams.get('format'), res, callOptions);
    return true;
  }
  if (method === 'exportAuditCsv') {
    await sendAuditCsv(api, params, res, callOptions);
    return true;
  }
  sendResult(res, await callApi(api, method, params, callOptions));
  return true;
}

/** The audit log as a CSV download (exceptions/auditCsv.ts); errors answer as JSON like every query. */
async function sendAuditCsv(api: ServedApi, params: unknown, res: ServerResponse, options: { readonly viewsNeedLogin?: boolean; readonly token?: string | undefined }): Promise<void> {
  const result = await callApi(api, 'exportAuditCsv', params, options);
  if (!result.ok) {
    sendResult(res, result);
    return;
  }
  const file = result.value as AuditCsv;
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-disposition': `attachment; filename="${file.fileName}"`,
    'x-audit-entries': String(file.entries),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(file.csv);
}

/** PlantDesk's own OPC UA certificate as a file: DER by default, PEM with ?format=pem. */
async function sendOwnCertificate(api: ServedApi, format: string | null, res: ServerResponse, options: { readonly viewsNeedLogin?: boolean; readonly token?: string | undefined }): Promise<void> {
  if (format !== null && format !== 'der' && format !== 'pem') {
    sendJson(res, 400, { error: { code: 'bad_request', message: 'format must be der or pem' } });
    return;
  }
  const result = await callApi(api, 'exportOwnCertificate', undefined, options);
  if (!result.ok) {
    sendJson(res, STATUS_BY_ERROR[result.error.code], { error: result.error });
    return;
  }
  const own = result.value as OwnCertificateExport;
  const pem = format === 'pem';
  const body = pem ? Buffer.from(own.pem) : Buffer.from(own.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  res.writeHead(200, {
    'content-type': 'application/x-x509-ca-cert',
    'content-disposition': `attachment; filename="${pem ? own.fileName : own.fileName.replace(/\.pem$/, '.der')}"`,
    'x-certificate-sha1': own.certificate.sha1Thumbprint,
    'x-certificate-not-after': own.certificate.notAfter,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** The body as text, or null when it is over the limit (the rest is read and dropped, so the answer arrives). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * POST a command (or a login) with a JSON body and the session as `Authorization: Bearer <token>`; apiDispatch
 * checks the session and the role. Only a peer on this machine may send one until LAN mode brings TLS (issue 8).
 * A web page elsewhere that the operator has open cannot either: it cannot send application/json cross-site
 * without a CORS preflight this API never grants, and a foreign Origin is refused outright.
 */
async function handleCommand(api: ServedApi, command: ApiCommand | ApiSessionMethod, req: IncomingMessage, res: ServerResponse, options: TransportOptions = {}): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendJson(res, 405, { error: { code: 'bad_request', message: `${req.url ?? command} accepts POST only` } });
    return;
  }
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    sendJson(res, 403, { error: { code: 'forbidden', message: `${command} is accepted only from this machine until LAN mode brings TLS (issue 8)` } });
    return;
  }
  if (!isSameOrigin(req)) {
    sendJson(res, 403, { error: { code: 'forbidden', message: 'commands are accepted only from pages this console served' } });
    return;
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    sendJson(res, 415, { error: { code: 'bad_request', message: 'send the command as JSON (content-type: application/json)' } });
    return;
  }
  const text = await readBody(req, MAX_COMMAND_BODY_BYTES);
  if (text === null) {
    sendJson(res, 413, { error: { code: 'bad_request', message: `body larger than ${MAX_COMMAND_BODY_BYTES} bytes` } });
    return;
  }
  let params: unknown;
  try {
    // An empty body is no params (listUsers, logout).
    params = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    sendJson(res, 400, { error: { code: 'bad_request', message: 'body is not valid JSON' } });
    return;
  }
  sendResult(res, await callApi(api, command, params, { ...options, allowCommands: true, token: bearerToken(req) }));
}

/**
 * Browsers send an Origin with WebSocket upgrades; only pages served by this host may connect, so a web
 * page elsewhere cannot read plant data through the user's browser (cross-site WebSocket hijacking).
 */
function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function attachApiWebSocket(api: ServedApi, server: Server, extraHostnames: readonly string[] = [], options: TransportOptions = {}): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== API_WS_PATH || !isAllowedHost(req, extraHostnames) || !isSameOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    // Logins and commands only from this machine until LAN mode brings TLS (issue 8); the connection authenticates
    // with the token its login answered. The upgrade already checked Host and Origin.
    const connection = openApiConnection(api, (message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    }, { ...options, allowCommands: isLoopbackAddress(req.socket.remoteAddress) });
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        message = undefined;
      }
      connection.receive(message);
    });
    ws.on('close', () => connection.close());
    ws.on('error', () => connection.close());
  });
  return wss;
}
