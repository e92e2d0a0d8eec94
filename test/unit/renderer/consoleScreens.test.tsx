// The presentational components of the issue-7 screens, rendered to static markup, and their small helpers.
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus, OrderProgress, QualitySummary, RecordTrace } from '../../../domain/api.js';
import { erpLatencyFromMetrics } from '../../../renderer/src/api/consoleViews.js';
import { ConnectionsTable } from '../../../renderer/src/components/ConnectionsTable.js';
import { DrainPanel } from '../../../renderer/src/components/DrainPanel.js';
import { ErpOfflineBanner } from '../../../renderer/src/components/ErpOfflineBanner.js';
import { OrdersTable } from '../../../renderer/src/components/OrdersTable.js';
import { plainError } from '../../../renderer/src/components/plainWords.js';
import { QualityView } from '../../../renderer/src/components/QualityView.js';
import { QueueSummary } from '../../../renderer/src/components/QueueSummary.js';
import { TracePanel } from '../../../renderer/src/components/TracePanel.js';
import { resetScreensState, samplePosted, setTheme, THROUGHPUT_BUCKET_MS, useScreensStore } from '../../../renderer/src/state/consoleScreens.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('ErpOfflineBanner', () => {
  it('says since when, how many are buffered and that none is lost', () => {
    const html = renderToStaticMarkup(<ErpOfflineBanner erp="offline" since="2026-03-01T08:15:00Z" forS={5400} buffered={12_345} nextAttemptAt={null} />);
    expect(text(html)).toContain('ERP unreachable');
    expect(text(html)).toContain('1 h 30 min');
    expect(text(html)).toContain('12,345 records buffered');
    expect(text(html)).toContain('None is lost');
    expect(html).toContain('role="alert"');
    expect(html).toContain('tone-bad');
  });

  it('shows nothing while the ERP is online or unknown', () => {
    expect(renderToStaticMarkup(<ErpOfflineBanner erp="online" since="2026-03-01T08:15:00Z" forS={1} buffered={0} nextAttemptAt={null} />)).toBe('');
    expect(renderToStaticMarkup(<ErpOfflineBanner erp={null} since={null} forS={null} buffered={null} nextAttemptAt={null} />)).toBe('');
  });
});

describe('QueueSummary and DrainPanel', () => {
  it('shows every figure in tabular numerals and flags exceptions and rejected messages', () => {
    const html = renderToStaticMarkup(<QueueSummary pending={1200} inFlight={8} postedPerHour={3600} exceptions={3} rejected={0} oldestPendingAgeS={125} />);
    expect(text(html)).toMatch(/Pending 1,200 .*In flight 8 .*Posted \/ hour 3,600 .*Exceptions 3 .*Rejected 0 .*Oldest pending 2 min/);
    expect(html.match(/big-value num/g)).toHaveLength(6);
    expect(html.match(/tile-alert/g)).toHaveLength(1);
  });

  it('shows a running drain with its progress and ETA, and the buffer time left', () => {
    const html = renderToStaticMarkup(<DrainPanel drain={{ done: 250, total: 1000, startedAt: '2026-03-01T08:00:00Z', etaS: 600, liveShare: 0.2 }} drainEtaS={null} bufferHoursLeft={30} />);
    expect(text(html)).toContain('250 of 1,000 backlog records posted (25 %)');
    expect(html).toContain('aria-valuenow="25"');
    expect(text(html)).toContain('Queue empty in 10 min');
    expect(text(html)).toContain('Buffer time left 1 d');
  });
});

const conn = (over: Partial<ConnectionStatus>): ConnectionStatus => ({ id: 'opcua:plc', kind: 'opcua', name: 'plc', endpoint: 'opc.tcp://10.0.0.5:4840', state: 'connected', since: '2026-03-01T08:00:00Z', lastError: null, lastDataAt: null, ...over });

describe('ConnectionsTable', () => {
  it('shows state as icon and text, freshness, latency, certificate days and the error in plain words', () => {
    const html = renderToStaticMarkup(<ConnectionsTable rows={[
      { status: conn({ state: 'error', lastError: 'connect ECONNREFUSED 10.0.0.5:4840' }), dataAgeS: 42, latencyMs: null, certificateDays: 12 },
      { status: conn({ id: 'erp:erp', kind: 'erp', name: 'erp', endpoint: 'https://s4' }), dataAgeS: null, latencyMs: 231, certificateDays: null },
    ]} />);
    expect(text(html)).toContain('Error');
    expect(html).toContain('<svg');
    expect(text(html)).toContain('Nothing answers at this address');
    expect(html).toContain('title="connect ECONNREFUSED 10.0.0.5:4840"');
    expect(text(html)).toContain('42 s ago');
    expect(text(html)).toContain('⚠ 12 days');
    expect(text(html)).toContain('231 ms');
    expect(text(html)).toContain('none yet');
  });

  it('keeps an error no rule knows as it is', () => {
    expect(plainError('BadNodeIdUnknown (0x80340000)')).toBe('BadNodeIdUnknown (0x80340000)');
    expect(plainError(null)).toBeNull();
  });
});

describe('OrdersTable and TracePanel', () => {
  const order: OrderProgress = { orderId: '1000123', material: 'BRKT-7', quantity: 500, unit: 'PC', status: 'in_progress', erpConfirmedQty: 100, postedQty: 240, pendingQty: 12, scrapQty: 3, progressPct: 48, exceptions: 2, lastEventAt: null, fetchedAt: '2026-03-01T08:00:00Z' };

  it('lists each order with its status, a progress bar and the figures', () => {
    const html = renderToStaticMarkup(<OrdersTable orders={[order]} error={null} />);
    expect(text(html)).toContain('1000123 BRKT-7 In progress');
    expect(text(html)).toContain('48.0 % of 500 PC');
    expect(html).toContain('aria-valuenow="48"');
    expect(html).toContain('tone-bad');
  });

  it('shows a trace from the source message to the ERP document', () => {
    const trace: RecordTrace = {
      correlationId: 'c-1',
      source: { source: 'mes', channel: 'plant/1010/L1/confirmation', receivedAt: '2026-03-01T08:00:00Z', status: 'mapped', rejectReason: null, payload: '{}' },
      events: [{ eventId: 'e-1', kind: 'confirmation', status: 'posted', orderId: '1000123', erpDocument: '0000000012/00000003', history: [
        { at: '2026-03-01T08:00:00Z', from: null, to: 'mapped', actor: 'system', reason: 'received' },
        { at: '2026-03-01T08:00:01Z', from: 'sending', to: 'posted', actor: 'sync', reason: null },
      ] }],
    };
    const html = renderToStaticMarkup(<TracePanel trace={trace} error={null} busy={false} suggestions={[]} onTrace={() => undefined} />);
    expect(text(html)).toContain('Received from mes on plant/1010/L1/confirmation');
    expect(text(html)).toContain('sending → posted by sync');
    expect(text(html)).toContain('ERP document 0000000012/00000003');
    expect(html).toContain('<label for="trace-id"');
  });
});

describe('QualityView', () => {
  it('shows first-pass yield per line, flags a low one, lists defects and missing quality records', () => {
    const summary: QualitySummary = {
      since: '2026-03-01T00:00:00Z',
      lines: [
        { line: 'L1', orderId: null, results: 40, failed: 1, firstPassYieldPct: 97.5, defects: [{ code: 'SCRATCH', count: 1 }] },
        { line: 'L2', orderId: null, results: 20, failed: 4, firstPassYieldPct: 80, defects: [{ code: 'DENT', count: 3 }, { code: 'failed, no code', count: 1 }] },
      ],
      orders: [{ line: 'L1', orderId: '1000123', results: 40, failed: 1, firstPassYieldPct: 97.5, defects: [] }],
      finalsMissingQuality: [{ eventId: 'e-9', line: 'L2', orderId: '1000456', operation: '0010', status: 'ready', receivedAt: '2026-03-01T08:00:00Z' }],
    };
    const html = renderToStaticMarkup(<QualityView summary={summary} error={null} />);
    expect(text(html)).toContain('L1 On target');
    expect(text(html)).toContain('L2 Below 95 %');
    expect(text(html)).toContain('97.5 %');
    expect(text(html)).toContain('DENT × 3');
    expect(text(html)).toContain('1000456');
  });
});

describe('screens state', () => {
  beforeEach(() => resetScreensState());

  it('turns posted counts into one throughput point per closed 30 s bucket', () => {
    const t0 = 1_000 * THROUGHPUT_BUCKET_MS;
    samplePosted(100, t0);
    samplePosted(110, t0 + 10_000);
    expect(useScreensStore.getState().throughput).toHaveLength(0);
    samplePosted(130, t0 + 30_000);
    expect(useScreensStore.getState().throughput).toEqual([{ t: t0, postedPerMin: 60 }]);
  });

  it('remembers the theme choice', () => {
    setTheme('light');
    expect(useScreensStore.getState().theme).toBe('light');
    setTheme('dark');
    expect(useScreensStore.getState().theme).toBe('dark');
  });

  it('reads the mean ERP post latency from the metrics text', () => {
    const metrics = 'plantdesk_erp_request_duration_seconds_sum{operation="post",outcome="ok"} 1.5\nplantdesk_erp_request_duration_seconds_count{operation="post",outcome="ok"} 6\nplantdesk_erp_request_duration_seconds_count{operation="probe",outcome="ok"} 9\n';
    expect(erpLatencyFromMetrics(metrics)).toEqual({ meanMs: 250, requests: 6 });
    expect(erpLatencyFromMetrics('')).toBeNull();
  });
});
