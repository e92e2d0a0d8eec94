// MQTT source: subscribes with a persistent session and acknowledges a QoS 1 message only after the sink
// has committed it, so the broker keeps (and redelivers) anything PlantDesk has not made durable.
import mqtt, { type MqttClient } from 'mqtt';
import type { ConnectionState } from '../../domain/index.js';
import { topicMatches } from './topicFilter.js';

export interface MqttTopicMapping {
  readonly filter: string;
  /** The message type the mapper applies, e.g. 'confirmation' or 'quality'. */
  readonly type: string;
}

export interface MqttSourceOptions {
  readonly name: string;
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly topics: readonly MqttTopicMapping[];
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
export type MqttStatusListener = (state: ConnectionState, error?: string) => void;

const STOP_ACK_WAIT_MS = 2000;

/** Tells mqtt.js not to send the PUBACK itself (see handleMessage below). */
const ACK_LATER = new Error('PUBACK is sent after the commit');

/**
 * Writes a PUBACK on the connection the message came in on. After a reconnect the broker redelivers what was
 * not acknowledged (stored once thanks to its idempotency key), and a packet id from the old connection may
 * already name another message, so a late ack is dropped rather than sent on the new connection.
 */
function sendPuback(client: MqttClient, stream: MqttClient['stream'], messageId: number): void {
  if (!client.connected || client.stream !== stream) return;
  // mqtt.js has no public way to acknowledge later; _sendPacket with noStore writes straight to the socket.
  (client as unknown as { _sendPacket(packet: object, cb?: () => void, cbStorePut?: () => void, noStore?: boolean): void })._sendPacket(
    { cmd: 'puback', messageId },
    undefined,
    undefined,
    true,
  );
}

export interface MqttSource {
  stop(): Promise<void>;
}

export function startMqttSource(options: MqttSourceOptions, sink: MqttMessageSink, onStatus: MqttStatusListener): MqttSource {
  onStatus('connecting');
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: options.clientId,
    // A persistent session: messages published while PlantDesk is down wait at the broker.
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: options.reconnectPeriodMs ?? 2000,
    connectTimeout: 10_000,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  });

  client.on('connect', () => {
    onStatus('connected');
    // Subscribing again on a resumed session is harmless and covers a broker that lost the session.
    const filters = Object.fromEntries(options.topics.map((t) => [t.filter, { qos: 1 as const }]));
    client.subscribe(filters, (error) => {
      if (error) onStatus('error', `subscribe failed: ${error.message}`);
    });
  });
  client.on('reconnect', () => onStatus('connecting'));
  client.on('close', () => onStatus('disconnected'));
  client.on('error', (error) => onStatus('error', error.message));

  // mqtt.js processes incoming packets one at a time and sends a PUBACK when handleMessage's callback
  // succeeds. Acknowledging inside the callback would mean one commit per message; instead the callback
  // reports "no ack" (mqtt.js then sends none and moves on) and the PUBACK is written here once the group
  // commit holding the message is durable, in the order the messages arrived (MQTT-4.6.0-2).
  let ackChain: Promise<void> = Promise.resolve();
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
    const failed = (error: unknown): void => {
      onStatus('error', `could not store a message from ${packet.topic}: ${(error as Error).message}`);
      // The broker redelivers unacknowledged messages when the session resumes: drop the link to get them back.
      client.stream?.destroy();
    };
    if (packet.qos === 0 || packet.messageId === undefined) {
      committed.catch(failed);
      return callback();
    }
    const stream = client.stream;
    const messageId = packet.messageId;
    ackChain = ackChain.then(() => committed.then(() => sendPuback(client, stream, messageId), failed));
    callback(ACK_LATER);
  };

  return {
    async stop() {
      // Acknowledge what gets committed in the next moments before leaving; anything later is redelivered.
      await Promise.race([ackChain, new Promise((resolve) => setTimeout(resolve, STOP_ACK_WAIT_MS).unref())]);
      await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    },
  };
}
