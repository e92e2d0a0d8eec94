// OPC UA source: one client session per server, a subscription with a monitored item per mapped signal;
// every data change goes to the sink, which commits it before the agent derives anything from it.
// Before it connects, a source checks its security settings, discovers the server's endpoints, picks the one
// matching its mode and policy and checks the server certificate against PlantDesk's PKI (security.ts, pki.ts).
import {
  AttributeIds, ClientMonitoredItem, DataChangeFilter, DataChangeTrigger, DeadbandType, OPCUAClient, TimestampsToReturn,
  type ClientSession, type ClientSubscription, type DataValue, type EndpointDescription,
} from 'node-opcua';
import type { ConnectionState } from '../../domain/index.js';
import { browseChildren, type BrowseChildren } from './browse.js';
import { describeCertificate } from './certificateInfo.js';
import { discoverEndpoints } from './discovery.js';
import { IdentityConfigError, toUserIdentityInfo } from './identity.js';
import { SubscriptionWatchdog } from './subscriptionWatchdog.js';
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

export async function startOpcuaSource(options: OpcuaSourceOptions, sink: OpcuaSampleSink, onStatus: OpcuaStatusListener, onWarning?: OpcuaWarningListener): Promise<OpcuaSource> {
  if (!options.pki && !options.pkiDir) throw new Error(`OPC UA source ${options.name}: give pki or pkiDir`);
  const ownPki = options.pki ? undefined : await OpcuaPki.open(options.pkiDir!);
  const pki = options.pki ?? ownPki!;
  const refusal = securityRefusal(options);
  if (refusal) {
    onStatus('error', refusal);
    return {
      browse: () => Promise.reject(new OpcuaNotConnectedError(`OPC UA source ${options.name} is not connected: ${refusal}`)),
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

  const subscribe = async (s: ClientSession): Promise<void> => {
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
    const deadband = options.deadband ?? 0;
    for (const signal of options.signals) {
      // A deadband only on numeric counters: a server refuses one on a string node (state, order).
      const filter = deadband > 0 && (signal.role === 'good' || signal.role === 'scrap')
        ? new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: DeadbandType.Absolute, deadbandValue: deadband })
        : null;
      const item = ClientMonitoredItem.create(
        subscription,
        { nodeId: signal.nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: options.samplingIntervalMs, discardOldest: true, queueSize: options.queueSize ?? 10, filter },
        TimestampsToReturn.Both,
      );
      item.on('changed', (dataValue: DataValue) => {
        const receivedAt = Date.now();
        try {
          sink({ source: options.name, signal, value: toSampleValue(dataValue), sourceTime: dataValue.sourceTimestamp?.getTime() ?? receivedAt, receivedAt });
        } catch (error) {
          onStatus('error', `could not store a value of ${signal.nodeId}: ${(error as Error).message}`);
        }
      });
      item.on('err', (message: string) => onStatus('error', `${signal.nodeId}: ${message}`));
    }
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
      watchdog.pause();
      onStatus('disconnected', 'connection to the OPC UA server lost');
    });
    c.on('connection_reestablished', () => {
      // node-opcua now repairs the session and subscription; if they stay silent, the watchdog starts afresh.
      watchdog.resume();
      onStatus('connected');
    });
    c.on('backoff', (retry: number, delay: number) => onStatus('connecting', `connect attempt ${retry} failed; next in ${Math.round(delay / 1000)} s`));
    try {
      await c.connect(options.endpoint);
      session = await c.createSession(userIdentity);
      await subscribe(session);
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
    watchdog.resume();
    onStatus('connected');
    return null;
  };

  /** The subscription went silent while the channel is up: drop client, session and subscription, connect anew. */
  const recover = async (silentForMs: number): Promise<void> => {
    watchdog.pause();
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
