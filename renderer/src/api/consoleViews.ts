// The console views of issue 7 (Orders, Quality, trace, diagnostics) through the PlantDesk API, whichever transport
// carries it; and the ERP latency, read from /metrics over HTTP GET from the console that served this page (the
// desktop window has no such page: there the latency column stays empty).
import type { DiagnosticsBundle, OrderProgress, QualitySummary, RecordTrace } from '../../../domain/api';
import { getApi } from './getApi';

export interface ConsoleViews {
  listOrders(): Promise<OrderProgress[]>;
  traceRecord(id: string): Promise<RecordTrace>;
  getQuality(hours?: number): Promise<QualitySummary>;
  getDiagnostics(): Promise<DiagnosticsBundle>;
  /** The Prometheus text of /metrics (the ERP latency on the Connections screen). */
  getMetricsText(): Promise<string>;
}

async function metricsText(): Promise<string> {
  if (!/^https?:$/.test(window.location.protocol)) throw new Error('/metrics is served by `plantdesk console`');
  const res = await fetch('/metrics', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/metrics: HTTP ${res.status}`);
  return res.text();
}

export const apiConsoleViews: ConsoleViews = {
  listOrders: () => getApi().listOrders(),
  traceRecord: (id) => getApi().traceRecord({ id }),
  getQuality: (hours) => getApi().getQuality(hours === undefined ? undefined : { hours }),
  getDiagnostics: () => getApi().getDiagnostics(),
  getMetricsText: metricsText,
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
