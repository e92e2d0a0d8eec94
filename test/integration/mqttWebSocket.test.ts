// MQTT over WebSocket (ws://) and secure WebSocket (wss://). Debian's mosquitto 2.0.11 is built without
// libwebsockets (`protocol websockets` fails with "Unable to start any listening sockets"), so the test puts a
// WebSocket endpoint (the ws library, subprotocol "mqtt") in front of a real mosquitto's TCP port.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPki, startMosquitto, startWebSocketFront, watchMqttSource, type Mosquitto, type TestPki, type WatchedSource, type WebSocketFront,
} from '../helpers/mosquitto.js';

describe('MQTT source over WebSocket', () => {
  let pki: TestPki;
  let broker: Mosquitto;
  let ws: WebSocketFront;
  let wss: WebSocketFront;
  const sources: WatchedSource[] = [];

  beforeAll(async () => {
    pki = createTestPki();
    broker = await startMosquitto();
    ws = await startWebSocketFront(broker.port);
    wss = await startWebSocketFront(broker.port, { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile });
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.stop()));
    await ws?.stop();
    await wss?.stop();
    await broker?.stop();
    pki?.remove();
  });

  const watch = (...args: Parameters<typeof watchMqttSource>): WatchedSource => {
    const watched = watchMqttSource(...args);
    sources.push(watched);
    return watched;
  };
  const publish = async (topic: string, payloads: string[]): Promise<void> => {
    const publisher = await mqtt.connectAsync(broker.url, { clientId: `pd-ws-pub-${Math.random()}` });
    for (const p of payloads) await publisher.publishAsync(topic, p, { qos: 1 });
    await publisher.endAsync();
  };

  it('receives over ws:// and acknowledges after the commit (a failed commit is redelivered over WebSocket too)', async () => {
    expect(ws.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    let failOnce = true;
    const src = watch({ url: ws.url, clientId: 'pd-ws', reconnect: { minMs: 100, maxMs: 200 } }, async (m) => {
      if (m.payload.toString() === 'w2' && failOnce) {
        failOnce = false;
        throw new Error('disk full');
      }
    });
    await src.until('connected');
    await publish('t/ws', ['w1', 'w2', 'w3']);
    await expect.poll(() => src.payloads.filter((p) => p === 'w2').length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => new Set(src.payloads), { timeout: 5000 }).toEqual(new Set(['w1', 'w2', 'w3']));
  });

  it('receives over wss:// with the broker verified against tls.caFile', async () => {
    const src = watch({ url: wss.url, clientId: 'pd-wss', tls: { caFile: pki.caFile } });
    await src.until('connected');
    await publish('t/wss', ['s1', 's2']);
    await expect.poll(() => src.payloads, { timeout: 5000 }).toEqual(['s1', 's2']);
  });

  it('refuses a wss:// server whose certificate is not for tls.servername', async () => {
    const src = watch({ url: wss.url, clientId: 'pd-wss-name', tls: { caFile: pki.caFile, servername: 'mes.plant.example' } });
    const line = await src.until('error');
    expect(line).toContain(wss.url);
    expect(line).toMatch(/TLS hostname mismatch/);
    expect(src.statuses).not.toContain('connected');
  });

  it('refuses a wss:// server without the CA, naming the certificate problem', async () => {
    const src = watch({ url: wss.url, clientId: 'pd-wss-noca' });
    const line = await src.until('error');
    expect(line).toMatch(/certificate is not trusted \(certificate verify failed/);
  });
});
