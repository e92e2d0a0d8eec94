// MQTT source: subscribes with a persistent session and acknowledges a QoS 1 message only after the sink
// has committed it, so the broker keeps (and redelivers) anything PlantDesk has not made durable.
// Transports and TLS are built in transport.ts, reconnects follow backoff.ts, status words come from errors.ts.
import mqtt, { type MqttClient } from 'mqtt';
import { AckQueue } from './ackQueue.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { describeBrokerDisconnect, describeMqttError, displayUrl, subscribeFailureReason } from './errors.js';
import { LinkStatus, type MqttStatusListener } from './linkStatus.js';
import { topicMatches } from './topicFilter.js';
import { buildClientOptions, type TransportOptions } from './transport.js';

export type { MqttStatusListener } from './linkStatus.js';
export type { MqttTlsOptions } from './transport.js';
export type { BackoffPolicy } from './backoff.js';

export interface MqttTopicMapping {
  readonly filter: string;
  /** The message type the mapper applies, e.g. 'confirmation' or 'quality'. */
  readonly type: string;
}

/**
 * One broker. Defaults: MQTT 3.1.1, keepalive 60 s, reconnect backoff 1-30 s with full jitter, TLS verified.
 * @example startMqttSource({ name: 'mes', url: 'mqtts://mes:8883', clientId: 'plantdesk-1010',
 *   tls: { caFile: '/etc/plantdesk/mes-ca.pem' }, topics: [{ filter: 'plant/1010/+/confirmation', type: 'confirmation' }] }, sink, onStatus)
 */
export interface MqttSourceOptions extends TransportOptions {
  readonly name: string;
  readonly topics: readonly MqttTopicMapping[];
  /** Reconnect backoff; default { minMs: 1000, maxMs: 30000 }. */
  readonly reconnect?: Partial<BackoffPolicy>;
  /** A fixed reconnect delay instead of the backoff (tests); ignored when `reconnect` is given. */
  readonly reconnectPeriodMs?: number;
}

export interface IncomingMqttMessage {
  readonly source: string;
  readonly topic: string;
  readonly type: string;
  readonly payload: Buffer;
  readonly receivedAt: number;
}

/** Resolves once the message is durably committed; rejects when it was not (then it is not acknowledged). */
export type MqttMessageSink = (message: IncomingMqttMessage) => Promise<unknown>;

export const STOP_ACK_WAIT_MS = 2000;
/** A link that stayed up this long ends a run of failures: the next loss starts the backoff from its minimum. */
export const STABLE_LINK_MS = 10_000;

/** Tells mqtt.js not to send the PUBACK itself (see handleMessage below; the Sparkplug source does the same). */
export const ACK_LATER = new Error('PUBACK is sent after the commit');

/**
 * Writes a PUBACK on the connection the message came in on. After a reconnect the broker redelivers what was
 * not acknowledged (stored once thanks to its idempotency key), and a packet id from the old connection may
 * already name another message, so a late ack is dropped rather than sent on the new connection.
 */
export function sendPuback(client: MqttClient, stream: MqttClient['stream'], messageId: number): void {
  if (!client.connected || client.stream !== stream) return;
  // mqtt.js has no public way to acknowledge later; _sendPacket with noStore writes straight to the socket.
  (client as unknown as { _sendPacket(packet: object, cb?: () => void, cbStorePut?: () => void, noStore?: boolean): void })._sendPacket(
    { cmd: 'puback', messageId },
    undefined,
    undefined,
    true,
  );
}

/** The reconnect schedule of a source: `reconnect`, else a fixed `reconnectPeriodMs`, else the default backoff. */
export function backoffPolicy(options: Pick<MqttSourceOptions, 'reconnect' | 'reconnectPeriodMs'>): BackoffPolicy {
  if (options.reconnect === undefined && options.reconnectPeriodMs !== undefined) {
    return { minMs: options.reconnectPeriodMs, maxMs: options.reconnectPeriodMs };
  }
  const minMs = options.reconnect?.minMs ?? DEFAULT_BACKOFF.minMs;
  return { minMs, maxMs: Math.max(minMs, options.reconnect?.maxMs ?? DEFAULT_BACKOFF.maxMs) };
}

export interface MqttSource {
  stop(): Promise<void>;
}

export function startMqttSource(options: MqttSourceOptions, sink: MqttMessageSink, onStatus: MqttStatusListener): MqttSource {
  const status = new LinkStatus(onStatus);
  status.connecting();
  let built: ReturnType<typeof buildClientOptions>;
  try {
    built = buildClientOptions(options);
  } catch (error) {
    // A TLS file that vanished since the configuration was checked: nothing to connect with until a restart.
    status.failed(`${displayUrl(options.url)}: ${(error as Error).message}`);
    return { stop: async () => status.stopped() };
  }
  const policy = backoffPolicy(options);
  const backoff = new Backoff(policy);
  const client: MqttClient = mqtt.connect(built.url, built.clientOptions);

  let stopping = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let resubscribeTimer: NodeJS.Timeout | undefined;
  let subscribedAt: number | undefined;

  // Subscribing again on a resumed session is harmless and covers a broker that lost the session.
  // `connected` only when the broker granted every filter; a refused filter is named, and asked for again later.
  const subscribe = (): void => {
    const stream = client.stream;
    const filters = [...new Set(options.topics.map((t) => t.filter))];
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
        return;
      }
      subscribedAt = Date.now();
      status.connected();
    });
  };

  // Whether the broker answered CONNECT on the current connection, and whether an error was reported for it:
  // a link that closes before the answer, without an error, is a failure too.
  let connackReceived = false;
  let linkFailed = false;
  client.on('connect', () => {
    connackReceived = true;
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
    if (stopping) return;
    if (!connackReceived && !linkFailed) {
      status.failed(`${displayUrl(options.url)}: the connection closed before the broker answered (not an MQTT port, or the broker turned this client away)`);
    }
    status.closed();
    if (subscribedAt !== undefined && Date.now() - subscribedAt >= STABLE_LINK_MS) backoff.reset();
    subscribedAt = undefined;
    // mqtt.js only knows a fixed reconnect period; the source schedules every attempt itself.
    if (reconnectTimer !== undefined) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (!stopping) client.reconnect();
    }, backoff.next());
  });

  // mqtt.js processes incoming packets one at a time and sends a PUBACK when handleMessage's callback
  // succeeds. Acknowledging inside the callback would mean one commit per message; instead the callback
  // reports "no ack" (mqtt.js then sends none and moves on) and the PUBACK is written here once the group
  // commit holding the message is durable, in the order the messages arrived (MQTT-4.6.0-2).
  const failed = (topic: string, error: unknown): void => {
    status.failed(`could not store a message from ${topic}: ${(error as Error).message}`);
    // The broker redelivers unacknowledged messages when the session resumes: drop the link to get them back.
    client.stream?.destroy();
  };
  const acks = new AckQueue<MqttClient['stream']>(
    (stream, messageId) => sendPuback(client, stream, messageId),
    (error, topic) => failed(topic, error),
  );
  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') return callback();
    const mapping = options.topics.find((t) => topicMatches(t.filter, packet.topic));
    const committed = sink({
      source: options.name,
      topic: packet.topic,
      type: mapping?.type ?? 'unmapped',
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      receivedAt: Date.now(),
    });
    if (packet.qos === 0 || packet.messageId === undefined) {
      committed.catch((error: unknown) => failed(packet.topic, error));
      return callback();
    }
    acks.add(client.stream, packet.messageId, committed, packet.topic);
    callback(ACK_LATER);
  };

  return {
    async stop() {
      stopping = true;
      clearTimeout(reconnectTimer);
      clearTimeout(resubscribeTimer);
      // Acknowledge what gets committed in the next moments before leaving; anything later is redelivered.
      await Promise.race([acks.drained(), new Promise((resolve) => setTimeout(resolve, STOP_ACK_WAIT_MS).unref())]);
      await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
      status.stopped();
    },
  };
}
