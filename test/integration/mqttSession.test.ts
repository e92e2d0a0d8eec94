// Persistent sessions: messages published while the source is stopped (PlantDesk restarting) wait at the broker
// and arrive when it starts again, with MQTT 3.1.1 and with MQTT 5 (where that takes a session expiry).
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttSourceOptions } from '../../connectors/mqtt/index.js';
import { startMosquitto, watchMqttSource, type Mosquitto } from '../helpers/mosquitto.js';

describe('MQTT source persistent session across a PlantDesk restart', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  const publish = async (topic: string, payloads: string[]): Promise<void> => {
    const publisher = await mqtt.connectAsync(broker.url, { clientId: `pd-session-pub-${Math.random()}` });
    for (const p of payloads) await publisher.publishAsync(topic, p, { qos: 1 });
    await publisher.endAsync();
  };

  /** Connects once (subscribes), stops, publishes while stopped, starts again: what does the second run get? */
  async function receivedAfterRestart(options: Omit<MqttSourceOptions, 'name' | 'topics' | 'url'>, topic: string): Promise<string[]> {
    const first = watchMqttSource({ url: broker.url, ...options });
    await first.until('connected');
    await first.stop();
    await publish(topic, ['r1', 'r2', 'r3']);
    const second = watchMqttSource({ url: broker.url, ...options });
    try {
      await second.until('connected');
      // Give a session that exists time to deliver; the control case expects nothing.
      const deadline = Date.now() + 1500;
      while (second.payloads.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return [...second.payloads];
    } finally {
      await second.stop();
    }
  }

  it('MQTT 5: the session (7 days by default) keeps what was published while the source was stopped', async () => {
    expect(await receivedAfterRestart({ clientId: 'pd-v5-session', protocolVersion: 5 }, 't/v5/a')).toEqual(['r1', 'r2', 'r3']);
    // The broker saw an MQTT 5 client (p5) with a persistent session (c0).
    expect(broker.log()).toMatch(/as pd-v5-session \(p5, c0, k60\)/);
  });

  it('MQTT 5 control: with sessionExpiryS 0 the broker ends the session at disconnect and the messages are gone', async () => {
    expect(await receivedAfterRestart({ clientId: 'pd-v5-nosession', protocolVersion: 5, sessionExpiryS: 0 }, 't/v5/b')).toEqual([]);
  });

  it('MQTT 3.1.1: the persistent session keeps them too', async () => {
    expect(await receivedAfterRestart({ clientId: 'pd-v4-session', protocolVersion: 4, keepaliveS: 30 }, 't/v4/a')).toEqual(['r1', 'r2', 'r3']);
    expect(broker.log()).toMatch(/as pd-v4-session \(p2, c0, k30\)/);
  });
});
