// OPC UA source: one client session per server, a subscription with a monitored item per mapped signal;
// every data change goes to the sink, which commits it before the agent derives anything from it.
import {
  AttributeIds, ClientMonitoredItem, MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy,
  TimestampsToReturn, type ClientSession, type ClientSubscription, type DataValue,
} from 'node-opcua';
import type { ConnectionState } from '../../domain/index.js';

export type SignalRole = 'good' | 'scrap' | 'state' | 'stateReason' | 'order';

export interface OpcuaSignal {
  readonly line: string;
  readonly role: SignalRole;
  readonly nodeId: string;
}

export interface OpcuaSourceOptions {
  readonly name: string;
  readonly endpoint: string;
  readonly securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  readonly securityPolicy: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
  readonly samplingIntervalMs: number;
  readonly publishingIntervalMs: number;
  readonly signals: readonly OpcuaSignal[];
  /** node-opcua's certificate manager keeps own/, trusted/, rejected/ here instead of ~/.config. */
  readonly pkiDir: string;
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

export interface OpcuaSource {
  stop(): Promise<void>;
}

function toSampleValue(dataValue: DataValue): number | string | null {
  const value: unknown = dataValue.value?.value;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

export async function startOpcuaSource(options: OpcuaSourceOptions, sink: OpcuaSampleSink, onStatus: OpcuaStatusListener): Promise<OpcuaSource> {
  const certificateManager = new OPCUACertificateManager({ rootFolder: options.pkiDir, automaticallyAcceptUnknownCertificate: false });
  const client = OPCUAClient.create({
    applicationName: 'PlantDesk',
    endpointMustExist: false,
    securityMode: MessageSecurityMode[options.securityMode],
    securityPolicy: SecurityPolicy[options.securityPolicy],
    clientCertificateManager: certificateManager,
    keepSessionAlive: true,
    // Retry forever: a PLC that is off for a weekend must be picked up again without anyone's help.
    connectionStrategy: { maxRetry: -1, initialDelay: 1000, maxDelay: 10_000 },
  });
  let stopped = false;
  let session: ClientSession | undefined;
  let subscription: ClientSubscription | undefined;

  client.on('connection_lost', () => onStatus('disconnected', 'connection to the OPC UA server lost'));
  client.on('connection_reestablished', () => onStatus('connected'));
  client.on('backoff', (retry: number, delay: number) => onStatus('connecting', `connect attempt ${retry} failed; next in ${Math.round(delay / 1000)} s`));

  const run = async (): Promise<void> => {
    onStatus('connecting');
    await client.connect(options.endpoint);
    session = await client.createSession();
    subscription = await session.createSubscription2({
      requestedPublishingInterval: options.publishingIntervalMs,
      requestedLifetimeCount: 100,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 1000,
      publishingEnabled: true,
      priority: 10,
    });
    for (const signal of options.signals) {
      const item = ClientMonitoredItem.create(
        subscription,
        { nodeId: signal.nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: options.samplingIntervalMs, discardOldest: true, queueSize: 10 },
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
    onStatus('connected');
  };

  run().catch((error: Error) => {
    if (!stopped) onStatus('error', error.message);
  });

  return {
    async stop() {
      stopped = true;
      await subscription?.terminate().catch(() => undefined);
      await session?.close().catch(() => undefined);
      await client.disconnect().catch(() => undefined);
      await certificateManager.dispose().catch(() => undefined);
    },
  };
}
