// HTTP GET routes of the console views of issue 7 (domain/consoleApi.ts): /metrics for Prometheus and the
// Orders, Quality, trace and diagnostics views under /api/v1. Same rules as the other views: Host checked by
// the caller (httpApi.ts), open on this machine, a session when the transport says views need one (LAN mode).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CONSOLE_VIEW_ROUTES, METRICS_PATH, type ConsoleView, type ConsoleViewsApi, type MetricsExposition } from '../../domain/index.js';
import type { ServedApi } from './apiDispatch.js';
import { ApiFailure } from './apiFailure.js';

const ROUTE_TO_VIEW = new Map<string, ConsoleView>([
  [METRICS_PATH, 'getMetrics'],
  ...Object.entries(CONSOLE_VIEW_ROUTES).map(([view, path]) => [path, view as ConsoleView] as const),
]);
const STATUS_BY_ERROR = { bad_request: 400, not_found: 404, forbidden: 403, internal: 500, unauthorized: 401 } as const;

export interface ConsoleRouteOptions {
  readonly viewsNeedLogin?: boolean;
  readonly token?: string | undefined;
}

export function isConsoleRoute(pathname: string): boolean {
  return ROUTE_TO_VIEW.has(pathname);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

function sendError(res: ServerResponse, code: keyof typeof STATUS_BY_ERROR, message: string): void {
  send(res, STATUS_BY_ERROR[code], 'application/json; charset=utf-8', JSON.stringify({ error: { code, message } }));
}

/** Answers a console view; the caller checked the path with isConsoleRoute and the Host header. */
export async function handleConsoleRoute(api: ServedApi, url: URL, req: IncomingMessage, res: ServerResponse, options: ConsoleRouteOptions = {}): Promise<void> {
  const view = ROUTE_TO_VIEW.get(url.pathname)!;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendError(res, 'bad_request', `${url.pathname} accepts GET only`);
    return;
  }
  const views = api as ServedApi & Partial<ConsoleViewsApi>;
  const method = views[view] as ((params?: unknown) => Promise<unknown>) | undefined;
  try {
    if (options.viewsNeedLogin === true) {
      if (!api.auth) throw new ApiFailure('unauthorized', 'this agent has no user accounts');
      api.auth.authenticate(options.token);
    }
    if (typeof method !== 'function') throw new ApiFailure('not_found', `${view} is not available in this agent`);
    const params = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
    const value = await method.call(views, params);
    if (view === 'getMetrics') {
      const metrics = value as MetricsExposition;
      send(res, 200, metrics.contentType, metrics.text);
      return;
    }
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value ?? null));
  } catch (error) {
    if (error instanceof ApiFailure) sendError(res, error.code, error.message);
    else if (error instanceof z.ZodError) sendError(res, 'bad_request', error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; '));
    else sendError(res, 'internal', (error as Error).message);
  }
}
