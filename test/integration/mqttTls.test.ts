// MQTT over TLS against a real mosquitto with certificates made by the test: the broker is verified against the
// configured CA and name, PlantDesk presents a client certificate, and every refusal is said in plain words.
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, startMosquitto, watchMqttSource, type Mosquitto, type TestPki, type WatchedSource } from '../helpers/mosquitto.js';

describe('MQTT source over TLS (mosquitto, require_certificate)', () => {
  let pki: TestPki;
  let broker: Mosquitto;
  let rogue: Mosquitto;
  const sources: WatchedSource[] = [];

  beforeAll(async () => {
    pki = createTestPki();
    broker = await startMosquitto({ tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, requireCertificate: true } });
    // A broker whose certificate was signed by a CA PlantDesk has not been told to trust.
    rogue = await startMosquitto({ tls: { caFile: pki.caFile, certFile: pki.rogueServerCertFile, keyFile: pki.rogueServerKeyFile } });
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.stop()));
    await broker?.stop();
    await rogue?.stop();
    pki?.remove();
  });

  const watch = (...args: Parameters<typeof watchMqttSource>): WatchedSource => {
    const watched = watchMqttSource(...args);
    sources.push(watched);
    return watched;
  };
  const clientTls = () => ({ caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });

  it('verifies the broker against the CA, presents a client certificate and receives messages', async () => {
    expect(broker.url).toMatch(/^mqtts:\/\//);
    const src = watch({ url: broker.url, clientId: 'pd-tls-ok', tls: clientTls() });
    await src.until('connected');
    const publisher = await mqtt.connectAsync(broker.url, {
      clientId: 'pd-tls-pub', ca: readFileSync(pki.caFile), cert: readFileSync(pki.clientCertFile), key: readFileSync(pki.clientKeyFile),
    });
    for (const n of [1, 2, 3]) await publisher.publishAsync('t/tls', `m${n}`, { qos: 1 });
    await publisher.endAsync();
    await expect.poll(() => src.payloads, { timeout: 5000 }).toEqual(['m1', 'm2', 'm3']);
  });

  it('accepts the tls:// alias and the host name localhost (in the certificate)', async () => {
    const src = watch({ url: `tls://localhost:${broker.port}`, clientId: 'pd-tls-alias', tls: clientTls() });
    await src.until('connected');
  });

  it('refuses a broker certificate from a CA it does not trust, and says so with the URL', async () => {
    const src = watch({ url: rogue.url, clientId: 'pd-tls-rogue', tls: { caFile: pki.caFile }, reconnect: { minMs: 200, maxMs: 400 } });
    const line = await src.until('error');
    expect(line).toContain(rogue.url);
    expect(line).toMatch(/certificate is not trusted \(certificate verify failed: [A-Z_]+\); set tls\.caFile/);
    // It keeps trying, and it never pretends to be connected.
    await new Promise((r) => setTimeout(r, 700));
    expect(src.statuses.some((s) => s === 'connected')).toBe(false);
  });

  it('refuses a broker whose certificate is not for the configured servername', async () => {
    const src = watch({ url: broker.url, clientId: 'pd-tls-name', tls: { ...clientTls(), servername: 'mes.plant.example' } });
    const line = await src.until('error');
    expect(line).toContain(broker.url);
    expect(line).toMatch(/TLS hostname mismatch.*mes\.plant\.example/);
    expect(src.statuses).not.toContain('connected');
  });

  it('says so when the broker requires a client certificate and none is configured', async () => {
    const src = watch({ url: broker.url, clientId: 'pd-tls-nocert', tls: { caFile: pki.caFile } });
    const line = await src.until('error');
    expect(line).toMatch(/requires a client certificate: set tls\.certFile and tls\.keyFile/);
    expect(src.statuses).not.toContain('connected');
  });

  it('rejectUnauthorized false connects to the untrusted broker (the escape hatch exists and works)', async () => {
    const src = watch({ url: rogue.url, clientId: 'pd-tls-insecure', tls: { rejectUnauthorized: false } });
    await src.until('connected');
  });
});
