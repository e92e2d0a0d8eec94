// The Sparkplug source's own logic with mqtt.js replaced by a fake client and fake timers: a clean session whose
// will is the STATE death, the birth after SUBACK, a new session per CONNECT, and per message: consume in order,
// commit, then PUBACK and the host's actions; a failed commit drops the link.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IncomingSparkplugMessage } from '../../../../connectors/mqtt/sparkplugSource.js';
import { decodePayload, nbirth, ndata, T0, topic } from './sparkplugFixtures.js';

/** The fake clock: just after the fixtures' timestamps, so the host finds them plausible. */
const NOW = T0 + 1000;

interface Published { topic: string; payload: Buffer; opts: { qos: number; retain: boolean } }

class FakeClient extends EventEmitter {
  connected = false;
  stream = { destroy: vi.fn() };
  reconnects = 0;
  subscriptions: { filters: string[]; callback: (error: Error | null, granted?: unknown, packet?: { granted: number[] }) => void }[] = [];
  published: Published[] = [];
  pendingPublishes: ((error?: Error) => void)[] = [];
  acks: number[] = [];
  ended: boolean[] = [];
  handleMessage!: (packet: Record<string, unknown>, callback: (error?: Error) => void) => void;
  constructor(readonly url: string, readonly options: Record<string, unknown>) {
    super();
  }
  subscribe(filters: string[], _opts: unknown, callback: FakeClient['subscriptions'][number]['callback']): void {
    this.subscriptions.push({ filters, callback });
  }
  publish(t: string, payload: Buffer, opts: Published['opts'], callback: (error?: Error) => void): void {
    this.published.push({ topic: t, payload, opts });
    this.pendingPublishes.push(callback);
  }
  publishAsync(t: string, payload: Buffer, opts: Published['opts']): Promise<void> {
    this.published.push({ topic: t, payload, opts });
    return Promise.resolve();
  }
  _sendPacket(packet: { cmd: string; messageId: number }): void {
    this.acks.push(packet.messageId);
  }
  reconnect(): void {
    this.reconnects++;
    this.stream = { destroy: vi.fn() };
    this.emit('reconnect');
  }
  end(force: boolean, _opts: unknown, callback: () => void): void {
    this.ended.push(force);
    this.connected = false;
    callback();
  }
  /** CONNACK, then SUBACK with these codes, then the PUBACK of the STATE birth. */
  accept(granted?: number[]): void {
    this.connected = true;
    this.emit('connect', { returnCode: 0 });
    const sub = this.subscriptions.at(-1)!;
    sub.callback(null, undefined, { granted: granted ?? sub.filters.map(() => 1) });
    this.pendingPublishes.shift()?.();
  }
  lose(): void {
    this.connected = false;
    this.emit('close');
  }
  /** A PUBLISH from the broker; resolves with what mqtt.js's callback was told (ACK_LATER or nothing). */
  deliver(t: string, payload: Buffer, messageId: number, qos = 1): Error | undefined {
    let told: Error | undefined;
    this.handleMessage({ cmd: 'publish', topic: t, payload, qos, messageId }, (error) => (told = error));
    return told;
  }
}

const clients: FakeClient[] = [];
vi.mock('mqtt', () => ({
  default: {
    connect: (url: string, options: Record<string, unknown>) => {
      const client = new FakeClient(url, options);
      clients.push(client);
      return client;
    },
  },
}));

const { sparkplugClientOptions, startSparkplugSource } = await import('../../../../connectors/mqtt/sparkplugSource.js');
const { sparkplugHostSession } = await import('../../../../connectors/mqtt/sparkplug/index.js');

type Sink = (message: IncomingSparkplugMessage) => Promise<unknown>;

function start(sink: Sink = async () => undefined, options: Partial<Parameters<typeof startSparkplugSource>[0]> = {}) {
  const statuses: string[] = [];
  const received: IncomingSparkplugMessage[] = [];
  const actions: string[] = [];
  const source = startSparkplugSource(
    {
      name: 'edge', url: 'mqtt://broker:1883', clientId: 'pd-spb', hostId: 'pd', groups: ['Plant1010'], reconnect: { minMs: 1000, maxMs: 1000 },
      onActions: (outcomes) => actions.push(...outcomes.map((o) => `${o.action.kind}:${o.ok ? 'ok' : (o as { error: string }).error}`)),
      ...options,
    },
    (message) => {
      received.push(message);
      return sink(message);
    },
    (state, error) => statuses.push(error ? `${state}: ${error}` : state),
  );
  return { source, statuses, received, actions, client: clients.at(-1)! };
}

const stateOf = (payload: Buffer): unknown => JSON.parse(payload.toString('utf8'));
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('sparkplugClientOptions', () => {
  it('makes the session clean with the STATE death as will; MQTT 5 with session expiry 0', () => {
    const session = sparkplugHostSession('pd', 1234);
    const v4 = sparkplugClientOptions({ clientId: 'x', clean: false, protocolVersion: 4 }, session);
    expect(v4).toMatchObject({ clientId: 'x', clean: true, will: { topic: 'spBv1.0/STATE/pd', qos: 1, retain: true } });
    expect(stateOf(v4.will!.payload as Buffer)).toEqual({ online: false, timestamp: 1234 });
    expect(v4.properties).toBeUndefined();
    const v5 = sparkplugClientOptions({ clientId: 'x', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 604_800 } }, session);
    expect(v5).toMatchObject({ clean: true, properties: { sessionExpiryInterval: 0 } });
  });
});

describe('Sparkplug source (fake client)', () => {
  beforeEach(() => {
    clients.length = 0;
    vi.useFakeTimers({ now: NOW });
    vi.spyOn(Math, 'random').mockReturnValue(1);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('subscribes, publishes the STATE birth with the will\'s timestamp, and says connected only once the broker acknowledged it', () => {
    const { client, statuses } = start();
    expect(client.options).toMatchObject({ clientId: 'pd-spb', clean: true, reconnectPeriod: 0 });
    const will = client.options.will as Published;
    expect(stateOf(will.payload)).toEqual({ online: false, timestamp: NOW });

    client.connected = true;
    client.emit('connect', { returnCode: 0 });
    expect(client.subscriptions[0]?.filters).toContain('spBv1.0/Plant1010/NDATA/+');
    expect(client.subscriptions[0]?.filters).toContain('spBv1.0/STATE/pd');
    expect(client.published).toEqual([]);
    client.subscriptions[0]!.callback(null, undefined, { granted: client.subscriptions[0]!.filters.map(() => 1) });
    expect(client.published).toHaveLength(1);
    expect(client.published[0]).toMatchObject({ topic: 'spBv1.0/STATE/pd', opts: { qos: 1, retain: true } });
    expect(stateOf(client.published[0]!.payload)).toEqual({ online: true, timestamp: NOW });
    expect(statuses).toEqual(['connecting']);
    client.pendingPublishes.shift()!();
    expect(statuses).toEqual(['connecting', 'connected']);
  });

  it('names a refused filter and stays in error, while the birth still goes out for the granted ones', () => {
    const { client, statuses } = start();
    const filters = (): string[] => client.subscriptions.at(-1)!.filters;
    client.connected = true;
    client.emit('connect', {});
    client.subscriptions[0]!.callback(null, undefined, { granted: filters().map((f) => (f === 'spBv1.0/STATE/pd' ? 0x87 : 1)) });
    client.pendingPublishes.shift()!();
    expect(statuses).toEqual(['connecting', "error: mqtt://broker:1883: the broker refused the subscription to spBv1.0/STATE/pd: not authorized (the broker's ACL) (0x87)"]);
    expect(client.published.map((p) => p.topic)).toEqual(['spBv1.0/STATE/pd']);
    vi.advanceTimersByTime(1000);
    client.subscriptions.at(-1)!.callback(null, undefined, { granted: filters().map(() => 1) });
    expect(statuses.at(-1)).toBe('connected');
    expect(client.published).toHaveLength(1);
  });

  it('starts a new session on every CONNECT: a new will and a new birth with the reconnect time', () => {
    const { client } = start();
    client.accept();
    vi.advanceTimersByTime(5000);
    client.lose();
    vi.advanceTimersByTime(1000);
    expect(client.reconnects).toBe(1);
    expect(stateOf((client.options.will as Published).payload)).toEqual({ online: false, timestamp: NOW + 6000 });
    client.accept();
    expect(client.published.map((p) => stateOf(p.payload))).toEqual([{ online: true, timestamp: NOW }, { online: true, timestamp: NOW + 6000 }]);
  });

  it('consumes in arrival order, acknowledges after the commit, then publishes the rebirth request', async () => {
    const commits: (() => void)[] = [];
    const { client, received, actions } = start(() => new Promise<void>((resolve) => commits.push(resolve)));
    client.accept();
    expect(client.deliver(topic('NBIRTH'), nbirth(0, 1), 11)?.message).toBe('PUBACK is sent after the commit');
    client.deliver(topic('NDATA'), ndata(1, 5), 12);
    client.deliver(topic('NDATA'), ndata(3, 6), 13);
    // Consumed at once, in order; nothing acknowledged or published before the commits.
    expect(received.map((m) => (m.result.ok ? 'ok' : m.result.rejected))).toEqual(['ok', 'ok', 'NDATA seq gap: expected 2, got 3; rebirth requested']);
    expect(received.map((m) => m.header.seq)).toEqual(['0', '1', '3']);
    await flush();
    expect(client.acks).toEqual([]);
    expect(client.published).toHaveLength(1);

    commits.shift()!();
    commits.shift()!();
    await flush();
    expect(client.acks).toEqual([11, 12]);
    expect(client.published).toHaveLength(1);
    commits.shift()!();
    await flush();
    expect(client.acks).toEqual([11, 12, 13]);
    const ncmd = client.published.at(-1)!;
    expect(ncmd).toMatchObject({ topic: 'spBv1.0/Plant1010/NCMD/Line1', opts: { qos: 0, retain: false } });
    expect(decodePayload(ncmd.payload).metrics).toEqual([expect.objectContaining({ name: 'Node Control/Rebirth', value: true })]);
    expect(actions).toEqual(['rebirth:ok']);
  });

  it('a failed commit is never acknowledged: the link is dropped and the nodes wait for a rebirth', async () => {
    const { client, statuses, source } = start((m) => (m.topic.includes('NDATA') ? Promise.reject(new Error('disk full')) : Promise.resolve()));
    client.accept();
    client.deliver(topic('NBIRTH'), nbirth(0, 1), 21);
    client.deliver(topic('NDATA'), ndata(1, 5), 22);
    await flush();
    expect(client.acks).toEqual([21]);
    expect(client.stream.destroy).toHaveBeenCalled();
    expect(statuses.at(-1)).toBe('error: could not store a message from spBv1.0/Plant1010/NDATA/Line1: disk full; reconnecting, the edge nodes will be asked for a rebirth');
    client.lose();
    expect(source.nodes()[0]).toMatchObject({ node: 'Line1', state: 'stale', awaitingRebirth: 'the host lost its MQTT connection and may have missed messages' });
  });

  it('does not publish a rebirth on a newer connection than the one the message came in on', async () => {
    let commit!: () => void;
    const { client, actions } = start((m) => (m.topic.includes('NDATA') ? new Promise<void>((resolve) => (commit = resolve)) : Promise.resolve()));
    client.accept();
    client.deliver(topic('NBIRTH'), nbirth(0, 1), 1);
    client.deliver(topic('NDATA'), ndata(5, 5), 2);
    await flush();
    client.lose();
    vi.advanceTimersByTime(1000);
    client.accept();
    const before = client.published.length;
    commit();
    await flush();
    expect(client.published).toHaveLength(before);
    expect(actions).toEqual(['rebirth:the connection the message came in on has closed']);
    expect(client.acks).toEqual([1]);
  });

  it('stop() publishes the STATE death with the session\'s timestamp, then disconnects cleanly', async () => {
    const { client, source, statuses } = start();
    client.accept();
    vi.advanceTimersByTime(3000);
    // While connected, our own STATE saying offline is answered with the birth again (someone else wrote it).
    client.deliver('spBv1.0/STATE/pd', Buffer.from(JSON.stringify({ online: false, timestamp: NOW })), 30);
    await flush();
    expect(client.published.map((p) => stateOf(p.payload))).toEqual([{ online: true, timestamp: NOW }, { online: true, timestamp: NOW }]);
    const publishEnd = client.publishAsync.bind(client);
    // The broker echoes the death back while the source stops: it must not be answered.
    client.publishAsync = (t: string, payload: Buffer, opts: Published['opts']) => {
      const done = publishEnd(t, payload, opts);
      client.deliver(t, payload, 31);
      return done;
    };
    await source.stop();
    await flush();
    expect(client.published.map((p) => stateOf(p.payload))).toEqual([{ online: true, timestamp: NOW }, { online: true, timestamp: NOW }, { online: false, timestamp: NOW }]);
    const death = client.published.at(-1)!;
    expect(death).toMatchObject({ topic: 'spBv1.0/STATE/pd', opts: { qos: 1, retain: true } });
    expect(stateOf(death.payload)).toEqual({ online: false, timestamp: NOW });
    expect(client.ended).toEqual([false]);
    expect(statuses.at(-1)).toBe('disconnected');
  });

  it('a bad host id is an error and nothing connects', async () => {
    const { statuses, source } = start(undefined, { hostId: 'a/b' });
    expect(statuses).toEqual(['connecting', 'error: mqtt://broker:1883: Sparkplug host id "a/b" must be non-empty without \'/\', \'+\' or \'#\'']);
    expect(clients).toHaveLength(0);
    await source.stop();
  });
});
