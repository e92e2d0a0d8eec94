// Username/password against mosquitto with a password file and an ACL: the right login receives, a wrong one
// is named as bad credentials (MQTT 3.1.1 and 5). A subscription the broker refuses (SUBACK 0x80) is named in
// the status: mosquitto 2.0's acl_file never refuses a SUBSCRIBE (it filters delivery), so that case runs
// against aedes with an authorizeSubscribe hook.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createBroker } from 'aedes';
import { createPasswordFile, startMosquitto, watchMqttSource, type Mosquitto, type WatchedSource } from '../helpers/mosquitto.js';

describe('MQTT source with username/password (mosquitto password_file, acl_file)', () => {
  let dir: string;
  let broker: Mosquitto;
  const sources: WatchedSource[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pd-mqtt-auth-'));
    const passwordFile = createPasswordFile(dir, { plantdesk: 'right-secret', mes: 'mes-secret' });
    const aclFile = join(dir, 'acl');
    writeFileSync(aclFile, ['user plantdesk', 'topic read plant/#', '', 'user mes', 'topic write plant/#', ''].join('\n'));
    broker = await startMosquitto({ passwordFile, aclFile });
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.stop()));
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const watch = (...args: Parameters<typeof watchMqttSource>): WatchedSource => {
    const watched = watchMqttSource(...args);
    sources.push(watched);
    return watched;
  };
  const publish = async (topic: string, payloads: string[]): Promise<void> => {
    const publisher = await mqtt.connectAsync(broker.url, { clientId: `pd-auth-pub-${Math.random()}`, username: 'mes', password: 'mes-secret' });
    for (const p of payloads) await publisher.publishAsync(topic, p, { qos: 1 });
    await publisher.endAsync();
  };
  const plantTopics = [{ filter: 'plant/#', type: 'confirmation' }];

  it('logs in with the right password and receives', async () => {
    const src = watch({ url: broker.url, clientId: 'pd-auth-ok', username: 'plantdesk', password: 'right-secret', topics: plantTopics });
    await src.until('connected');
    await publish('plant/1010/L1/confirmation', ['a1', 'a2']);
    await expect.poll(() => src.payloads, { timeout: 5000 }).toEqual(['a1', 'a2']);
  });

  it.each([4, 5] as const)('MQTT %i: a wrong password is reported as bad credentials, with the broker URL', async (protocolVersion) => {
    const src = watch({
      url: broker.url, clientId: `pd-auth-bad-${protocolVersion}`, username: 'plantdesk', password: 'wrong', topics: plantTopics, protocolVersion,
      reconnect: { minMs: 200, maxMs: 400 },
    });
    const line = await src.until('error');
    expect(line).toContain(broker.url);
    expect(line).toMatch(/the broker refused the connection: (not authorized: )?bad username or password.* \(CONNACK (4|5|134|135)\)/);
    // It keeps retrying (an administrator may fix the password file) but never claims to be connected.
    await new Promise((r) => setTimeout(r, 600));
    expect(src.statuses).not.toContain('connected');
    expect(broker.log()).toMatch(/disconnected, not authori[sz]ed/);
  });

});

describe('MQTT source with a subscription the broker refuses (aedes authorizeSubscribe)', () => {
  const require = createRequire(import.meta.url);
  const createAedes = require('aedes') as typeof createBroker;
  const aedes = createAedes();
  // Refuse secret/# (SUBACK 0x80), grant everything else.
  aedes.authorizeSubscribe = (_client, sub, done) => done(null, sub.topic.startsWith('secret/') ? null : sub);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  let url = '';
  let src: WatchedSource | undefined;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await src?.stop();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('names the refused filter in the status, never shows connected, and keeps receiving on the granted ones', async () => {
    src = watchMqttSource({ url, clientId: 'pd-suback', topics: [{ filter: 'plant/#', type: 'confirmation' }, { filter: 'secret/#', type: 'quality' }] });
    const line = await src.until('error', { error: /refused the subscription/ });
    expect(line).toBe(`error: ${url}: the broker refused the subscription to secret/#: refused (0x80)`);
    const publisher = await mqtt.connectAsync(url, { clientId: 'pd-suback-pub' });
    await publisher.publishAsync('plant/1010/L1/confirmation', 'c1', { qos: 1 });
    await publisher.endAsync();
    await expect.poll(() => src?.payloads, { timeout: 5000 }).toEqual(['c1']);
    expect(src.statuses).not.toContain('connected');
  });
});
