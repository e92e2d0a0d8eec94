// The PlantDesk API: one contract shared by the agent (implements it), the Electron preload (IPC) and the
// browser WebSocket client. The renderer only ever sees this interface.
import { z } from 'zod';
import { EVENT_STATUSES, type EventStatus } from './lifecycle.js';
import type { RuleViolation } from './validation.js';
import type { BrowseQuery, BrowseResult, CertificateList, OwnCertificateExport, TrustCertificateArgs, TrustCertificateResult } from './opcuaApi.js';
import type { WriteNodeArgs, WriteNodeResult } from './opcuaApi.js';
import type { RejectedMessage, RejectedQuery, ReplayRejectedArgs, ReplayResult } from './mapping/rejectedApi.js';
import type { SparkplugNodeInfo } from './sparkplugApi.js';
import type { CapacityStatus } from './capacityApi.js';
import type { ReconciliationApi, SyncStatus } from './syncApi.js';
import type { ApiSessionMethod, Role, SessionApi, UsersApi } from './auth.js';
import type { AuditApi } from './auditApi.js';
import type { ExceptionsApi } from './exceptionsApi.js';
import type { ConsoleViewsApi } from './consoleApi.js';

export * from './opcuaApi.js';
export * from './mapping/rejectedApi.js';
export * from './sparkplugApi.js';
export * from './capacityApi.js';
export * from './syncApi.js';
export * from './auth.js';
export * from './auditApi.js';
export * from './consoleApi.js';
export * from './diagnosticsApi.js';
export * from './exceptionsApi.js';

export interface Health {
  readonly status: 'ok' | 'degraded';
  /** The ERP plant this PlantDesk serves, e.g. "1010". */
  readonly plant: string;
  readonly version: string;
  readonly startedAt: string;
  readonly uptimeS: number;
  /** True when the agent runs the built-in demo plant instead of a configured one. */
  readonly demo: boolean;
  /** The SQLite buffer's upkeep: integrity at start, recovery, backups, retention (absent where no store runs). */
  readonly store?: StoreHealth;
  /** Disk budget and back pressure (capacityApi.ts); the status is degraded while it has a warning. */
  readonly capacity?: CapacityStatus;
}

/**
 * The buffer's state for the console (README, "Backups, retention and recovery"). Shared by the parts of issue 4:
 * capacity (disk budget, back pressure) adds its own fields here, each optional or with its own meaning.
 */
export interface StoreHealth {
  /** Plain words while something needs a person (a recovery in the last 24 h, backups failing); the status is then degraded. */
  readonly warning: string | null;
  /**
   * quick_check at this start: 'ok', or 'recovered' when the file was damaged and replaced; 'checking' while it
   * still runs (in the background; intake, sync and enterprise publish start once it passed).
   */
  readonly integrity: 'ok' | 'recovered' | 'checking';
  /** When the last recovery happened (this start or an earlier one), or absent when never. */
  readonly recoveredAt?: string;
  /** What quick_check found in the damaged file. */
  readonly damage?: string;
  /** Where the damaged file was kept (with its -wal and -shm). */
  readonly damagedFileKeptAt?: string;
  /** The backup restored in its place; absent when none was usable and the store started empty. */
  readonly recoveredFrom?: string;
  /** When the restored backup was taken: what arrived after it is only in the damaged file (or at the source). */
  readonly recoveredBackupTakenAt?: string;
  /** The newest backup on disk, and when it was taken; null when there is none. */
  readonly lastBackupAt: string | null;
  readonly lastBackupFile: string | null;
  /** Why the last scheduled backup failed or was skipped (e.g. not enough free disk), or null. */
  readonly lastBackupError: string | null;
  /** The last retention pass and what it purged. */
  readonly lastPurgeAt: string | null;
  readonly purged: { readonly events: number; readonly rawMessages: number; readonly telemetry: number };
  readonly retentionDays: number;
  readonly telemetryRetentionDays: number;
  /** The schema version of the file, and the upgrade made at this start, if any. */
  readonly schemaVersion: number;
  readonly migratedFrom?: number;
}

export type QueueCounts = Readonly<Record<EventStatus, number>> & {
  /** Raw messages that could not be mapped to an event (bad payloads), with a reason each. */
  readonly rejected: number;
  /** Age in seconds of the oldest event still on its way to the ERP (mapped, ready or sending). */
  readonly oldestPendingAgeS: number | null;
  /** Seconds until the queue to the ERP (mapped, ready, sending) is empty at the measured rates; null while it does not shrink or nothing was posted lately. */
  readonly drainEtaS?: number | null;
  /** Confirmations posted to the ERP per minute, and arriving per minute, measured over the last 10 minutes. */
  readonly postRatePerMin?: number;
  readonly arrivalRatePerMin?: number;
  /** The buffer's disk budget, shedding and back pressure (absent where no capacity monitor runs). */
  readonly capacity?: CapacityStatus;
  /** The sync engine: ERP online/offline since when, drain progress and ETA, reconciliation mismatches (syncApi.ts). */
  readonly sync?: SyncStatus;
};

export type ConnectionKind = 'opcua' | 'mqtt' | 'erp';
/** stale: the socket is connected but signals have sent no value for 3 expected periods (OPC UA freshness). */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'error' | 'stale';

export interface ConnectionStatus {
  readonly id: string;
  readonly kind: ConnectionKind;
  readonly name: string;
  readonly endpoint: string;
  readonly state: ConnectionState;
  readonly since: string;
  readonly lastError: string | null;
  readonly lastDataAt: string | null;
  /** Set while the connection works but is weaker than it should be, e.g. an OPC UA source with allowInsecure. */
  readonly warning?: string;
}

/** Enterprise publish (docs/ENTERPRISE-TOPICS.md): what waits for the enterprise broker. */
export interface EnterpriseStatus {
  /** False when the configuration has no `enterprise:` section; backlog then counts what an earlier run left. */
  readonly enabled: boolean;
  /** The broker URL (without password), or null. */
  readonly broker: string | null;
  readonly topicPrefix: string | null;
  /** The link's state; the same as the connection `mqtt:enterprise`. Null when not enabled. */
  readonly state: ConnectionState | null;
  /** Status changes captured and not yet acknowledged (PUBACK) by the broker. */
  readonly backlog: number;
  /** Age in seconds of the oldest change waiting, or null when none waits. */
  readonly oldestUnpublishedAgeS: number | null;
  /** The last sequence number the broker acknowledged (0 before the first). */
  readonly publishedSequence: number;
  /** When the cursor last moved, or null. */
  readonly lastPublishedAt: string | null;
}

export type LineState = 'running' | 'idle' | 'down' | 'unknown';

export interface LineStatus {
  readonly line: string;
  readonly source: string;
  readonly state: LineState;
  readonly stateReason: string;
  readonly orderId: string | null;
  readonly good: number | null;
  readonly scrap: number | null;
  readonly lastDataAt: string | null;
  /** False while any of the line's signals has sent no value for 3 expected periods, whatever the socket says. */
  readonly fresh: boolean;
  /** The stale signals' roles, e.g. ['good', 'scrap']; empty when fresh. */
  readonly staleSignals: readonly string[];
}

/** Good parts per line per bucket; a fixed window, newest last. */
export interface RateSeries {
  readonly bucketS: number;
  readonly lines: readonly string[];
  readonly points: readonly { readonly t: number; readonly perLine: Readonly<Record<string, number>> }[];
}

export interface EventSummary {
  readonly eventId: string;
  readonly kind: 'confirmation' | 'quality';
  readonly status: EventStatus;
  readonly line: string;
  readonly orderId: string;
  readonly operation: string;
  readonly quantity: number;
  readonly scrap: number;
  readonly unit: string;
  /** ERP document, e.g. "0000000012/00000003" (confirmation group / count), once posted. */
  readonly erpDocument: string | null;
  readonly reasons: readonly RuleViolation[];
  readonly correlationId: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
}

export interface DashboardSnapshot {
  readonly at: string;
  readonly lines: readonly LineStatus[];
  readonly queue: QueueCounts;
  readonly connections: readonly ConnectionStatus[];
  readonly rate: RateSeries;
  readonly recent: readonly EventSummary[];
}

export const EventQuerySchema = z.strictObject({
  status: z.enum(EVENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type EventQuery = z.input<typeof EventQuerySchema>;

export type Unsubscribe = () => void;

export interface PlantDeskApi {
  getHealth(): Promise<Health>;
  getQueue(): Promise<QueueCounts>;
  getDashboard(): Promise<DashboardSnapshot>;
  listEvents(query?: EventQuery): Promise<EventSummary[]>;
  /** Aggregated live state, pushed at most 4 times a second. */
  onDashboard(listener: (snapshot: DashboardSnapshot) => void): Unsubscribe;
  /** OPC UA: PlantDesk's own certificate and the servers' certificates (trusted and rejected). */
  listCertificates(): Promise<CertificateList>;
  /** OPC UA: PlantDesk's own certificate as PEM, for a server's trust list. */
  exportOwnCertificate(): Promise<OwnCertificateExport>;
  /** OPC UA: the children of a node (default the Objects folder) of a connected source, for mapping. */
  browse(query: BrowseQuery): Promise<BrowseResult>;
  /** Command (audited): moves a rejected server certificate to trusted/; its source reconnects at once. */
  trustCertificate(args: TrustCertificateArgs): Promise<TrustCertificateResult>;
  /** Command (audited, read before and after): writes a value to a node the configuration marks writable, e.g. an order to dispatch. */
  writeNode(args: WriteNodeArgs): Promise<WriteNodeResult>;
  /** Raw messages that could not be mapped, newest first, with reason, payload (cut) and mapping version. */
  listRejected(query?: RejectedQuery): Promise<RejectedMessage[]>;
  /** Command (audited): runs the current mapping again over chosen rejected messages; none makes a second event. */
  replayRejected(args: ReplayRejectedArgs): Promise<ReplayResult>;
  /** Sparkplug B: the edge nodes (and their devices) the host connections have seen, online / stale / offline. */
  listSparkplugNodes(): Promise<SparkplugNodeInfo[]>;
  /** Enterprise publish: backlog, oldest unpublished age, last acknowledged sequence. */
  getEnterpriseStatus(): Promise<EnterpriseStatus>;
}

/**
 * The whole PlantDesk API, as the preload (window.plantdesk), the WebSocket client and the agent (ApiService) offer
 * it: the plant views and streams above, sessions and accounts, the audit, the exceptions workspace, the console's
 * views and reconciliation. API_QUERIES, API_COMMANDS and API_STREAMS name its methods by kind.
 */
export type PlantDeskContract = PlantDeskApi & SessionApi & UsersApi & AuditApi & ExceptionsApi & ConsoleViewsApi & ReconciliationApi;

export const API_QUERIES = ['getHealth', 'getQueue', 'getDashboard', 'listEvents', 'listCertificates', 'exportOwnCertificate', 'browse', 'listRejected', 'getEnterpriseStatus', 'listSparkplugNodes', 'verifyAudit', 'listExceptions', 'getException', 'recheckException', 'exportAuditCsv', 'listOrders', 'traceRecord', 'getQuality', 'getDiagnostics', 'listReconciliation'] as const satisfies readonly (keyof (PlantDeskApi & AuditApi & ExceptionsApi & ConsoleViewsApi & ReconciliationApi))[];
export type ApiQuery = (typeof API_QUERIES)[number];
export const API_STREAMS = ['onDashboard'] as const satisfies readonly (keyof PlantDeskApi)[];
export type ApiStream = (typeof API_STREAMS)[number];

export type StreamValue<S extends ApiStream> = Parameters<Parameters<PlantDeskApi[S]>[0]>[0];

export function isApiQuery(name: unknown): name is ApiQuery {
  return typeof name === 'string' && (API_QUERIES as readonly string[]).includes(name);
}
export function isApiStream(name: unknown): name is ApiStream {
  return typeof name === 'string' && (API_STREAMS as readonly string[]).includes(name);
}

/**
 * Commands change state (or show accounts) and are audited. The agent accepts one only from a logged-in user
 * holding one of its COMMAND_ROLES, and only from this machine (loopback HTTP/WebSocket, the Electron IPC bridge)
 * until LAN mode brings TLS (issue 8); the audit names the user.
 */
export const API_COMMANDS = ['trustCertificate', 'replayRejected', 'writeNode', 'listUsers', 'createUser', 'setUserRoles', 'resetPassword', 'disableUser', 'correctException', 'voidException', 'retryException', 'bulkCorrect', 'approveCorrection', 'rejectCorrection', 'reconcileOrders'] as const satisfies readonly (keyof (PlantDeskApi & UsersApi & ExceptionsApi & ReconciliationApi))[];
export type ApiCommand = (typeof API_COMMANDS)[number];
export function isApiCommand(name: unknown): name is ApiCommand {
  return typeof name === 'string' && (API_COMMANDS as readonly string[]).includes(name);
}

/** The roles that may run each command, checked in one place (main/agent/apiDispatch.ts) for every transport. */
export const COMMAND_ROLES: Readonly<Record<ApiCommand, readonly Role[]>> = {
  trustCertificate: ['engineer'],
  replayRejected: ['engineer'],
  writeNode: ['supervisor', 'engineer'],
  listUsers: ['admin'],
  createUser: ['admin'],
  setUserRoles: ['admin'],
  resetPassword: ['admin'],
  disableUser: ['admin'],
  // The exceptions workspace (issue 6): supervisors correct, void, retry and approve records.
  correctException: ['supervisor'],
  voidException: ['supervisor'],
  retryException: ['supervisor'],
  bulkCorrect: ['supervisor'],
  approveCorrection: ['supervisor'],
  rejectCorrection: ['supervisor'],
  // Asks the ERP now; what it finds is a view for everyone.
  reconcileOrders: ['supervisor', 'engineer'],
};

/** Results cross process boundaries as values, never as thrown errors. */
export type ApiError = { readonly code: 'bad_request' | 'not_found' | 'forbidden' | 'internal' | 'unauthorized'; readonly message: string };
export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export const API_BASE_PATH = '/api/v1';
export const API_WS_PATH = `${API_BASE_PATH}/ws`;

/** HTTP GET routes for the queries; open without login on 127.0.0.1. */
export const API_HTTP_ROUTES: Readonly<Record<ApiQuery, string>> = {
  getHealth: `${API_BASE_PATH}/health`,
  getQueue: `${API_BASE_PATH}/queue`,
  getDashboard: `${API_BASE_PATH}/dashboard`,
  listEvents: `${API_BASE_PATH}/events`,
  listCertificates: `${API_BASE_PATH}/opcua/certificates`,
  /** Answers with the certificate itself (DER, or PEM with ?format=pem) as application/x-x509-ca-cert. */
  exportOwnCertificate: `${API_BASE_PATH}/opcua/certificate/own`,
  browse: `${API_BASE_PATH}/opcua/browse`,
  listRejected: `${API_BASE_PATH}/rejected`,
  listSparkplugNodes: `${API_BASE_PATH}/sparkplug/nodes`,
  getEnterpriseStatus: `${API_BASE_PATH}/enterprise`,
  verifyAudit: `${API_BASE_PATH}/audit/verify`,
  listExceptions: `${API_BASE_PATH}/exceptions`,
  getException: `${API_BASE_PATH}/exceptions/detail`,
  recheckException: `${API_BASE_PATH}/exceptions/recheck`,
  /** Answers with the CSV file itself (text/csv) over HTTP; as an AuditCsv value over the WebSocket and IPC. */
  exportAuditCsv: `${API_BASE_PATH}/audit/export.csv`,
  listOrders: `${API_BASE_PATH}/orders`,
  traceRecord: `${API_BASE_PATH}/trace`,
  getQuality: `${API_BASE_PATH}/quality`,
  getDiagnostics: `${API_BASE_PATH}/diagnostics`,
  listReconciliation: `${API_BASE_PATH}/reconciliation`,
};

/** HTTP POST routes for the commands: JSON body, loopback only, answers like the queries. */
export const API_COMMAND_ROUTES: Readonly<Record<ApiCommand, string>> = {
  trustCertificate: `${API_BASE_PATH}/opcua/certificates/trust`,
  replayRejected: `${API_BASE_PATH}/rejected/replay`,
  writeNode: `${API_BASE_PATH}/opcua/write`,
  listUsers: `${API_BASE_PATH}/users/list`,
  createUser: `${API_BASE_PATH}/users/create`,
  setUserRoles: `${API_BASE_PATH}/users/roles`,
  resetPassword: `${API_BASE_PATH}/users/password`,
  disableUser: `${API_BASE_PATH}/users/disable`,
  correctException: `${API_BASE_PATH}/exceptions/correct`,
  voidException: `${API_BASE_PATH}/exceptions/void`,
  retryException: `${API_BASE_PATH}/exceptions/retry`,
  bulkCorrect: `${API_BASE_PATH}/exceptions/bulk`,
  approveCorrection: `${API_BASE_PATH}/exceptions/approve`,
  rejectCorrection: `${API_BASE_PATH}/exceptions/reject`,
  reconcileOrders: `${API_BASE_PATH}/reconciliation/run`,
};

/** WebSocket wire messages (browser mode); the Electron IPC bridge carries the same shapes. */
export type ApiRequestMessage =
  | { readonly type: 'call'; readonly id: number; readonly method: ApiQuery | ApiCommand | ApiSessionMethod; readonly params?: unknown }
  | { readonly type: 'subscribe'; readonly stream: ApiStream };
export type ApiResponseMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: ApiResult<unknown> }
  | { readonly type: 'event'; readonly stream: ApiStream; readonly value: unknown };
