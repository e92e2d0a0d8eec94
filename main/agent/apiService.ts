// The agent's implementation of the PlantDesk API: read models over the store and the live monitors.
import {
  EventQuerySchema, type DashboardSnapshot, type EventQuery, type EventSummary, type Health, type PlantDeskApi,
  type QueueCounts, type Unsubscribe,
} from '../../domain/index.js';
import { countEventsByStatus, countRawByStatus, listRecentEvents, oldestPendingCreatedAt, type ReadableDb } from '../../local-store/index.js';
import type { BrowseQuery, BrowseResult, CertificateList, OwnCertificateExport, TrustCertificateArgs, TrustCertificateResult } from '../../domain/index.js';
import type { WriteNodeArgs, WriteNodeResult } from '../../domain/index.js';
import { ReconcileArgsSchema, ReconciliationQuerySchema, type ReconcileArgs, type ReconcileRun, type ReconciliationQuery } from '../../domain/index.js';
import { ApiFailure } from './apiFailure.js';
import { toEventSummary } from './eventSummary.js';
import type { AuthService } from './auth/authService.js';
import { verifyAuditInSteps } from '../../local-store/index.js';
import type { AuditApi, AuditVerification } from '../../domain/index.js';
import type { AuthStatus, Caller, CreateFirstAdminArgs, CreateUserArgs, DisableUserArgs, LoginArgs, ResetPasswordArgs, ResumeSessionArgs, SessionApi, SessionInfo, SetUserRolesArgs, UserInfo, UsersApi } from '../../domain/index.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { OpcuaAdminApi } from './opcuaAdmin.js';
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
import type { ReconciliationFinding, SyncStatus } from '../../domain/index.js';
import { listReconciliation } from './sync/reconciler.js';
import type { ConsoleViewsApi, DiagnosticsBundle, MetricsExposition, OrderListQuery, OrderProgress, QualityQuery, QualitySummary, RecordTrace, TraceQuery } from '../../domain/index.js';
import { METRICS_CONTENT_TYPE, type AgentMetrics } from './metrics.js';
import type { Diagnostics } from './diagnostics.js';
import { listOrderProgress } from './orderProgress.js';
import { traceRecord } from './recordTrace.js';
import { qualitySummary } from './qualitySummary.js';
import type { ExceptionsService } from './exceptions/index.js';
import type { ApprovalDecisionArgs, AuditCsv, AuditCsvQuery, BulkCorrectArgs, BulkCorrectResult, CorrectExceptionArgs, ExceptionActionResult, ExceptionDetail, ExceptionIdArgs, ExceptionList, ExceptionQuery, ExceptionsApi, RecheckExceptionArgs, RecheckResult, RejectCorrectionArgs, RetryExceptionArgs, VoidExceptionArgs } from '../../domain/index.js';

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
  readonly opcua?: OpcuaAdminApi;
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
  /** The sync engine (issue 5): ERP online/offline, drain progress, reconciliation; absent until it runs. */
  readonly sync?: {
    status(): SyncStatus | undefined;
    reconcile(orderIds?: readonly string[]): Promise<ReconcileRun>;
  };
  /** Users, roles and sessions (auth/); without it the transports refuse every command. */
  readonly auth?: AuthService;
  /** Prometheus metrics (metrics.ts) and the diagnostics bundle (diagnostics.ts), issue 7; absent in tests that do not need them. */
  readonly metrics?: Pick<AgentMetrics, 'text'>;
  readonly diagnostics?: Pick<Diagnostics, 'bundle'>;
  /** The exceptions workspace (exceptions/), issue 6; absent in tests that do not need it. */
  readonly exceptions?: ExceptionsService;
}


export class ApiService implements PlantDeskApi, SessionApi, UsersApi, AuditApi, ConsoleViewsApi, ExceptionsApi {
  private readonly dashboardListeners = new Set<(snapshot: DashboardSnapshot) => void>();
  /** The gate apiDispatch checks every command's session against (ServedApi). */
  readonly auth: AuthService | undefined;

  constructor(private readonly options: ApiServiceOptions) {
    this.auth = options.auth;
  }

  // Sessions and accounts (domain/auth.ts). apiDispatch authenticates and checks COMMAND_ROLES before a command
  // runs and passes the caller; a command called without one (a transport that skipped the check) is refused.
  async getAuthStatus(): Promise<AuthStatus> {
    const auth = this.authService();
    return { firstAdminNeeded: auth.firstAdminNeeded(), setupCodeFile: auth.setupCodeFile(), viewsNeedLogin: false };
  }

  async login(args: LoginArgs): Promise<SessionInfo> {
    return this.authService().login(args);
  }

  async resumeSession(args: ResumeSessionArgs): Promise<SessionInfo> {
    return this.authService().resume(args);
  }

  async createFirstAdmin(args: CreateFirstAdminArgs): Promise<SessionInfo> {
    return this.authService().createFirstAdmin(args);
  }

  async logout(_params?: unknown, caller?: Caller): Promise<void> {
    this.authService().logout(requireCaller(caller));
  }

  async listUsers(_params?: unknown, caller?: Caller): Promise<UserInfo[]> {
    requireCaller(caller);
    return this.authService().users.list();
  }

  async createUser(args: CreateUserArgs, caller?: Caller): Promise<UserInfo> {
    return this.authService().users.create(args, requireCaller(caller));
  }

  async setUserRoles(args: SetUserRolesArgs, caller?: Caller): Promise<UserInfo> {
    return this.authService().users.setRoles(args, requireCaller(caller));
  }

  async resetPassword(args: ResetPasswordArgs, caller?: Caller): Promise<UserInfo> {
    return this.authService().users.resetPassword(args, requireCaller(caller));
  }

  async disableUser(args: DisableUserArgs, caller?: Caller): Promise<UserInfo> {
    return this.authService().users.disable(args, requireCaller(caller));
  }

  /** Query: walks the audit log's hash chain and names the first changed or removed entry. */
  async verifyAudit(): Promise<AuditVerification> {
    return verifyAuditInSteps(this.options.db);
  }

  private authService(): AuthService {
    if (!this.options.auth) throw new ApiFailure('not_found', 'user accounts are not available in this agent');
    return this.options.auth;
  }

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

  /** Command (COMMAND_ROLES: engineer): audited under the caller's name. */
  async trustCertificate(args: TrustCertificateArgs, caller?: Caller): Promise<TrustCertificateResult> {
    return this.opcuaAdmin().trustCertificate(args, requireCaller(caller).user);
  }

  /** Command (COMMAND_ROLES: supervisor, engineer): audited under the caller's name. */
  async writeNode(args: WriteNodeArgs, caller?: Caller): Promise<WriteNodeResult> {
    return this.opcuaAdmin().writeNode(args, requireCaller(caller).user);
  }

  async listRejected(query?: RejectedQuery): Promise<RejectedMessage[]> {
    return listRejectedMessages(this.options.db, query);
  }

  /** Command (COMMAND_ROLES: engineer): audited under the caller's name. */
  async replayRejected(args: ReplayRejectedArgs, caller?: Caller): Promise<ReplayResult> {
    if (!this.options.replayer) throw new ApiFailure('not_found', 'replay is not available in this agent');
    return this.options.replayer.replay(args, requireCaller(caller).user);
  }

  async getEnterpriseStatus(): Promise<EnterpriseStatus> {
    return this.options.enterprise?.status() ?? enterpriseStatusDisabled(this.options.db);
  }

  /** Reconciliation findings (newest first), of one order or all. */
  async listReconciliation(query?: ReconciliationQuery): Promise<ReconciliationFinding[]> {
    const { orderId, limit } = ReconciliationQuerySchema.parse(query ?? {});
    return listReconciliation(this.options.db, orderId, limit);
  }

  /** Command (COMMAND_ROLES: supervisor, engineer): reconciliation now, of the given orders or those posted to lately. */
  async reconcileOrders(args?: ReconcileArgs): Promise<ReconcileRun> {
    const { orderIds } = ReconcileArgsSchema.parse(args ?? {});
    if (!this.options.sync) throw new ApiFailure('not_found', 'the sync engine is not running in this agent');
    return this.options.sync.reconcile(orderIds);
  }

  private syncStatus(): { sync?: SyncStatus } {
    const sync = this.options.sync?.status();
    return sync ? { sync } : {};
  }

  // The console views of issue 7 (domain/consoleApi.ts) and /metrics (consoleRoutes.ts).
  async getMetrics(): Promise<MetricsExposition> {
    if (!this.options.metrics) throw new ApiFailure('not_found', 'metrics are not available in this agent');
    return { contentType: METRICS_CONTENT_TYPE, text: await this.options.metrics.text() };
  }

  async getDiagnostics(): Promise<DiagnosticsBundle> {
    if (!this.options.diagnostics) throw new ApiFailure('not_found', 'diagnostics are not available in this agent');
    return this.options.diagnostics.bundle();
  }

  async listOrders(query?: OrderListQuery): Promise<OrderProgress[]> {
    return listOrderProgress(this.options.db, query);
  }

  async traceRecord(query: TraceQuery): Promise<RecordTrace> {
    return traceRecord(this.options.db, query);
  }

  async getQuality(query?: QualityQuery): Promise<QualitySummary> {
    return qualitySummary(this.options.db, query);
  }

  // The exceptions workspace (issue 6): queries open to views; commands for supervisors (COMMAND_ROLES), audited.
  async listExceptions(query?: ExceptionQuery): Promise<ExceptionList> {
    return this.exceptionsService().list(query);
  }

  async getException(args: ExceptionIdArgs): Promise<ExceptionDetail> {
    return this.exceptionsService().get(args);
  }

  async recheckException(args: RecheckExceptionArgs): Promise<RecheckResult> {
    return this.exceptionsService().recheck(args);
  }

  async exportAuditCsv(query?: AuditCsvQuery): Promise<AuditCsv> {
    return this.exceptionsService().exportAuditCsv(query);
  }

  async correctException(args: CorrectExceptionArgs, caller?: Caller): Promise<ExceptionActionResult> {
    return this.exceptionsService().correct(args, requireCaller(caller));
  }

  async voidException(args: VoidExceptionArgs, caller?: Caller): Promise<ExceptionActionResult> {
    return this.exceptionsService().void(args, requireCaller(caller));
  }

  async retryException(args: RetryExceptionArgs, caller?: Caller): Promise<ExceptionActionResult> {
    return this.exceptionsService().retry(args, requireCaller(caller));
  }

  async bulkCorrect(args: BulkCorrectArgs, caller?: Caller): Promise<BulkCorrectResult> {
    return this.exceptionsService().bulk(args, requireCaller(caller));
  }

  async approveCorrection(args: ApprovalDecisionArgs, caller?: Caller): Promise<ExceptionActionResult> {
    return this.exceptionsService().approve(args, requireCaller(caller));
  }

  async rejectCorrection(args: RejectCorrectionArgs, caller?: Caller): Promise<ExceptionActionResult> {
    return this.exceptionsService().reject(args, requireCaller(caller));
  }

  private exceptionsService(): ExceptionsService {
    if (!this.options.exceptions) throw new ApiFailure('not_found', 'the exceptions workspace is not available in this agent');
    return this.options.exceptions;
  }

  async listSparkplugNodes(): Promise<SparkplugNodeInfo[]> {
    return this.options.sparkplug?.nodes() ?? [];
  }

  private opcuaAdmin(): OpcuaAdminApi {
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
      ...this.syncStatus(),
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

/** Commands run only for a caller apiDispatch resolved from a session. */
function requireCaller(caller: Caller | undefined): Caller {
  if (!caller) throw new ApiFailure('unauthorized', 'log in first: commands run only for a logged-in user');
  return caller;
}
