// PlantDeskApi over a WebSocket (browser mode): calls, stream subscriptions, reconnect with backoff.
import type { ApiCommand, ApiQuery, ApiRequestMessage, ApiResponseMessage, ApiStream, DashboardSnapshot, EventQuery } from '../../../domain/api';
import type { BrowseQuery, BrowseResult, CertificateList, OwnCertificateExport, TrustCertificateArgs, TrustCertificateResult } from '../../../domain/api';
import type { EnterpriseStatus, EventSummary, Health, PlantDeskContract, QueueCounts, Unsubscribe } from '../../../domain/api';
import type { DiagnosticsBundle, OrderListQuery, OrderProgress, QualityQuery, QualitySummary, RecordTrace, TraceQuery } from '../../../domain/api';
import type { ReconcileArgs, ReconcileRun, ReconciliationFinding, ReconciliationQuery } from '../../../domain/api';
import type { RejectedMessage, RejectedQuery, ReplayRejectedArgs, ReplayResult } from '../../../domain/api';
import type { SparkplugNodeInfo } from '../../../domain/api';
import type { WriteNodeArgs, WriteNodeResult } from '../../../domain/api';
import type { ApiSessionMethod, AuthStatus, CreateFirstAdminArgs, CreateUserArgs, DisableUserArgs, LoginArgs, ResetPasswordArgs } from '../../../domain/api';
import type { SessionInfo, SetUserRolesArgs, UserInfo } from '../../../domain/api';
import type { AuditVerification } from '../../../domain/api';
import type {
  ApprovalDecisionArgs, AuditCsv, AuditCsvQuery, BulkCorrectArgs, BulkCorrectResult, CorrectExceptionArgs, ExceptionActionResult, ExceptionDetail,
  ExceptionIdArgs, ExceptionList, ExceptionQuery, RecheckExceptionArgs, RecheckResult, RejectCorrectionArgs, RetryExceptionArgs, VoidExceptionArgs,
} from '../../../domain/api';
import { ApiCallError, type LinkState, type WebSocketFactory, type WebSocketLike, type WsClientOptions } from './wsTypes';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  /** Serialized request; set while queued for the next open socket, cleared once sent. */
  frame: string | null;
}

const OPEN = 1;

export class WsClient implements PlantDeskContract {
  private socket: WebSocketLike | null = null;
  private state: LinkState = 'connecting';
  private nextId = 1;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<ApiStream, Set<(value: unknown) => void>>();
  private readonly linkListeners = new Set<(state: LinkState) => void>();
  private readonly sessionLostListeners = new Set<(message: string) => void>();
  /** The session this client logged in with, in memory only: sent again (resumeSession) after every reconnect. */
  private token: string | null = null;
  private readonly opts: Required<WsClientOptions>;

  constructor(options: WsClientOptions) {
    this.opts = {
      WebSocket: globalThis.WebSocket as unknown as WebSocketFactory,
      initialBackoffMs: 250,
      maxBackoffMs: 5000,
      callTimeoutMs: 15_000,
      ...options,
    };
    this.connect();
  }

  // Method and stream names are typed as ApiQuery / ApiStream, so a rename in domain/api.ts fails to compile here.
  getHealth = (): Promise<Health> => this.call('getHealth');
  getQueue = (): Promise<QueueCounts> => this.call('getQueue');
  getDashboard = (): Promise<DashboardSnapshot> => this.call('getDashboard');
  listEvents = (query?: EventQuery): Promise<EventSummary[]> => this.call('listEvents', query);
  onDashboard(listener: (snapshot: DashboardSnapshot) => void): Unsubscribe {
    return this.listen('onDashboard', listener as (value: unknown) => void);
  }
  listCertificates = (): Promise<CertificateList> => this.call('listCertificates');
  exportOwnCertificate = (): Promise<OwnCertificateExport> => this.call('exportOwnCertificate');
  browse = (query: BrowseQuery): Promise<BrowseResult> => this.call('browse', query);
  trustCertificate = (args: TrustCertificateArgs): Promise<TrustCertificateResult> => this.call('trustCertificate', args);
  writeNode = (args: WriteNodeArgs): Promise<WriteNodeResult> => this.call('writeNode', args);
  listRejected = (query?: RejectedQuery): Promise<RejectedMessage[]> => this.call('listRejected', query);
  replayRejected = (args: ReplayRejectedArgs): Promise<ReplayResult> => this.call('replayRejected', args);
  listSparkplugNodes = (): Promise<SparkplugNodeInfo[]> => this.call('listSparkplugNodes');
  getEnterpriseStatus = (): Promise<EnterpriseStatus> => this.call('getEnterpriseStatus');

  // Sessions: the agent binds this connection to the session a login answered; the client remembers the token.
  getAuthStatus = (): Promise<AuthStatus> => this.call('getAuthStatus');
  login = (args: LoginArgs): Promise<SessionInfo> => this.holdSession(this.call<SessionInfo>('login', args));
  createFirstAdmin = (args: CreateFirstAdminArgs): Promise<SessionInfo> => this.holdSession(this.call<SessionInfo>('createFirstAdmin', args));
  resumeSession = (args: { token: string }): Promise<SessionInfo> => this.holdSession(this.call<SessionInfo>('resumeSession', args));
  logout = (): Promise<void> => {
    this.token = null;
    return this.call<void>('logout');
  };
  verifyAudit = (): Promise<AuditVerification> => this.call('verifyAudit');
  listUsers = (): Promise<UserInfo[]> => this.call('listUsers');
  createUser = (args: CreateUserArgs): Promise<UserInfo> => this.call('createUser', args);
  setUserRoles = (args: SetUserRolesArgs): Promise<UserInfo> => this.call('setUserRoles', args);
  resetPassword = (args: ResetPasswordArgs): Promise<UserInfo> => this.call('resetPassword', args);
  disableUser = (args: DisableUserArgs): Promise<UserInfo> => this.call('disableUser', args);

  // The exceptions workspace (issue 6).
  listExceptions = (query?: ExceptionQuery): Promise<ExceptionList> => this.call('listExceptions', query);
  getException = (args: ExceptionIdArgs): Promise<ExceptionDetail> => this.call('getException', args);
  recheckException = (args: RecheckExceptionArgs): Promise<RecheckResult> => this.call('recheckException', args);
  exportAuditCsv = (query?: AuditCsvQuery): Promise<AuditCsv> => this.call('exportAuditCsv', query);
  listOrders = (query?: OrderListQuery): Promise<OrderProgress[]> => this.call('listOrders', query);
  traceRecord = (query: TraceQuery): Promise<RecordTrace> => this.call('traceRecord', query);
  getQuality = (query?: QualityQuery): Promise<QualitySummary> => this.call('getQuality', query);
  getDiagnostics = (): Promise<DiagnosticsBundle> => this.call('getDiagnostics');
  listReconciliation = (query?: ReconciliationQuery): Promise<ReconciliationFinding[]> => this.call('listReconciliation', query);
  reconcileOrders = (args?: ReconcileArgs): Promise<ReconcileRun> => this.call('reconcileOrders', args);
  correctException = (args: CorrectExceptionArgs): Promise<ExceptionActionResult> => this.call('correctException', args);
  voidException = (args: VoidExceptionArgs): Promise<ExceptionActionResult> => this.call('voidException', args);
  retryException = (args: RetryExceptionArgs): Promise<ExceptionActionResult> => this.call('retryException', args);
  bulkCorrect = (args: BulkCorrectArgs): Promise<BulkCorrectResult> => this.call('bulkCorrect', args);
  approveCorrection = (args: ApprovalDecisionArgs): Promise<ExceptionActionResult> => this.call('approveCorrection', args);
  rejectCorrection = (args: RejectCorrectionArgs): Promise<ExceptionActionResult> => this.call('rejectCorrection', args);

  /** Called when the session could not be resumed after a reconnect (e.g. it expired meanwhile), with the reason. */
  onSessionLost(listener: (message: string) => void): Unsubscribe {
    this.sessionLostListeners.add(listener);
    return () => this.sessionLostListeners.delete(listener);
  }

  private holdSession(call: Promise<SessionInfo>): Promise<SessionInfo> {
    return call.then((session) => {
      this.token = session.token;
      return session;
    });
  }

  /** First frame on a new socket, so calls queued behind it run as the session (the agent waits for its answer). */
  private resumeOnOpen(): void {
    const token = this.token;
    if (token === null) return;
    this.holdSession(this.call<SessionInfo>('resumeSession', { token }, true)).catch((error: Error) => {
      if (!(error instanceof ApiCallError) || error.code !== 'unauthorized' || this.token !== token) return;
      this.token = null;
      for (const listener of [...this.sessionLostListeners]) listener(error.message);
    });
  }

  get linkState(): LinkState {
    return this.state;
  }

  /** Calls the listener now and on every change of the link state. */
  onLinkState(listener: (state: LinkState) => void): Unsubscribe {
    this.linkListeners.add(listener);
    listener(this.state);
    return () => this.linkListeners.delete(listener);
  }

  /** Closes the socket for good: no reconnect, pending calls fail. */
  dispose(): void {
    this.disposed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.failPending('client disposed');
    this.setState('closed');
  }

  /** `first`: sent at once on a socket that is opening, ahead of the calls queued while disconnected. */
  private call<T>(method: ApiQuery | ApiCommand | ApiSessionMethod, params?: unknown, first = false): Promise<T> {
    if (this.state === 'closed') {
      return Promise.reject(new ApiCallError('disconnected', `${method}: not connected to the agent`));
    }
    const id = this.nextId++;
    const message: ApiRequestMessage = params === undefined ? { type: 'call', id, method } : { type: 'call', id, method, params };
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiCallError('timeout', `${method}: no answer within ${this.opts.callTimeoutMs} ms`));
      }, this.opts.callTimeoutMs);
      const entry: Pending = { resolve: resolve as (value: unknown) => void, reject, timer, frame: JSON.stringify(message) };
      this.pending.set(id, entry);
      if (this.state === 'open' || first) this.flush(entry);
    });
  }

  private listen(stream: ApiStream, listener: (value: unknown) => void): Unsubscribe {
    let listeners = this.streams.get(stream);
    if (!listeners) {
      listeners = new Set();
      this.streams.set(stream, listeners);
    }
    const first = listeners.size === 0;
    listeners.add(listener);
    if (first && this.state === 'open') this.send({ type: 'subscribe', stream });
    // The wire has no unsubscribe message: the agent keeps pushing and events without listeners are dropped.
    return () => {
      listeners.delete(listener);
    };
  }

  private connect(): void {
    this.reconnectTimer = null;
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = new this.opts.WebSocket(this.opts.url);
    } catch {
      this.onSocketClosed(null);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.resumeOnOpen();
      this.setState('open');
      for (const [stream, listeners] of this.streams) {
        if (listeners.size > 0) this.send({ type: 'subscribe', stream });
      }
      for (const entry of this.pending.values()) this.flush(entry);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onclose = () => this.onSocketClosed(socket);
    // An error is always followed by close; nothing to do here.
    socket.onerror = () => undefined;
  }

  private onSocketClosed(socket: WebSocketLike | null): void {
    if (socket !== this.socket && socket !== null) return;
    this.socket = null;
    this.failPending('connection to the agent closed');
    if (this.disposed) return;
    this.setState('closed');
    const base = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** this.attempt);
    this.attempt++;
    // Jitter (50..100 %) so many consoles do not reconnect in lockstep after an agent restart.
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private receive(data: unknown): void {
    let message: ApiResponseMessage;
    try {
      message = JSON.parse(String(data)) as ApiResponseMessage;
    } catch {
      return;
    }
    if (message.type === 'result') {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      clearTimeout(entry.timer);
      const result = message.result;
      if (result.ok) entry.resolve(result.value);
      else entry.reject(new ApiCallError(result.error.code, result.error.message));
    } else if (message.type === 'event') {
      for (const listener of [...(this.streams.get(message.stream) ?? [])]) {
        try {
          listener(message.value);
        } catch (error) {
          console.error(`PlantDesk: ${message.stream} listener failed`, error);
        }
      }
    }
  }

  private flush(entry: Pending): void {
    if (entry.frame === null || !this.socket || this.socket.readyState !== OPEN) return;
    this.socket.send(entry.frame);
    entry.frame = null;
  }

  private send(message: ApiRequestMessage): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private failPending(reason: string): void {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new ApiCallError('disconnected', reason));
      this.pending.delete(id);
    }
  }

  private setState(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.linkListeners]) listener(state);
  }
}
