// The agent's implementation of the PlantDesk API: read models over the store and the live monitors.
import {
  EventQuerySchema, type DashboardSnapshot, type EventQuery, type EventSummary, type Health, type PlantDeskApi,
  type QueueCounts, type Unsubscribe,
} from '../../domain/index.js';
import { countEventsByStatus, countRawByStatus, listRecentEvents, oldestPendingCreatedAt, type ReadableDb, type StoredEvent } from '../../local-store/index.js';
import type { BrowseQuery, BrowseResult, CertificateList, OwnCertificateExport, TrustCertificateArgs, TrustCertificateResult } from '../../domain/index.js';
import { ApiFailure } from './apiFailure.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { OpcuaAdmin } from './opcuaAdmin.js';
import { listRejectedMessages } from './mappingRejected.js';
import type { Replayer } from './replay.js';
import type { RejectedMessage, RejectedQuery, ReplayRejectedArgs, ReplayResult } from '../../domain/index.js';
import type { LineMonitor } from './lineMonitor.js';
import type { SparkplugNodeInfo } from '../../domain/index.js';
import { enterpriseStatusDisabled, type EnterprisePublisher } from './enterprisePublisher.js';
import type { EnterpriseStatus } from '../../domain/index.js';
import type { StoreHealth } from '../../domain/index.js';
import type { CapacityMonitor } from './capacity.js';
import { drainEtaS } from './drainEta.js';

const RECENT_RECORDS = 25;

export interface ApiServiceOptions {
  readonly db: ReadableDb;
  readonly lines: LineMonitor;
  readonly connections: ConnectionRegistry;
  readonly plant: string;
  readonly version: string;
  readonly demo: boolean;
  readonly startedAt: number;
  /** OPC UA certificates and browse; absent in tests that do not need them. */
  readonly opcua?: OpcuaAdmin;
  /** Replay of rejected messages through the current mapping; absent in tests that do not need it. */
  readonly replayer?: Replayer;
  /** The Sparkplug B host connections' nodes; none when absent. */
  readonly sparkplug?: { nodes(): SparkplugNodeInfo[] };
  /** Enterprise publish, when configured. */
  readonly enterprise?: Pick<EnterprisePublisher, 'status'>;
  /** The store's upkeep (maintenance.ts): integrity, recovery, backups, retention for Health.store. */
  readonly store?: { health(): StoreHealth };
  /** Disk budget, back pressure and measured rates (capacity.ts) for QueueCounts and Health.capacity. */
  readonly capacity?: Pick<CapacityMonitor, 'status' | 'rates'>;
}

export function toEventSummary(event: StoredEvent): EventSummary {
  const body = event.body;
  return {
    eventId: event.eventId,
    kind: body.kind,
    status: event.status,
    line: body.line,
    orderId: body.orderId,
    operation: body.operation,
    quantity: body.kind === 'confirmation' ? body.yieldQty : body.value,
    scrap: body.kind === 'confirmation' ? body.scrapQty : 0,
    unit: body.unit ?? '',
    erpDocument: event.erpDocument,
    reasons: event.reasons,
    correlationId: event.correlationId,
    receivedAt: new Date(event.createdAt).toISOString(),
    updatedAt: new Date(event.updatedAt).toISOString(),
  };
}

export class ApiService implements PlantDeskApi {
  private readonly dashboardListeners = new Set<(snapshot: DashboardSnapshot) => void>();

  constructor(private readonly options: ApiServiceOptions) {}

  async getHealth(): Promise<Health> {
    const now = Date.now();
    const store = this.options.store?.health();
    const capacity = this.options.capacity?.status();
    const degraded = this.options.connections.list().some((c) => c.state !== 'connected') || Boolean(store?.warning) || Boolean(capacity?.warning);
    return {
      status: degraded ? 'degraded' : 'ok',
      plant: this.options.plant,
      version: this.options.version,
      startedAt: new Date(this.options.startedAt).toISOString(),
      uptimeS: Math.round((now - this.options.startedAt) / 1000),
      demo: this.options.demo,
      ...(store ? { store } : {}),
      ...(capacity ? { capacity } : {}),
    };
  }

  async getQueue(): Promise<QueueCounts> {
    return this.queueNow();
  }

  async getDashboard(): Promise<DashboardSnapshot> {
    return this.snapshotNow();
  }

  async listEvents(query: EventQuery = {}): Promise<EventSummary[]> {
    const { status, limit } = EventQuerySchema.parse(query);
    return listRecentEvents(this.options.db, limit, status).map(toEventSummary);
  }

  async listCertificates(): Promise<CertificateList> {
    return this.opcuaAdmin().listCertificates();
  }

  async exportOwnCertificate(): Promise<OwnCertificateExport> {
    return this.opcuaAdmin().exportOwnCertificate();
  }

  async browse(query: BrowseQuery): Promise<BrowseResult> {
    return this.opcuaAdmin().browse(query);
  }

  /** Command: audited as 'local-console' (see LOCAL_CONSOLE_ACTOR); transports let it through from this machine only. */
  async trustCertificate(args: TrustCertificateArgs): Promise<TrustCertificateResult> {
    return this.opcuaAdmin().trustCertificate(args);
  }

  async listRejected(query?: RejectedQuery): Promise<RejectedMessage[]> {
    return listRejectedMessages(this.options.db, query);
  }

  /** Command: audited as 'local-console'; transports let it through from this machine only. */
  async replayRejected(args: ReplayRejectedArgs): Promise<ReplayResult> {
    if (!this.options.replayer) throw new ApiFailure('not_found', 'replay is not available in this agent');
    return this.options.replayer.replay(args, 'local-console');
  }

  async getEnterpriseStatus(): Promise<EnterpriseStatus> {
    return this.options.enterprise?.status() ?? enterpriseStatusDisabled(this.options.db);
  }

  async listSparkplugNodes(): Promise<SparkplugNodeInfo[]> {
    return this.options.sparkplug?.nodes() ?? [];
  }

  private opcuaAdmin(): OpcuaAdmin {
    if (!this.options.opcua) throw new ApiFailure('not_found', 'OPC UA is not available in this agent');
    return this.options.opcua;
  }

  onDashboard(listener: (snapshot: DashboardSnapshot) => void): Unsubscribe {
    this.dashboardListeners.add(listener);
    return () => this.dashboardListeners.delete(listener);
  }

  hasDashboardListeners(): boolean {
    return this.dashboardListeners.size > 0;
  }

  /** Called by the agent's throttle, at most 4 times a second, never per event. */
  publishDashboard(): void {
    if (this.dashboardListeners.size === 0) return;
    const snapshot = this.snapshotNow();
    for (const listener of this.dashboardListeners) listener(snapshot);
  }

  private queueNow(): QueueCounts {
    const oldest = oldestPendingCreatedAt(this.options.db);
    const counts = countEventsByStatus(this.options.db);
    const queue: QueueCounts = {
      ...counts,
      rejected: countRawByStatus(this.options.db, 'rejected'),
      oldestPendingAgeS: oldest === null ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
    };
    const { capacity } = this.options;
    if (!capacity) return queue;
    // Drain ETA and buffer time from measured rates (capacity.ts, drainEta.ts).
    const rates = capacity.rates();
    return { ...queue, ...rates, drainEtaS: drainEtaS({ pending: counts.mapped + counts.ready + counts.sending, ...rates }), capacity: capacity.status() };
  }

  private snapshotNow(): DashboardSnapshot {
    return {
      at: new Date().toISOString(),
      lines: this.options.lines.statuses(),
      queue: this.queueNow(),
      connections: this.options.connections.list(),
      rate: this.options.lines.rate(),
      recent: listRecentEvents(this.options.db, RECENT_RECORDS).filter((e) => e.kind === 'confirmation').map(toEventSummary),
    };
  }
}
