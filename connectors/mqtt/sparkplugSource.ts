// Sparkplug B host over MQTT: a new clean session for every CONNECT, its will the host's STATE death; then the
// host's subscriptions and its STATE birth. Every message is consumed by SparkplugHost synchronously in arrival
// order, handed with the host's verdict to the sink, which commits it; only then is it acknowledged and are the
// host's actions (rebirth requests) published. Transport, TLS, backoff and status words are mqttSource.ts's.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff, type BackoffPolicy } from './backoff.js';
import { describeBrokerDisconnect, describeMqttError, displayUrl, subscribeFailureReason } from './errors.js';
import { LinkStatus, type MqttStatusListener } from './linkStatus.js';
import { ACK_LATER, backoffPolicy, sendPuback, STABLE_LINK_MS, STOP_ACK_WAIT_MS } from './mqttSource.js';
import {
  executeSparkplugActions, hostStateDeath, SparkplugHost, sparkplugHostSession, type SparkplugAction, type SparkplugActionOutcome,
  type SparkplugConsumeResult, type SparkplugHostOptions, type SparkplugHostSession, type SparkplugNodeStatus, type SparkplugPublish,
} from './sparkplug/index.js';
import { readSparkplugHeader, type SparkplugHeader } from './sparkplugHeader.js';
import { buildClientOptions, type TransportOptions } from './transport.js';

export type { SparkplugHeader } from './sparkplugHeader.js';

/**
 * One broker, one Sparkplug host id. Sparkplug 3.0 wants a clean session (3.1.1: clean=true; 5: clean start,
 * session expiry 0), so nothing is queued for PlantDesk while it is away: after any reconnect the host treats
 * every node as stale and asks for a rebirth at its next message. Defaults as for MQTT sources.
 * @example startSparkplugSource({ name: 'edge', url: 'mqtt://broker:1883', clientId: 'plantdesk-1010-spb',
 *   hostId: 'plantdesk-1010', groups: ['Plant1010'] }, sink, onStatus)
 */
export interface SparkplugSourceOptions extends Omit<TransportOptions, 'sessionExpiryS'> {
  readonly name: string;
  /** The host application id: PlantDesk's STATE is published on `spBv1.0/STATE/{hostId}`. */
  readonly hostId: string;
  /** Sparkplug group ids to subscribe to; default all (`+`). */
  readonly groups?: readonly string[];
  /** Stale period, rebirth policy, payload limit and time window of SparkplugHost (its defaults otherwise). */
  readonly host?: Omit<SparkplugHostOptions, 'hostId'>;
  /** Reconnect backoff; default { minMs: 1000, maxMs: 30000 }. */
  readonly reconnect?: Partial<BackoffPolicy>;
  /** A fixed reconnect delay instead of the backoff (tests); ignored when `reconnect` is given. */
  readonly reconnectPeriodMs?: number;
  /** What became of the host's actions (rebirth requests, STATE birth again), once published or failed. */
  readonly onActions?: (outcomes: readonly SparkplugActionOutcome[]) => void;
}

export interface IncomingSparkplugMessage {
  readonly source: string;
  readonly topic: string;
  /** The bytes as received. */
  readonly payload: Buffer;
  readonly receivedAt: number;
  /** The host's verdict: accepted metrics, or the reason it was refused. Already consumed, in arrival order. */
  readonly result: SparkplugConsumeResult;
  /** seq and timestamp as on the wire, for an idempotency key. */
  readonly header: SparkplugHeader;
}

/** Resolves once the message is durably committed; a rejection drops the connection (a new session follows). */
export type SparkplugMessageSink = (message: IncomingSparkplugMessage) => Promise<unknown>;

export interface SparkplugSource {
  readonly hostId: string;
  /** The edge nodes and devices seen so far, with their liveness now. */
  nodes(): readonly SparkplugNodeStatus[];
  /** Publishes the STATE death (online:false) if connected, then disconnects. */
  stop(): Promise<void>;
}

function willOf(message: SparkplugPublish): NonNullable<IClientOptions['will']> {
  return { topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain };
}

/** The transport's options turned into a Sparkplug host session: clean, with the session's will. */
export function sparkplugClientOptions(base: IClientOptions, session: SparkplugHostSession): IClientOptions {
  const options: IClientOptions = { ...base, clean: true, will: willOf(session.will) };
  // MQTT 5: session expiry 0 ends the session with the connection (the transport's default is 7 days).
  if (base.protocolVersion === 5) options.properties = { ...base.properties, sessionExpiryInterval: 0 };
  else delete options.properties;
  return options;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export function startSparkplugSource(options: SparkplugSourceOptions, sink: SparkplugMessageSink, onStatus: MqttStatusListener): SparkplugSource {
  const status = new LinkStatus(onStatus);
  status.connecting();
  const host = new SparkplugHost({ ...options.host, hostId: options.hostId });
  const newSession = (): SparkplugHostSession => sparkplugHostSession(options.hostId, Date.now(), options.groups);
  let session: SparkplugHostSession;
  let built: ReturnType<typeof buildClientOptions>;
  try {
    session = newSession();
    built = buildClientOptions(options);
  } catch (error) {
    // A bad host or group id (the configuration checks them) or a TLS file that vanished since it was checked.
    status.failed(`${displayUrl(options.url)}: ${(error as Error).message}`);
    return { hostId: options.hostId, nodes: () => host.status(), stop: async () => status.stopped() };
  }
  const policy = backoffPolicy(options);
  const backoff = new Backoff(policy);
  const client: MqttClient = mqtt.connect(built.url, sparkplugClientOptions(built.clientOptions, session));

  let stopping = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let resubscribeTimer: NodeJS.Timeout | undefined;
  let subscribedAt: number | undefined;
  // Per connection: the broker answered CONNECT; an error was reported; every filter granted; STATE birth acknowledged.
  let connackReceived = false;
  let linkFailed = false;
  let granted = false;
  let birthRequested = false;
  let birthSent = false;

  const connectedIfReady = (): void => {
    if (!granted || !birthSent) return;
    subscribedAt ??= Date.now();
    status.connected();
  };

  // Sparkplug 3.0: the STATE birth goes out after the subscriptions, once per session, QoS 1 and retained.
  const publishBirth = (stream: MqttClient['stream'], current: SparkplugHostSession): void => {
    const birth = current.birth;
    client.publish(birth.topic, birth.payload, { qos: birth.qos, retain: birth.retain }, (error) => {
      if (stopping || client.stream !== stream || !client.connected) return;
      if (error) {
        status.failed(`${displayUrl(options.url)}: could not publish the host STATE to ${birth.topic}: ${error.message}`);
        client.stream.destroy();
        return;
      }
      birthSent = true;
      connectedIfReady();
    });
  };

  const subscribe = (): void => {
    const stream = client.stream;
    const current = session;
    const filters = current.subscriptions.map((s) => s.topic);
    client.subscribe(filters, { qos: 1 }, (error, _granted, packet) => {
      if (stopping || client.stream !== stream || !client.connected) return;
      const codes = packet?.granted ?? [];
      const refused = filters.flatMap((filter, i) => {
        const code = codes[i];
        return typeof code === 'number' && code >= 0x80 ? [`${filter}: ${subscribeFailureReason(code)}`] : [];
      });
      if (refused.length > 0 || error) {
        const what = refused.length > 0 ? `the broker refused the subscription to ${refused.join('; ')}` : `subscribing failed: ${(error as Error).message}`;
        status.failed(`${displayUrl(options.url)}: ${what}`);
        resubscribeTimer = setTimeout(subscribe, policy.maxMs);
      } else {
        granted = true;
      }
      // The granted filters flow; the birth says PlantDesk is listening to them.
      if (!error && codes.length > 0 && !birthRequested) {
        birthRequested = true;
        publishBirth(stream, current);
      }
      connectedIfReady();
    });
  };

  client.on('connect', () => {
    connackReceived = true;
    granted = false;
    birthSent = false;
    birthRequested = false;
    subscribe();
  });
  client.on('reconnect', () => {
    connackReceived = false;
    linkFailed = false;
    status.connecting();
  });
  client.on('error', (error) => {
    if (stopping) return;
    linkFailed = true;
    status.failed(describeMqttError(error, options.url));
  });
  client.on('disconnect', (packet) => {
    if (stopping) return;
    linkFailed = true;
    status.failed(describeBrokerDisconnect(packet.reasonCode, options.url));
  });
  client.on('close', () => {
    clearTimeout(resubscribeTimer);
    // Messages may be missed from now on: every online node is stale until its next NBIRTH.
    host.connectionLost();
    if (stopping) return;
    if (!connackReceived && !linkFailed) {
      status.failed(`${displayUrl(options.url)}: the connection closed before the broker answered (not an MQTT port, or the broker turned this client away)`);
    }
    status.closed();
    if (subscribedAt !== undefined && Date.now() - subscribedAt >= STABLE_LINK_MS) backoff.reset();
    subscribedAt = undefined;
    if (reconnectTimer !== undefined) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (stopping) return;
      // A new session per CONNECT: its will and its birth carry the new timestamp.
      session = newSession();
      client.options.will = willOf(session.will);
      client.reconnect();
    }, backoff.next());
  });

  const act = (actions: readonly SparkplugAction[], stream: MqttClient['stream'], current: SparkplugHostSession): void => {
    // Stopping: our own STATE death comes back through the subscription, and must not be answered with a birth.
    if (stopping) return;
    // Only on the connection the message came in on: after a reconnect the host asks again when it needs to.
    if (!client.connected || client.stream !== stream) {
      options.onActions?.(actions.map((action) => ({ action, ok: false, error: 'the connection the message came in on has closed' })));
      return;
    }
    void executeSparkplugActions(actions, (m) => client.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain }), current)
      .then((outcomes) => options.onActions?.(outcomes));
  };

  // Commits are grouped by the sink; acknowledgements and actions follow in arrival order once each is durable.
  let chain: Promise<void> = Promise.resolve();
  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') return callback();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const receivedAt = Date.now();
    // Synchronously, here: the host must see the messages in the order the broker delivered them.
    const result = host.consume(packet.topic, payload, receivedAt);
    let committed: Promise<unknown>;
    try {
      committed = sink({ source: options.name, topic: packet.topic, payload, receivedAt, result, header: readSparkplugHeader(payload) });
    } catch (error) {
      committed = Promise.reject(error as Error);
    }
    const stream = client.stream;
    const current = session;
    const ackId = packet.qos === 1 ? packet.messageId : undefined;
    const failed = (error: unknown): void => {
      if (stopping) return;
      status.failed(`could not store a message from ${packet.topic}: ${(error as Error).message}; reconnecting, the edge nodes will be asked for a rebirth`);
      // The host's picture now runs ahead of the store: a new session makes every node stale until its rebirth.
      client.stream?.destroy();
    };
    chain = chain.then(() =>
      committed.then(() => {
        if (ackId !== undefined) sendPuback(client, stream, ackId);
        if (result.actions.length > 0) act(result.actions, stream, current);
      }, failed),
    );
    if (ackId === undefined) return callback();
    callback(ACK_LATER);
  };

  return {
    hostId: options.hostId,
    nodes: () => host.status(),
    async stop() {
      stopping = true;
      clearTimeout(reconnectTimer);
      clearTimeout(resubscribeTimer);
      await Promise.race([chain, wait(STOP_ACK_WAIT_MS)]);
      let ended = false;
      if (client.connected) {
        // A clean DISCONNECT discards the will, so the death is published first (Sparkplug 3.0, same timestamp).
        const death = hostStateDeath(options.hostId, session.timestamp);
        await Promise.race([client.publishAsync(death.topic, death.payload, { qos: death.qos, retain: death.retain }).catch(() => undefined), wait(STOP_ACK_WAIT_MS)]);
        ended = await Promise.race([new Promise<boolean>((resolve) => client.end(false, {}, () => resolve(true))), wait(STOP_ACK_WAIT_MS).then(() => false)]);
      }
      if (!ended) {
        // Not connected, or the DISCONNECT hung: close the socket; the broker publishes the will if it still knows us.
        client.stream?.destroy();
        await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
      }
      status.stopped();
    },
  };
}
