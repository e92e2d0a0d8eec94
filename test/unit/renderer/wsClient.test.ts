// The browser-mode API client against a fake WebSocket: calls, results, streams, reconnect and backoff.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DashboardSnapshot } from '../../../domain/api.js';
import { WsClient } from '../../../renderer/src/api/wsClient.js';
import { ApiCallError, defaultWsUrl, type LinkState, type WebSocketLike } from '../../../renderer/src/api/wsTypes.js';

class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.serverClose();
  }
  // Test side
  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  serverSend(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  serverClose(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({});
  }
}

const latest = () => FakeWebSocket.instances.at(-1)!;
const URL = 'ws://127.0.0.1:1234/api/v1/ws';
let client: WsClient | null = null;
const connect = (options: Partial<ConstructorParameters<typeof WsClient>[0]> = {}) => {
  client = new WsClient({ url: URL, WebSocket: FakeWebSocket, ...options });
  return client;
};

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1); // no jitter: delays are the full backoff
});
afterEach(() => {
  client?.dispose();
  client = null;
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('WsClient', () => {
  it('connects to the agent that served the page', () => {
    expect(defaultWsUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api/v1/ws');
    expect(defaultWsUrl({ protocol: 'https:', host: 'desk.plant' })).toBe('wss://desk.plant/api/v1/ws');
    connect();
    expect(latest().url).toBe(URL);
  });

  it('sends a call made while connecting once the socket opens, and resolves with the value', async () => {
    const api = connect();
    const health = api.getHealth();
    const events = api.listEvents({ status: 'exception', limit: 5 });
    expect(latest().sent).toEqual([]);
    latest().serverOpen();
    expect(latest().sent).toEqual([
      { type: 'call', id: 1, method: 'getHealth' },
      { type: 'call', id: 2, method: 'listEvents', params: { status: 'exception', limit: 5 } },
    ]);
    latest().serverSend({ type: 'result', id: 2, result: { ok: true, value: [] } });
    latest().serverSend({ type: 'result', id: 1, result: { ok: true, value: { status: 'ok' } } });
    await expect(health).resolves.toEqual({ status: 'ok' });
    await expect(events).resolves.toEqual([]);
  });

  it('rejects with the agent error code when the result is not ok', async () => {
    const api = connect();
    latest().serverOpen();
    const call = api.listEvents({ limit: 0 });
    latest().serverSend({ type: 'result', id: 1, result: { ok: false, error: { code: 'bad_request', message: 'limit: too small' } } });
    await expect(call).rejects.toMatchObject({ name: 'ApiCallError', code: 'bad_request', message: 'limit: too small' });
  });

  it('rejects pending calls when the connection closes, and calls made while closed', async () => {
    const api = connect();
    latest().serverOpen();
    const call = api.getQueue();
    latest().serverClose();
    await expect(call).rejects.toMatchObject({ code: 'disconnected' });
    await expect(api.getQueue()).rejects.toBeInstanceOf(ApiCallError);
  });

  it('times out a call that gets no answer', async () => {
    const api = connect({ callTimeoutMs: 1000 });
    latest().serverOpen();
    const call = api.getDashboard();
    vi.advanceTimersByTime(1000);
    await expect(call).rejects.toMatchObject({ code: 'timeout' });
  });

  it('subscribes on open, delivers events to every listener, and stops delivering after unsubscribe', () => {
    const api = connect();
    const a: DashboardSnapshot[] = [];
    const b: DashboardSnapshot[] = [];
    const stopA = api.onDashboard((s) => a.push(s));
    api.onDashboard((s) => b.push(s));
    latest().serverOpen();
    expect(latest().sent).toEqual([{ type: 'subscribe', stream: 'onDashboard' }]);
    latest().serverSend({ type: 'event', stream: 'onDashboard', value: { at: '1' } });
    stopA();
    latest().serverSend({ type: 'event', stream: 'onDashboard', value: { at: '2' } });
    latest().onmessage?.({ data: 'not json' });
    expect(a.map((s) => s.at)).toEqual(['1']);
    expect(b.map((s) => s.at)).toEqual(['1', '2']);
  });

  it('reconnects with doubling backoff capped at 5 s, re-subscribes, and reports the link state', () => {
    const api = connect({ initialBackoffMs: 250, maxBackoffMs: 5000 });
    const states: LinkState[] = [];
    api.onLinkState((s) => states.push(s));
    api.onDashboard(() => undefined);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      const before = FakeWebSocket.instances.length;
      latest().serverClose();
      let waited = 0;
      while (FakeWebSocket.instances.length === before) {
        vi.advanceTimersByTime(50);
        waited += 50;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    latest().serverOpen();
    expect(latest().sent).toEqual([{ type: 'subscribe', stream: 'onDashboard' }]);
    expect(states.slice(0, 4)).toEqual(['connecting', 'closed', 'connecting', 'closed']);
    expect(states.at(-1)).toBe('open');
    // A successful open resets the backoff.
    const before = FakeWebSocket.instances.length;
    latest().serverClose();
    vi.advanceTimersByTime(250);
    expect(FakeWebSocket.instances.length).toBe(before + 1);
  });

  it('does not reconnect after dispose', () => {
    const api = connect();
    latest().serverOpen();
    api.dispose();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(api.linkState).toBe('closed');
  });

  it('ignores messages and closes from a socket it already replaced', () => {
    const api = connect();
    const first = latest();
    first.serverOpen();
    first.serverClose();
    vi.advanceTimersByTime(250);
    const second = latest();
    second.serverOpen();
    const call = api.getHealth();
    first.onclose?.({});
    expect(api.linkState).toBe('open');
    second.serverSend({ type: 'result', id: 1, result: { ok: true, value: 'fine' } });
    return expect(call).resolves.toBe('fine');
  });
});
