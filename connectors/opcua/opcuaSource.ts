// OPC UA source: one client session per server, a subscription with a monitored item per mapped signal;
// every data change goes to the sink, which commits it before the agent derives anything from it.
// Before it connects, a source checks its security settings, discovers the server's endpoints, picks the one
// matching its mode and policy and checks the server certificate against PlantDesk's PKI (security.ts, pki.ts).
import {
  AttributeIds, DataChangeFilter, DataChangeTrigger, DeadbandType, OPCUAClient, TimestampsToReturn,
  type ClientSession, type ClientSubscription, type DataValue, type EndpointDescription,
} from 'node-opcua';
import type { ConnectionState } from '../../domain/index.js';
import { browseChildren, type BrowseChildren } from './browse.js';
import { describeCertificate } from './certificateInfo.js';
import { discoverEndpoints } from './discovery.js';
import { IdentityConfigError, toUserIdentityInfo } from './identity.js';
import { SubscriptionWatchdog } from './subscriptionWatchdog.js';
import { writeNodeValue, type WriteOutcome, type WritePlan } from './writeNode.js';
import { OpcuaWriteError, type WriteValue } from './writeValue.js';
import { OPCUA_APPLICATION_NAME, OpcuaPki } from './pki.js';
import {
  effectiveSecurity, identityRefusal, securityRefusal, securityWarning, selectEndpoint, toMessageSecurityMode,
  toSecurityPolicyUri, type OpcuaSecuritySettings,
} from './security.js';

export type SignalRole = 'good' | 'scrap' | 'state' | 'stateReason' | 'order';

export interface OpcuaSignal {
  readonly line: string;
  readonly role: SignalRole;
  readonly nodeId: string;
}

/** A node the configuration lets PlantDesk write: a line's dispatchOrder, or an entry of the source's writable list. */
export interface OpcuaWritableNode {
  readonly nodeId: string;
  /** e.g. "L1 dispatchOrder", or the name given in writable:; used in messages and the audit log. */
  readonly label: string;
}

/**
 * @example startOpcuaSource({ name: 'plc', endpoint: 'opc.tcp://10.0.0.5:4840', securityMode: 'SignAndEncrypt',
 *   securityPolicy: 'Basic256Sha256', samplingIntervalMs: 500, publishingIntervalMs: 1000, signals, pki }, sink, onStatus)
 */
export interface OpcuaSourceOptions extends OpcuaSecuritySettings {
  readonly name: string;
  readonly endpoint: string;
  readonly samplingIntervalMs: number;
  readonly publishingIntervalMs: number;
  readonly signals: readonly OpcuaSignal[];
  /** Nodes that may be written (write()); none when absent. Every other node is refused before anything is sent. */
  readonly writable?: readonly OpcuaWritableNode[];
  /** Values the server queues per monitored item between publishes. Default 10. */
  readonly queueSize?: number;
  /** Absolute deadband on the counters (roles good and scrap). Default 0: every change. */
  readonly deadband?: number;
  /** PlantDesk's PKI, shared by all sources (OpcuaPki.open under <dataDir>/pki/opcua). */
  readonly pki?: OpcuaPki;
  /** Without `pki`: the source opens a PKI of its own here and disposes it on stop (benchmarks, tools). */
  readonly pkiDir?: string;
  /** Delays between connect attempts: doubling from initialDelayMs (default 1 s) to maxDelayMs (default 10 s) while
   *  the server is unreachable; actionDelayMs (default 30 s) while it waits for an engineer (certificate, endpoint). */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number; readonly actionDelayMs?: number };
}

export interface OpcuaSample {
  readonly source: string;
  readonly signal: OpcuaSignal;
  readonly value: number | string | null;
  /** Server's source timestamp (ms) when given, else the receive time. */
  readonly sourceTime: number;
  readonly receivedAt: number;
}

export type OpcuaSampleSink = (sample: OpcuaSample) => void;
export type OpcuaStatusListener = (state: ConnectionState, error?: string) => void;
/** The connection works but is weaker than it should be (insecure settings, a certificate about to expire); null clears. */
export type OpcuaWarningListener = (warning: string | null) => void;

export class OpcuaNotConnectedError extends Error {}

export interface OpcuaSource {
  /** The children of a node (default the Objects folder); throws OpcuaNotConnectedError while not connected. */
  browse(nodeId?: string): Promise<BrowseChildren>;
  /**
   * Writes one value to a configured writable node (writeNode.ts): OpcuaWriteError before anything is sent when the
   * node is not writable in the configuration or the value does not fit its DataType; OpcuaNotConnectedError while
   * the connection is down (a write is never held for later). `beforeWrite` runs just before the write is sent.
   */
  write(nodeId: string, value: WriteValue, beforeWrite: (plan: WritePlan) => void): Promise<WriteOutcome>;
  /** Tries again now if the source is waiting between attempts (after a certificate was trusted, for example). */
  reconnect(): void;
  stop(): Promise<void>;
}

interface Failure {
  readonly state: ConnectionState;
  readonly message: string;
  /** Needs an engineer (trust, config): retried slowly; otherwise with backoff. */
  readonly needsAction: boolean;
}

function toSampleValue(dataValue: DataValue): number | string | null {
  const value: unknown = dataValue.value?.value;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** Monitored items per CreateMonitoredItems request: within what PLC servers accept per call (often 1,000). */
const CREATE_BATCH = 500;

/** Signals in batches of one filter each: an absolute deadband only on numeric counters (a server refuses one on a string). */
export function monitoredItemBatches(signals: readonly OpcuaSignal[], deadband: number): { signals: OpcuaSignal[]; filter: DataChangeFilter | null }[] {
  const isCounter = (s: OpcuaSignal): boolean => deadband > 0 && (s.role === 'good' || s.role === 'scrap');
  const counters = signals.filter(isCounter);
  const others = signals.filter((s) => !isCounter(s));
  const filter = new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: DeadbandType.Absolute, deadbandValue: deadband });
  const chunks = (list: OpcuaSignal[], f: DataChangeFilter | null) =>
    Array.from({ length: Math.ceil(list.length / CREATE_BATCH) }, (_, i) => ({ signals: list.slice(i * CREATE_BATCH, (i + 1) * CREATE_BATCH), filter: f }));
  return [...chunks(counters, filter), ...chunks(others, null)];
}

/** Publishing intervals a subscription may stay quiet before it must send a keep-alive. */
const KEEP_ALIVE_COUNT = 10;

const firstLine = (text: string): string => text.split('\n')[0]?.trim() ?? text;

/** Plain words for what went wrong while opening the channel or the session. */
function describeConnectFailure(error: Error, pki: OpcuaPki): Failure {
  const message = firstLine(error.message);
  if (/BadSecurityChecksFailed|BadCertificateUntrusted|BadCertificateInvalid/.test(message)) {
    const own = pki.ownCertificate().info;
    return {
      state: 'error', needsAction: true,
      message: `the server refused PlantDesk's certificate (${message.match(/Bad\w+/)?.[0] ?? message}): add PlantDesk's own certificate ` +
        `(Certificates in the console, SHA-1 ${own.sha1Thumbprint}) to the server's trusted certificates`,
    };
  }
  if (/BadUserAccessDenied|BadIdentityToken/.test(message)) {
    return { state: 'error', needsAction: true, message: `the server refused the user identity (${message.match(/Bad\w+/)?.[0]}): check userIdentity of the source` };
  }
  return { state: 'disconnected', needsAction: false, message: `cannot connect: ${message}` };
}

/** Names what the node is to this source, if anything, and how to make a node writable. */
function notWritableMessage(options: OpcuaSourceOptions, nodeId: string): string {
  const mapped = options.signals.find((s) => s.nodeId === nodeId);
  const writable = (options.writable ?? []).map((w) => `${w.nodeId} (${w.label})`).join(', ') || 'none';
  const what = mapped ? `is mapped as ${mapped.line} ${mapped.role} on source ${options.name} but not marked writable` : `is not in the configuration of source ${options.name}`;
  return `${nodeId} ${what}; writable nodes: ${writable} (a line's dispatchOrder or the source's writable: list)`;
}

export async function startOpcuaSource(options: OpcuaSourceOptions, sink: OpcuaSampleSink, onStatus: OpcuaStatusListener, onWarning?: OpcuaWarningListener): Promise<OpcuaSource> {
  if (!options.pki && !options.pkiDir) throw new Error(`OPC UA source ${options.name}: give pki or pkiDir`);
  const ownPki = options.pki ? undefined : await OpcuaPki.open(options.pkiDir!);
  const pki = options.pki ?? ownPki!;
  const refusal = securityRefusal(options);
  if (refusal) {
    onStatus('error', refusal);
    return {
      browse: () => Promise.reject(new OpcuaNotConnectedError(`OPC UA source ${options.name} is not connected: ${refusal}`)),
      write: () => Promise.reject(new OpcuaNotConnectedError(`OPC UA source ${options.name} is not connected: ${refusal}`)),
      reconnect: () => undefined,
      stop: async () => ownPki?.dispose(),
    };
  }
  const security = effectiveSecurity(options);
  const identity = options.userIdentity ?? { type: 'anonymous' as const };
  const initialDelayMs = options.retry?.initialDelayMs ?? 1000;
  const maxDelayMs = options.retry?.maxDelayMs ?? 10_000;
  const actionDelayMs = options.retry?.actionDelayMs ?? 30_000;
  const insecureWarning = securityWarning(options);
  onWarning?.(insecureWarning);

  let stopped = false;
  let client: OPCUAClient | undefined;
  let session: ClientSession | undefined;
  let subscription: ClientSubscription | undefined;
  let lastProblem = 'not connected yet';
  /** The channel is up (node-opcua holds requests made while it repairs a connection: writes must not be). */
  let channelUp = false;
  let wake: (() => void) | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });

  /** Subscribes to every signal; answers the items the server refused (e.g. an unknown node id). */
  const subscribe = async (s: ClientSession): Promise<string[]> => {
    subscription = await s.createSubscription2({
      requestedPublishingInterval: options.publishingIntervalMs,
      requestedLifetimeCount: 100,
      requestedMaxKeepAliveCount: KEEP_ALIVE_COUNT,
      maxNotificationsPerPublish: 1000,
      publishingEnabled: true,
      priority: 10,
    });
    // Every publish response, data or keep-alive, shows the subscription is alive on the server.
    subscription.on('raw_notification', () => watchdog.alive());
    // Items are created in batches, one CreateMonitoredItems request each, and awaited: one request per item made
    // 10,000 items take seconds after the source said connected (bench opcua), and a PLC limits the items per call.
    const problems: string[] = [];
    for (const batch of monitoredItemBatches(options.signals, options.deadband ?? 0)) {
      const group = await subscription.monitorItems(
        batch.signals.map((signal) => ({ nodeId: signal.nodeId, attributeId: AttributeIds.Value })),
        { samplingInterval: options.samplingIntervalMs, discardOldest: true, queueSize: options.queueSize ?? 10, filter: batch.filter },
        TimestampsToReturn.Both,
      );
      group.on('changed', (_item: unknown, dataValue: DataValue, index: number) => {
        const signal = batch.signals[index]!;
        const receivedAt = Date.now();
        try {
          sink({ source: options.name, signal, value: toSampleValue(dataValue), sourceTime: dataValue.sourceTimestamp?.getTime() ?? receivedAt, receivedAt });
        } catch (error) {
          onStatus('error', `could not store a value of ${signal.nodeId}: ${(error as Error).message}`);
        }
      });
      group.monitoredItems.forEach((item, i) => {
        if (item.statusCode.isNotGood()) problems.push(`${batch.signals[i]!.nodeId}: ${item.statusCode.toString()}`);
      });
    }
    return problems;
  };

  /** Checks the server certificate of the chosen endpoint; returns a failure, or the certificate to pin. */
  const checkServerCertificate = async (endpoint: EndpointDescription): Promise<Failure | Buffer | undefined> => {
    if (security.mode === 'None') return undefined;
    const certificate = endpoint.serverCertificate;
    if (!certificate || certificate.length === 0) return { state: 'error', needsAction: true, message: `the server at ${options.endpoint} sent no certificate for a secure endpoint` };
    pki.noteServerCertificate(certificate, options.name, options.endpoint);
    const info = describeCertificate(certificate);
    const verdict = await pki.checkServerCertificate(certificate);
    if (!verdict.trusted) {
      return {
        state: 'error', needsAction: true,
        message: `the server certificate ${info.subject} (SHA-1 ${info.sha1Thumbprint}) ${verdict.words} (${verdict.status}); ` +
          `an engineer can trust it under Certificates in the console (it is in ${pki.rejectedFolder})`,
      };
    }
    const expiry = info.expiryWarning ? `the server certificate ${info.subject} expires in ${info.daysToExpiry} days` : null;
    onWarning?.([insecureWarning, expiry].filter((w) => w !== null).join('; ') || null);
    return certificate;
  };

  const attempt = async (): Promise<Failure | null> => {
    onStatus('connecting');
    let endpoints: EndpointDescription[];
    try {
      endpoints = await discoverEndpoints(options.endpoint, pki);
    } catch (error) {
      return { state: 'disconnected', needsAction: false, message: `endpoint discovery at ${options.endpoint} failed: ${firstLine((error as Error).message)}` };
    }
    const choice = selectEndpoint(endpoints, security, options.endpoint);
    if (!choice.ok) return { state: 'error', needsAction: true, message: choice.message };
    const identityProblem = identityRefusal(choice.endpoint, identity.type);
    if (identityProblem) return { state: 'error', needsAction: true, message: identityProblem };
    const pinned = await checkServerCertificate(choice.endpoint);
    if (pinned !== undefined && !Buffer.isBuffer(pinned)) return pinned;
    let userIdentity;
    try {
      userIdentity = toUserIdentityInfo(identity);
    } catch (error) {
      if (error instanceof IdentityConfigError) return { state: 'error', needsAction: true, message: error.message };
      throw error;
    }

    const c = OPCUAClient.create({
      applicationName: OPCUA_APPLICATION_NAME,
      applicationUri: pki.applicationUri,
      certificateFile: pki.certificateFile,
      privateKeyFile: pki.privateKeyFile,
      clientCertificateManager: pki.certificateManager,
      endpointMustExist: false,
      securityMode: toMessageSecurityMode(security.mode),
      securityPolicy: toSecurityPolicyUri(security.policy),
      // Checked above against PlantDesk's PKI; node-opcua uses it as is, also when it reconnects.
      ...(pinned ? { serverCertificate: pinned } : {}),
      keepSessionAlive: true,
      // Retry forever once connected: a PLC that is off for a weekend must be picked up again without anyone's help.
      connectionStrategy: { maxRetry: -1, initialDelay: initialDelayMs, maxDelay: maxDelayMs },
    });
    client = c;
    c.on('connection_lost', () => {
      channelUp = false;
      watchdog.pause();
      onStatus('disconnected', 'connection to the OPC UA server lost');
    });
    c.on('connection_reestablished', () => {
      // node-opcua now repairs the session and subscription; if they stay silent, the watchdog starts afresh.
      channelUp = true;
      watchdog.resume();
      onStatus('connected');
    });
    let refusedItems: string[] = [];
    c.on('backoff', (retry: number, delay: number) => onStatus('connecting', `connect attempt ${retry} failed; next in ${Math.round(delay / 1000)} s`));
    try {
      await c.connect(options.endpoint);
      session = await c.createSession(userIdentity);
      refusedItems = await subscribe(session);
    } catch (error) {
      subscription = undefined;
      session = undefined;
      client = undefined;
      await c.disconnect().catch(() => undefined);
      if (stopped) return null;
      return describeConnectFailure(error as Error, pki);
    }
    if (stopped) return null;
    lastProblem = '';
    channelUp = true;
    watchdog.resume();
    onStatus('connected');
    // The other items deliver; the refused ones stay on the connection until the configuration is fixed.
    if (refusedItems.length > 0) onStatus('error', `the server refused ${refusedItems.length} monitored item(s): ${refusedItems.join('; ')}`);
    return null;
  };

  /** The subscription went silent while the channel is up: drop client, session and subscription, connect anew. */
  const recover = async (silentForMs: number): Promise<void> => {
    watchdog.pause();
    channelUp = false;
    const [c, s, sub] = [client, session, subscription];
    client = undefined;
    session = undefined;
    subscription = undefined;
    onStatus('connecting', `no data or keep-alive from the subscription for ${Math.round(silentForMs / 1000)} s; opening a new session and subscription`);
    const bounded = (p: Promise<unknown> | undefined): Promise<unknown> => Promise.race([p?.catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    await bounded(sub?.terminate());
    await bounded(s?.close());
    await bounded(c?.disconnect());
    if (!stopped) running = run();
  };
  const watchdog = new SubscriptionWatchdog({ keepAlivePeriodMs: options.publishingIntervalMs * KEEP_ALIVE_COUNT, onSilent: recover });

  const writable = new Map((options.writable ?? []).map((w) => [w.nodeId, w]));
  const offTrusted = pki.onTrusted(() => wake?.());
  const run = async (): Promise<void> => {
    let failures = 0;
    while (!stopped) {
      const failure = await attempt().catch((error: Error): Failure => ({ state: 'error', needsAction: false, message: firstLine(error.message) }));
      if (stopped || failure === null) return; // connected: node-opcua's reconnection takes over from here
      failures++;
      const delay = failure.needsAction ? actionDelayMs : Math.min(maxDelayMs, initialDelayMs * 2 ** (failures - 1));
      lastProblem = failure.message;
      onStatus(failure.state, `${failure.message} (next attempt in ${Math.max(1, Math.round(delay / 1000))} s)`);
      await sleep(delay);
    }
  };
  let running = run();
  watchdog.start();

  return {
    async browse(nodeId) {
      if (!session || !client) throw new OpcuaNotConnectedError(`OPC UA source ${options.name} is not connected${lastProblem ? `: ${lastProblem}` : ''}`);
      return browseChildren(session, nodeId);
    },
    async write(nodeId, value, beforeWrite) {
      const target = writable.get(nodeId);
      if (!target) throw new OpcuaWriteError('not_writable', notWritableMessage(options, nodeId));
      const connectedSession = (): ClientSession => {
        if (!session || !client || !channelUp || session.isReconnecting) {
          throw new OpcuaNotConnectedError(`OPC UA source ${options.name} is not connected${lastProblem ? `: ${lastProblem}` : ''}; the write to ${nodeId} was not sent (it is never held for later)`);
        }
        return session;
      };
      return writeNodeValue(connectedSession(), nodeId, value, { beforeWrite, assertConnected: () => void connectedSession() });
    },
    reconnect() {
      wake?.();
    },
    async stop() {
      stopped = true;
      watchdog.stop();
      offTrusted();
      wake?.();
      // A connect in progress retries forever; disconnecting ends it, so the attempt returns.
      if (client && !session) await client.disconnect().catch(() => undefined);
      await running;
      await subscription?.terminate().catch(() => undefined);
      await session?.close().catch(() => undefined);
      await client?.disconnect().catch(() => undefined);
      await ownPki?.dispose();
    },
  };
}
