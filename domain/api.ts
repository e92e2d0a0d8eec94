// The PlantDesk API: one contract shared by the agent (implements it), the Electron preload (IPC) and the
// browser WebSocket client. The renderer only ever sees this interface.
import { z } from 'zod';
import { EVENT_STATUSES, type EventStatus } from './lifecycle.js';
import type { RuleViolation } from './validation.js';
import type { BrowseQuery, BrowseResult, CertificateList, OwnCertificateExport, TrustCertificateArgs, TrustCertificateResult } from './opcuaApi.js';
import type { RejectedMessage, RejectedQuery, ReplayRejectedArgs, ReplayResult } from './mapping/rejectedApi.js';

export * from './opcuaApi.js';
export * from './mapping/rejectedApi.js';

export interface Health {
  readonly status: 'ok' | 'degraded';
  /** The ERP plant this PlantDesk serves, e.g. "1010". */
  readonly plant: string;
  readonly version: string;
  readonly startedAt: string;
  readonly uptimeS: number;
  /** True when the agent runs the built-in demo plant instead of a configured one. */
  readonly demo: boolean;
}

export type QueueCounts = Readonly<Record<EventStatus, number>> & {
  /** Raw messages that could not be mapped to an event (bad payloads), with a reason each. */
  readonly rejected: number;
  /** Age in seconds of the oldest event still on its way to the ERP (mapped, ready or sending). */
  readonly oldestPendingAgeS: number | null;
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
  /** Raw messages that could not be mapped, newest first, with reason, payload (cut) and mapping version. */
  listRejected(query?: RejectedQuery): Promise<RejectedMessage[]>;
  /** Command (audited): runs the current mapping again over chosen rejected messages; none makes a second event. */
  replayRejected(args: ReplayRejectedArgs): Promise<ReplayResult>;
}

export const API_QUERIES = ['getHealth', 'getQueue', 'getDashboard', 'listEvents', 'listCertificates', 'exportOwnCertificate', 'browse', 'listRejected'] as const satisfies readonly (keyof PlantDeskApi)[];
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
 * Commands change state and are audited. Until logins exist (issue 6) the agent accepts them only from this
 * machine (loopback HTTP/WebSocket, the Electron IPC bridge) and records the actor as 'local-console'.
 */
export const API_COMMANDS = ['trustCertificate', 'replayRejected'] as const satisfies readonly (keyof PlantDeskApi)[];
export type ApiCommand = (typeof API_COMMANDS)[number];
export function isApiCommand(name: unknown): name is ApiCommand {
  return typeof name === 'string' && (API_COMMANDS as readonly string[]).includes(name);
}

/** Results cross process boundaries as values, never as thrown errors. */
export type ApiError = { readonly code: 'bad_request' | 'not_found' | 'forbidden' | 'internal'; readonly message: string };
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
};

/** HTTP POST routes for the commands: JSON body, loopback only, answers like the queries. */
export const API_COMMAND_ROUTES: Readonly<Record<ApiCommand, string>> = {
  trustCertificate: `${API_BASE_PATH}/opcua/certificates/trust`,
  replayRejected: `${API_BASE_PATH}/rejected/replay`,
};

/** WebSocket wire messages (browser mode); the Electron IPC bridge carries the same shapes. */
export type ApiRequestMessage =
  | { readonly type: 'call'; readonly id: number; readonly method: ApiQuery | ApiCommand; readonly params?: unknown }
  | { readonly type: 'subscribe'; readonly stream: ApiStream };
export type ApiResponseMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: ApiResult<unknown> }
  | { readonly type: 'event'; readonly stream: ApiStream; readonly value: unknown };
