// The MQTT source's own logic with mqtt.js replaced by a fake client and fake timers: when it says connected,
// how it words failures, and when it reconnects (the schedule of backoff.ts, not mqtt.js's fixed period).
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class FakeClient extends EventEmitter {
  connected = false;
  stream = { destroy: vi.fn() };
  reconnects: number[] = [];
  subscriptions: { filters: string[]; callback: (error: Error | null, granted?: unknown, packet?: { granted: number[] }) => void }[] = [];
  handleMessage: unknown;
  constructor(readonly url: string, readonly options: Record<string, unknown>) {
    super();
  }
  subscribe(filters: string[], _opts: unknown, callback: FakeClient['subscriptions'][number]['callback']): void {
    this.subscriptions.push({ filters, callback });
  }
  reconnect(): void {
    this.reconnects.push(Date.now());
    this.stream = { destroy: vi.fn() };
    this.emit('reconnect');
  }
  end(_force: boolean, _opts: unknown, callback: () => void): void {
    this.connected = false;
    callback();
  }
  /** The broker accepts CONNECT and answers the SUBSCRIBE with these codes. */
  accept(granted: number[] = [1]): void {
    this.connected = true;
    this.emit('connect', { returnCode: 0 });
    this.subscriptions.at(-1)!.callback(null, undefined, { granted });
  }
  lose(error?: Error): void {
    this.connected = false;
    if (error) this.emit('error', error);
    this.emit('close');
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

const { startMqttSource } = await import('../../../../connectors/mqtt/mqttSource.js');

function start(options: Partial<Parameters<typeof startMqttSource>[0]> = {}) {
  const statuses: string[] = [];
  const source = startMqttSource(
    { name: 'mes', url: 'mqtt://mes:1883', clientId: 'pd-1', topics: [{ filter: 'plant/#', type: 'confirmation' }, { filter: 'qa/#', type: 'quality' }], ...options },
    async () => undefined,
    (state, error) => statuses.push(error ? `${state}: ${error}` : state),
  );
  return { source, statuses, client: clients.at(-1)! };
}

const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('MQTT source (fake client)', () => {
  beforeEach(() => {
    clients.length = 0;
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(Math, 'random').mockReturnValue(1);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('asks mqtt.js for a persistent session and no reconnects of its own', () => {
    const { client } = start({ keepaliveS: 20 });
    expect(client.options).toMatchObject({ clientId: 'pd-1', clean: false, protocolVersion: 4, keepalive: 20, reconnectPeriod: 0, resubscribe: false });
  });

  it('says connected only after the broker granted every subscription', () => {
    const { client, statuses } = start();
    expect(statuses).toEqual(['connecting']);
    client.connected = true;
    client.emit('connect', { returnCode: 0 });
    expect(client.subscriptions.at(-1)?.filters).toEqual(['plant/#', 'qa/#']);
    expect(statuses).toEqual(['connecting']);
    client.subscriptions.at(-1)!.callback(null, undefined, { granted: [1, 1] });
    expect(statuses).toEqual(['connecting', 'connected']);
  });

  it('names a refused filter, stays in error, and asks again after maxMs', () => {
    const { client, statuses } = start({ reconnect: { minMs: 1000, maxMs: 5000 } });
    client.accept([1, 0x80]);
    expect(statuses).toEqual(['connecting', 'error: mqtt://mes:1883: the broker refused the subscription to qa/#: refused (0x80)']);
    vi.advanceTimersByTime(4999);
    expect(client.subscriptions).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(client.subscriptions).toHaveLength(2);
    client.subscriptions.at(-1)!.callback(null, undefined, { granted: [1, 1] });
    expect(statuses.at(-1)).toBe('connected');
  });

  it('reconnects after minMs..2^n*minMs (capped at maxMs), keeping the error on the light meanwhile', () => {
    const { client, statuses } = start({ reconnect: { minMs: 1000, maxMs: 10_000 } });
    client.lose(refused);
    // Math.random() = 1: every wait is its ceiling: 2, 4, 8, then 10 s.
    const expected = [2000, 4000, 8000, 10_000, 10_000];
    expected.forEach((wait, i) => {
      vi.advanceTimersByTime(wait - 1);
      expect(client.reconnects).toHaveLength(i);
      vi.advanceTimersByTime(1);
      expect(client.reconnects).toHaveLength(i + 1);
      client.lose(refused);
    });
    expect(client.reconnects).toEqual([2000, 6000, 14_000, 24_000, 34_000]);
    expect(statuses).toEqual(['connecting', 'error: mqtt://mes:1883: connection refused: nothing listens at that address and port (is the broker running?)']);
    client.accept([1, 1]);
    expect(statuses.at(-1)).toBe('connected');
  });

  it('starts the backoff over once a link stayed up for 10 s, but not after a short one', () => {
    const { client } = start({ reconnect: { minMs: 1000, maxMs: 30_000 } });
    client.lose(refused);
    vi.advanceTimersByTime(2000);
    client.lose(refused);
    vi.advanceTimersByTime(4000);
    expect(client.reconnects).toEqual([2000, 6000]);
    client.accept([1, 1]);
    vi.advanceTimersByTime(3000);
    client.lose(); // a short-lived link: the next wait keeps growing (8 s)
    vi.advanceTimersByTime(8000);
    expect(client.reconnects.at(-1)).toBe(17_000);
    client.accept([1, 1]);
    vi.advanceTimersByTime(10_000);
    client.lose(); // a stable link: back to the first step (2 s)
    vi.advanceTimersByTime(2000);
    expect(client.reconnects.at(-1)).toBe(29_000);
  });

  it('a link closed by the broker after working is "disconnected"; one closed before CONNACK is an error', () => {
    const { client, statuses } = start();
    client.accept([1, 1]);
    client.lose();
    expect(statuses.at(-1)).toBe('disconnected');
    vi.advanceTimersByTime(2000);
    expect(statuses.at(-1)).toBe('connecting');
    client.lose();
    expect(statuses.at(-1)).toBe('error: mqtt://mes:1883: the connection closed before the broker answered (not an MQTT port, or the broker turned this client away)');
  });

  it('explains an MQTT 5 DISCONNECT from the broker (session taken over)', () => {
    const { client, statuses } = start({ protocolVersion: 5 });
    client.accept([1, 1]);
    client.emit('disconnect', { cmd: 'disconnect', reasonCode: 142 });
    client.lose();
    expect(statuses.at(-1)).toBe('error: mqtt://mes:1883: the broker closed the connection: session taken over: another client connected with the same clientId (reason 142)');
  });

  it('stop() cancels a pending reconnect and reports disconnected', async () => {
    const { client, source, statuses } = start();
    client.lose(refused);
    await source.stop();
    vi.advanceTimersByTime(60_000);
    expect(client.reconnects).toEqual([]);
    expect(statuses.at(-1)).toBe('disconnected');
  });

  it('a TLS file that cannot be read is an error naming the key, and nothing connects', async () => {
    const { statuses, source } = start({ url: 'mqtts://mes:8883', tls: { caFile: '/nonexistent/ca.pem' } });
    expect(statuses).toEqual(['connecting', 'error: mqtts://mes:8883: cannot read tls.caFile /nonexistent/ca.pem: file not found']);
    expect(clients).toHaveLength(0);
    await source.stop();
  });
});
