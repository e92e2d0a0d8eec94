import { describe, expect, it } from 'vitest';
import { ErpError, type ErpAdapter, type PostableConfirmation } from '../../../connectors/erp/index.js';
import { EVENT_STATUSES, type CertificateList, type ConnectionStatus, type QueueCounts } from '../../../domain/index.js';
import { AgentMetrics } from '../../../main/agent/metrics.js';
import { instrumentErpAdapter } from '../../../main/agent/metricsErp.js';

// Every status the domain knows at 0 (the list grows), then the figures under test.
const QUEUE = { ...Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])), mapped: 1, ready: 4, exception: 2, sending: 1, posted: 90, voided: 0, recorded: 7, rejected: 3, oldestPendingAgeS: 42, drainEtaS: null } as QueueCounts;
const connection = (name: string, state: ConnectionStatus['state'], lastDataAt: string | null): ConnectionStatus =>
  ({ id: `mqtt:${name}`, kind: 'mqtt', name, endpoint: 'mqtt://x', state, since: '2026-01-01T00:00:00Z', lastError: null, lastDataAt });

function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('AgentMetrics', () => {
  it('reads the sources at scrape time into Prometheus series', async () => {
    const metrics = new AgentMetrics({ processMetrics: false });
    let queue = QUEUE;
    const now = Date.parse('2026-03-01T10:00:05Z');
    metrics.useSources({ queue: () => queue, connections: () => [connection('mes', 'connected', '2026-03-01T10:00:00Z')] });
    let text = await metrics.text(now);
    expect(sample(text, 'plantdesk_queue_events', 'status="ready"')).toBe(4);
    expect(sample(text, 'plantdesk_rejected_messages')).toBe(3);
    expect(sample(text, 'plantdesk_queue_oldest_pending_age_seconds')).toBe(42);
    expect(sample(text, 'plantdesk_connection_state', 'kind="mqtt",name="mes",state="connected"')).toBe(1);
    expect(sample(text, 'plantdesk_connection_state', 'kind="mqtt",name="mes",state="error"')).toBe(0);
    expect(sample(text, 'plantdesk_connection_data_age_seconds', 'kind="mqtt",name="mes"')).toBe(5);
    expect(text).not.toContain('plantdesk_process_');
    queue = { ...QUEUE, ready: 9 };
    text = await metrics.text();
    expect(sample(text, 'plantdesk_queue_events', 'status="ready"')).toBe(9);
  });

  it('leaves out a source that fails and says so, instead of failing the scrape', async () => {
    const metrics = new AgentMetrics({ processMetrics: false });
    const own = { subject: 'CN=PlantDesk', sha1Thumbprint: 'ab', daysToExpiry: 300 } as CertificateList['own'];
    metrics.useSources({ queue: () => Promise.reject(new Error('database is locked')), connections: () => [], certificates: async () => ({ own, servers: [] }) });
    const text = await metrics.text();
    expect(sample(text, 'plantdesk_metrics_source_errors', 'source="queue"')).toBe(1);
    expect(sample(text, 'plantdesk_metrics_source_errors', 'source="certificates"')).toBe(0);
    expect(sample(text, 'plantdesk_certificate_days_to_expiry', 'role="own",subject="CN=PlantDesk",status="own",thumbprint="ab"')).toBe(300);
    expect(sample(text, 'plantdesk_queue_events', 'status="ready"')).toBeUndefined();
  });
});

describe('instrumentErpAdapter', () => {
  const item = { eventId: 'e1' } as PostableConfirmation;
  const base = { kind: 'sap-odata', endpoint: 'x', maxBatch: 10 } as const;

  it('counts postings per item, failures by class, and times each request', async () => {
    const metrics = new AgentMetrics({ processMetrics: false });
    const adapter = instrumentErpAdapter({
      ...base,
      postConfirmations: async (items: readonly PostableConfirmation[]) => items.map((_: PostableConfirmation, i: number) => (i === 0 ? { ok: true as const, document: { document: 'd', confirmationGroup: '1', confirmationCount: '1' } } : { ok: false as const, error: new ErpError('no', 'business') })),
      probe: () => Promise.reject(new ErpError('down', 'transient')),
    } as unknown as ErpAdapter, metrics.erp);
    await adapter.postConfirmations([item, item, item]);
    await expect(adapter.probe()).rejects.toThrow('down');
    const text = await metrics.text();
    expect(sample(text, 'plantdesk_erp_posted_total')).toBe(1);
    expect(sample(text, 'plantdesk_erp_failures_total', 'class="business"')).toBe(2);
    expect(sample(text, 'plantdesk_erp_request_duration_seconds_count', 'operation="post",outcome="ok"')).toBe(1);
    expect(sample(text, 'plantdesk_erp_request_duration_seconds_count', 'operation="probe",outcome="transient"')).toBe(1);
  });

  it('counts every item of a request that failed as a whole under its class', async () => {
    const metrics = new AgentMetrics({ processMetrics: false });
    const adapter = instrumentErpAdapter({ ...base, postConfirmations: () => Promise.reject(new ErpError('timeout after send', 'ambiguous')) } as unknown as ErpAdapter, metrics.erp);
    await expect(adapter.postConfirmations([item, item])).rejects.toThrow('timeout');
    expect(sample(await metrics.text(), 'plantdesk_erp_failures_total', 'class="ambiguous"')).toBe(2);
  });
});
