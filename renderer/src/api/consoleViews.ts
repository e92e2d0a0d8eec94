// The console views of issue 7 (Orders, Quality, trace, diagnostics, ERP latency from /metrics), read over HTTP
// GET from the console that served this page. The WebSocket and Electron bridge do not carry them yet
// (domain/consoleApi.ts): in the desktop window they say so in words.
import type { DiagnosticsBundle, OrderProgress, QualitySummary, RecordTrace } from '../../../domain/api';

export interface ConsoleViews {
  listOrders(): Promise<OrderProgress[]>;
  traceRecord(id: string): Promise<RecordTrace>;
  getQuality(hours?: number): Promise<QualitySummary>;
  getDiagnostics(): Promise<DiagnosticsBundle>;
  /** The Prometheus text of /metrics (the ERP latency on the Connections screen). */
  getMetricsText(): Promise<string>;
}

async function get(path: string): Promise<Response> {
  if (!/^https?:$/.test(window.location.protocol)) {
    throw new Error('this view is served by `plantdesk console`; open the console in a browser');
  }
  const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) {
    let message = `${path}: HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // The status line is all there is.
    }
    throw new Error(message);
  }
  return res;
}

async function getJson<T>(path: string): Promise<T> {
  return (await (await get(path)).json()) as T;
}

export const httpConsoleViews: ConsoleViews = {
  listOrders: () => getJson('/api/v1/orders'),
  traceRecord: (id) => getJson(`/api/v1/trace?id=${encodeURIComponent(id)}`),
  getQuality: (hours) => getJson(`/api/v1/quality${hours === undefined ? '' : `?hours=${hours}`}`),
  getDiagnostics: () => getJson('/api/v1/diagnostics'),
  getMetricsText: async () => (await get('/metrics')).text(),
};

/** Mean ERP request time per operation from the Prometheus histogram (sum / count over the agent's life). */
export function erpLatencyFromMetrics(text: string): { readonly meanMs: number; readonly requests: number } | null {
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    const match = /^plantdesk_erp_request_duration_seconds_(sum|count)\{[^}]*operation="post"[^}]*\} (\S+)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'sum') sum += Number(match[2]);
    else count += Number(match[2]);
  }
  return count === 0 ? null : { meanMs: (sum / count) * 1000, requests: count };
}
