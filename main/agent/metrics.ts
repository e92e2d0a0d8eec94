// Prometheus metrics for IT (`GET /metrics`, text format 0.0.4): read from the agent's own sources when scraped,
// so a message costs nothing extra on its way in. Only ERP requests are observed as they happen (metricsErp.ts).
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { EVENT_STATUSES, type CertificateList, type ConnectionState, type ConnectionStatus, type QueueCounts } from '../../domain/index.js';
import { createErpMetrics, type ErpMetrics } from './metricsErp.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const CONNECTION_STATES: readonly ConnectionState[] = ['connecting', 'connected', 'disconnected', 'error', 'stale'];
const ERP_STATES = ['online', 'retrying', 'offline'] as const;

/** Where the figures come from; each read once per scrape. */
export interface MetricsSources {
  queue(): Promise<QueueCounts> | QueueCounts;
  connections(): readonly ConnectionStatus[];
  /** OPC UA certificates; absent where no OPC UA source is configured (listing them would load node-opcua). */
  certificates?: () => Promise<CertificateList>;
}

export interface MetricsOptions {
  /** Node's process metrics (CPU, memory, event loop lag, GC); default true. Off in unit tests that count series. */
  readonly processMetrics?: boolean;
}

/**
 * Node's process metrics (CPU, memory, event loop lag, GC) in one registry per process: they describe the
 * process, not an agent, and each registration starts its own event-loop monitor.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'plantdesk_' });
  }
  return processRegistry;
}

export class AgentMetrics {
  readonly registry = new Registry();
  /** Hand to instrumentErpAdapter (metricsErp.ts) for the ERP's latency, postings and failures. */
  readonly erp: ErpMetrics;
  private sources: MetricsSources | undefined;
  private readonly queueEvents: Gauge<'status'>;
  private readonly rejected: Gauge;
  private readonly oldestPending: Gauge;
  private readonly drainEta: Gauge;
  private readonly connectionState: Gauge<'kind' | 'name' | 'state'>;
  private readonly connectionDataAge: Gauge<'kind' | 'name'>;
  private readonly erpState: Gauge<'state'>;
  private readonly certificateDays: Gauge<'role' | 'subject' | 'status' | 'thumbprint'>;
  private readonly telemetryShed: Gauge;
  private readonly telemetryNotStored: Gauge;
  private readonly intakePaused: Gauge;
  private readonly storeUsedBytes: Gauge;
  private readonly scrapeErrors: Gauge<'source'>;
  private readonly withProcessMetrics: boolean;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.erp = createErpMetrics(this.registry);
    this.queueEvents = new Gauge({ name: 'plantdesk_queue_events', help: 'Events in the buffer by status.', labelNames: ['status'], registers });
    this.rejected = new Gauge({ name: 'plantdesk_rejected_messages', help: 'Raw messages that could not be mapped (kept with their reason).', registers });
    this.oldestPending = new Gauge({ name: 'plantdesk_queue_oldest_pending_age_seconds', help: 'Age of the oldest event still on its way to the ERP (mapped, ready, sending); 0 when none.', registers });
    this.drainEta = new Gauge({ name: 'plantdesk_queue_drain_eta_seconds', help: 'Seconds until the queue to the ERP is empty at the measured rates; absent while it does not shrink.', registers });
    this.connectionState = new Gauge({ name: 'plantdesk_connection_state', help: 'Per connection, 1 for its current state and 0 for the others.', labelNames: ['kind', 'name', 'state'], registers });
    this.connectionDataAge = new Gauge({ name: 'plantdesk_connection_data_age_seconds', help: 'Seconds since the connection last delivered data; absent before the first.', labelNames: ['kind', 'name'], registers });
    this.erpState = new Gauge({ name: 'plantdesk_erp_state', help: 'The sync engine\'s view of the ERP: 1 for online, retrying or offline.', labelNames: ['state'], registers });
    this.certificateDays = new Gauge({ name: 'plantdesk_certificate_days_to_expiry', help: 'OPC UA certificates: whole days until notAfter (negative once expired).', labelNames: ['role', 'subject', 'status', 'thumbprint'], registers });
    this.telemetryShed = new Gauge({ name: 'plantdesk_telemetry_shed_rows', help: 'Telemetry rows shed (oldest first) to keep the disk budget, over the life of this store.', registers });
    this.telemetryNotStored = new Gauge({ name: 'plantdesk_telemetry_not_stored', help: 'Telemetry values not stored while intake was paused, since the agent started.', registers });
    this.intakePaused = new Gauge({ name: 'plantdesk_intake_paused', help: '1 while intake of business records is paused (disk budget or disk full).', registers });
    this.storeUsedBytes = new Gauge({ name: 'plantdesk_store_used_bytes', help: 'Pages in use plus the WAL: what counts against the disk budget.', registers });
    this.scrapeErrors = new Gauge({ name: 'plantdesk_metrics_source_errors', help: '1 when a source could not be read at this scrape (its series are then absent).', labelNames: ['source'], registers });
    this.withProcessMetrics = options.processMetrics !== false;
  }

  /** Set once the agent's parts exist; until then a scrape shows the ERP counters and process metrics only. */
  useSources(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** The exposition text, read from the sources now. */
  async text(now = Date.now()): Promise<string> {
    await this.collect(now);
    const own = await this.registry.metrics();
    return this.withProcessMetrics ? `${own}\n${await processMetrics().metrics()}` : own;
  }

  private async collect(now: number): Promise<void> {
    const sources = this.sources;
    if (!sources) return;
    await this.read('queue', async () => this.setQueue(await sources.queue()));
    await this.read('connections', () => this.setConnections(sources.connections(), now));
    if (sources.certificates) {
      const certificates = sources.certificates;
      await this.read('certificates', async () => this.setCertificates(await certificates()));
    }
  }

  /** One failing source leaves its series out and says so, instead of failing the whole scrape. */
  private async read(source: string, collect: () => Promise<void> | void): Promise<void> {
    try {
      await collect();
      this.scrapeErrors.set({ source }, 0);
    } catch {
      this.scrapeErrors.set({ source }, 1);
    }
  }

  private setQueue(queue: QueueCounts): void {
    for (const status of EVENT_STATUSES) this.queueEvents.set({ status }, queue[status]);
    this.rejected.set(queue.rejected);
    this.oldestPending.set(queue.oldestPendingAgeS ?? 0);
    this.drainEta.reset();
    if (typeof queue.drainEtaS === 'number') this.drainEta.set(queue.drainEtaS);
    this.erpState.reset();
    if (queue.sync) for (const state of ERP_STATES) this.erpState.set({ state }, queue.sync.erp === state ? 1 : 0);
    const capacity = queue.capacity;
    this.telemetryShed.reset();
    this.telemetryNotStored.reset();
    this.intakePaused.reset();
    this.storeUsedBytes.reset();
    if (capacity) {
      this.telemetryShed.set(capacity.telemetryShed);
      this.telemetryNotStored.set(capacity.telemetryNotStored);
      this.intakePaused.set(capacity.intakePaused ? 1 : 0);
      this.storeUsedBytes.set(Math.round(capacity.usedMb * 1024 * 1024));
    }
  }

  private setConnections(connections: readonly ConnectionStatus[], now: number): void {
    // Reset first: a connection removed since the last scrape must not linger with its old state.
    this.connectionState.reset();
    this.connectionDataAge.reset();
    for (const c of connections) {
      for (const state of CONNECTION_STATES) this.connectionState.set({ kind: c.kind, name: c.name, state }, c.state === state ? 1 : 0);
      if (c.lastDataAt !== null) this.connectionDataAge.set({ kind: c.kind, name: c.name }, Math.max(0, (now - Date.parse(c.lastDataAt)) / 1000));
    }
  }

  private setCertificates(list: CertificateList): void {
    this.certificateDays.reset();
    const own = list.own;
    this.certificateDays.set({ role: 'own', subject: own.subject, status: 'own', thumbprint: own.sha1Thumbprint }, own.daysToExpiry);
    for (const server of list.servers) {
      this.certificateDays.set({ role: 'server', subject: server.subject, status: server.status, thumbprint: server.sha1Thumbprint }, server.daysToExpiry);
    }
  }
}
