// The PlantDesk API over HTTP (GET queries under /api/v1) and WebSocket (calls and live streams).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_BASE_PATH, API_HTTP_ROUTES, API_WS_PATH, type ApiQuery, type PlantDeskApi } from '../../domain/index.js';
import { callApi, openApiConnection } from './apiDispatch.js';

const ROUTE_TO_METHOD = new Map<string, ApiQuery>(Object.entries(API_HTTP_ROUTES).map(([method, path]) => [path, method as ApiQuery]));
const STATUS_BY_ERROR = { bad_request: 400, not_found: 404, internal: 500 } as const;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}

const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

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
export async function handleApiRequest(api: PlantDeskApi, req: IncomingMessage, res: ServerResponse, extraHostnames: readonly string[] = []): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== API_BASE_PATH && !url.pathname.startsWith(`${API_BASE_PATH}/`)) return false;
  if (!isAllowedHost(req, extraHostnames)) {
    sendJson(res, 403, { error: { code: 'bad_request', message: `this API does not answer to host ${req.headers.host ?? '(none)'}` } });
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
  const result = await callApi(api, method, params);
  if (result.ok) sendJson(res, 200, result.value);
  else sendJson(res, STATUS_BY_ERROR[result.error.code], { error: result.error });
  return true;
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

export function attachApiWebSocket(api: PlantDeskApi, server: Server, extraHostnames: readonly string[] = []): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== API_WS_PATH || !isAllowedHost(req, extraHostnames) || !isSameOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    const connection = openApiConnection(api, (message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
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
