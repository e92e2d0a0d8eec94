// The broker restarts mid-stream (mosquitto with persistence, stopped and started on the same port) while a
// publisher keeps publishing QoS 1 with its own retries: the source reconnects by itself, and every message the
// broker acknowledged to the publisher reaches the sink (redeliveries allowed: the store dedups by key).
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, watchMqttSource, type Mosquitto, type WatchedSource } from '../helpers/mosquitto.js';

const MESSAGES = 1500;
const OUTAGE_MS = 1500;

describe('MQTT source across a broker restart', () => {
  let broker: Mosquitto;
  let src: WatchedSource | undefined;
  beforeAll(async () => {
    broker = await startMosquitto({ persistence: true });
  });
  afterAll(async () => {
    await src?.stop();
    await broker?.stop();
  });

  it('reconnects on its own and receives every message the broker acknowledged, none missing', async () => {
    const received = new Map<number, number>();
    src = watchMqttSource({ url: broker.url, clientId: 'pd-restart', reconnect: { minMs: 100, maxMs: 800 } }, async (m) => {
      const seq = (JSON.parse(m.payload.toString()) as { seq: number }).seq;
      received.set(seq, (received.get(seq) ?? 0) + 1);
      // A commit takes a moment, so some messages are in flight (received, not yet acknowledged) at the restart.
      await new Promise((r) => setImmediate(r));
    });
    await src.until('connected');

    // The publisher's own session and retries: unacknowledged QoS 1 messages are resent when it reconnects.
    const publisher = await mqtt.connectAsync(broker.url, { clientId: 'pd-restart-pub', clean: false, reconnectPeriod: 100 });
    const acked = new Set<number>();
    const settled: Promise<void>[] = [];
    const restartAt = Math.floor(MESSAGES / 3);
    let restart: Promise<void> | undefined;
    const beforeRestart = src.statuses.length;
    for (let seq = 0; seq < MESSAGES; seq++) {
      settled.push(publisher.publishAsync('t/restart', JSON.stringify({ seq }), { qos: 1 }).then(() => void acked.add(seq), () => undefined));
      if (seq === restartAt) {
        restart = (async () => {
          await broker.halt();
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          await broker.resume();
        })();
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await restart;
    await Promise.race([Promise.all(settled), new Promise((r) => setTimeout(r, 15_000))]);
    await publisher.endAsync();

    // The outage was seen (not connected), and the source came back by itself.
    const during = src.statuses.slice(beforeRestart);
    expect(during.some((s) => s === 'disconnected' || s.startsWith('error'))).toBe(true);
    await src.until('connected', { after: beforeRestart + 1 });
    expect(acked.size).toBe(MESSAGES);
    await expect.poll(() => [...acked].filter((seq) => !received.has(seq)).length, { timeout: 15_000 }).toBe(0);
    const duplicates = [...received.values()].filter((n) => n > 1).length;
    console.info(`broker restart: ${acked.size} acknowledged, ${received.size} distinct received, ${duplicates} redelivered`);
  });
});
