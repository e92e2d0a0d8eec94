// Reconnects are spaced by the source's backoff (not mqtt.js's fixed period), and a failing broker address is
// described in plain words with its URL: refused, unknown host, or something that is not an MQTT broker.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, watchMqttSource, type WatchedSource } from '../helpers/mosquitto.js';

describe('MQTT source reconnects and failure words', () => {
  let src: WatchedSource | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await src?.stop();
    src = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('says "connection refused" with the URL when nothing listens', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    src = watchMqttSource({ url, clientId: 'pd-refused' });
    expect(await src.until('error')).toBe(`error: ${url}: connection refused: nothing listens at that address and port (is the broker running?)`);
  });

  it('says "host name not found" for a host that does not resolve', async () => {
    src = watchMqttSource({ url: 'mqtt://broker.invalid:1883', clientId: 'pd-nohost' });
    expect(await src.until('error')).toMatch(/^error: mqtt:\/\/broker\.invalid:1883: host name (not found \(DNS\)|lookup failed)/);
  });

  it('spaces attempts by the backoff: between minMs and maxMs, and reports an endpoint that is not a broker', async () => {
    // Accepts every connection and closes it at once: each attempt fails without an MQTT answer.
    const attempts: number[] = [];
    server = createServer((socket) => {
      attempts.push(Date.now());
      socket.destroy();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const minMs = 100;
    const maxMs = 600;
    src = watchMqttSource({ url, clientId: 'pd-backoff', reconnect: { minMs, maxMs } });
    expect(await src.until('error')).toBe(`error: ${url}: the connection closed before the broker answered (not an MQTT port, or the broker turned this client away)`);
    await new Promise((r) => setTimeout(r, 3500));
    await src.stop();
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // 3.5 s at a fixed minMs would be ~35 attempts; mqtt.js's own period (1 s) would give gaps of 1000 ms.
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    expect(gaps.length).toBeLessThan(25);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(minMs - 15);
      expect(gap).toBeLessThanOrEqual(maxMs + 300);
    }
    // The status stayed on the error through the retries: no flicker back to "connecting".
    expect(src.statuses.filter((s) => s === 'connecting')).toHaveLength(1);
  });
});
