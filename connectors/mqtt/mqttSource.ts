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

/** Must commit the message durably before returning; throwing means "not committed, do not acknowledge". */
export type MqttMessageSink = (message: IncomingMqttMessage) => void;
export type MqttStatusListener = (state: ConnectionState, error?: string) => void;

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

  // mqtt.js sends the PUBACK only after this callback succeeds; on error it sends none.
  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') return callback();
    const mapping = options.topics.find((t) => topicMatches(t.filter, packet.topic));
    try {
      sink({
        source: options.name,
        topic: packet.topic,
        type: mapping?.type ?? 'unmapped',
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        receivedAt: Date.now(),
      });
      callback();
    } catch (error) {
      onStatus('error', `could not store a message from ${packet.topic}: ${(error as Error).message}`);
      callback(error as Error);
      // The broker redelivers unacknowledged messages when the session resumes: drop the link to get them back.
      client.stream?.destroy();
    }
  };

  return {
    stop: () =>
      new Promise<void>((resolve) => {
        client.end(false, {}, () => resolve());
      }),
  };
}
