// GET /metrics for Prometheus (domain/consoleApi.ts MetricsApi): text exposition, not JSON, so it has its own
// route outside the API's queries. Same rules as the views: Host checked by the caller (httpApi.ts), open on this
// machine, a session when the transport says views need one (LAN mode).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { METRICS_PATH, type MetricsApi } from '../../domain/index.js';
import type { ServedApi } from './apiDispatch.js';
import { ApiFailure } from './apiFailure.js';

const STATUS_BY_ERROR = { bad_request: 400, not_found: 404, forbidden: 403, internal: 500, unauthorized: 401 } as const;

export interface MetricsRouteOptions {
  readonly viewsNeedLogin?: boolean;
  readonly token?: string | undefined;
}

export function isMetricsRoute(pathname: string): boolean {
  return pathname === METRICS_PATH;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

/** Answers /metrics; the caller checked the path with isMetricsRoute and the Host header. */
export async function handleMetricsRoute(api: ServedApi & Partial<MetricsApi>, url: URL, req: IncomingMessage, res: ServerResponse, options: MetricsRouteOptions = {}): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    send(res, 405, 'application/json; charset=utf-8', JSON.stringify({ error: { code: 'bad_request', message: `${url.pathname} accepts GET only` } }));
    return;
  }
  try {
    if (options.viewsNeedLogin === true) {
      if (!api.auth) throw new ApiFailure('unauthorized', 'this agent has no user accounts');
      api.auth.authenticate(options.token);
    }
    if (typeof api.getMetrics !== 'function') throw new ApiFailure('not_found', 'metrics are not available in this agent');
    const metrics = await api.getMetrics();
    send(res, 200, metrics.contentType, metrics.text);
  } catch (error) {
    const code = error instanceof ApiFailure ? error.code : 'internal';
    send(res, STATUS_BY_ERROR[code], 'application/json; charset=utf-8', JSON.stringify({ error: { code, message: (error as Error).message } }));
  }
}
