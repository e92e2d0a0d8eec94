// The demo MQTT broker: loopback only, long client ids, persistent sessions that keep QoS 1 messages
// for a disconnected subscriber, and a stop() that closes everything.

import { createConnection } from 'node:net';
import { connect, connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoBroker, type DemoBroker } from '../../sim/plant/broker.js';

let broker: DemoBroker | undefined;

afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

describe('demo broker', () => {
  it('listens on 127.0.0.1 at a free port and relays QoS 1', async () => {
    broker = await startDemoBroker();
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(broker.port).toBeGreaterThan(0);
    const sub = await connectAsync(broker.url);
    const pub = await connectAsync(broker.url);
    try {
      const got = new Promise<string>((resolve) => sub.on('message', (_t, p) => resolve(p.toString())));
      await sub.subscribeAsync('a/b', { qos: 1 });
      await pub.publishAsync('a/b', 'hello', { qos: 1 });
      expect(await got).toBe('hello');
    } finally {
      await Promise.all([sub.endAsync(), pub.endAsync()]);
    }
  });

  it('keeps a persistent session (clean:false) and delivers what was published while away', async () => {
    broker = await startDemoBroker();
    const clientId = 'plantdesk-agent-1010-persistent-session';
    const opts = { clientId, clean: false, reconnectPeriod: 0 } as const;

    const first = await connectAsync(broker.url, opts);
    await first.subscribeAsync('plantdesk/demo/1010/+/confirmation', { qos: 1 });
    await first.endAsync();

    const pub = await connectAsync(broker.url);
    for (const n of [1, 2, 3]) await pub.publishAsync('plantdesk/demo/1010/L1/confirmation', `m${n}`, { qos: 1 });
    await pub.endAsync();

    const got: string[] = [];
    let sessionPresent: boolean | undefined;
    // connect() opens the socket on a later tick, so listeners attached now see the first CONNACK.
    const again = connect(broker.url, opts);
    again.on('connect', (connack) => (sessionPresent = connack.sessionPresent));
    again.on('message', (_t, p) => got.push(p.toString()));
    try {
      const until = Date.now() + 5000;
      while (got.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(sessionPresent).toBe(true);
      expect(got).toEqual(['m1', 'm2', 'm3']);
    } finally {
      await again.endAsync();
    }
  });

  it('accepts client ids over 23 characters from MQTT 3.1 clients', async () => {
    broker = await startDemoBroker();
    const old = await connectAsync(broker.url, { clientId: 'line-7-press-controller-0042', protocolId: 'MQIsdp', protocolVersion: 3, reconnectPeriod: 0 });
    expect(old.connected).toBe(true);
    await old.endAsync();
  });

  it('starts on a given port', async () => {
    const probe = await startDemoBroker();
    const port = probe.port;
    await probe.stop();
    broker = await startDemoBroker({ port });
    expect(broker.url).toBe(`mqtt://127.0.0.1:${port}`);
  });

  it('stop() disconnects clients and frees the port', async () => {
    broker = await startDemoBroker();
    const { port } = broker;
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await broker.stop();
    await closed;
    await client.endAsync();
    const refused = await new Promise<string>((resolve) => {
      const s = createConnection(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await broker.stop(); // idempotent
  });
});
