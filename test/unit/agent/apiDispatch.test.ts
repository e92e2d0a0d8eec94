import { describe, expect, it } from 'vitest';
import type { ApiResponseMessage } from '../../../domain/index.js';
import { openApiConnection, callApi } from '../../../main/agent/apiDispatch.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { createLogger } from '../../../main/agent/logger.js';
import type { WritableDb } from '../../../local-store/index.js';
import { mesConfirmation } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

function service(db: WritableDb = openTempDb()): ApiService {
  const lines = new LineMonitor();
  lines.addLine('L1', 'plc1');
  return new ApiService({ db, lines, connections: new ConnectionRegistry(), plant: '1010', version: '0.1.0-test', demo: true, startedAt: Date.now() - 5_000 });
}

function seed(db: WritableDb, count: number): void {
  const ingest = new Ingest(db, createLogger('silent'));
  for (let i = 0; i < count; i++) {
    ingest.commitMqtt({ source: 'mes', topic: 't', type: 'confirmation', payload: Buffer.from(JSON.stringify(mesConfirmation({ messageId: `m-${i}` }))), receivedAt: Date.now() });
  }
}

/** A connection whose sent messages are collected; resolves when n messages arrived. */
function connect(api: ApiService): { conn: ReturnType<typeof openApiConnection>; sent: ApiResponseMessage[]; next: (n: number) => Promise<ApiResponseMessage[]> } {
  const sent: ApiResponseMessage[] = [];
  const waiters: { n: number; resolve: (m: ApiResponseMessage[]) => void }[] = [];
  const conn = openApiConnection(api, (message) => {
    sent.push(message);
    for (const w of waiters.filter((x) => sent.length >= x.n)) w.resolve(sent.slice(0, w.n));
  });
  return { conn, sent, next: (n) => new Promise((resolve) => (sent.length >= n ? resolve(sent.slice(0, n)) : waiters.push({ n, resolve }))) };
}

function errorOf(message: ApiResponseMessage | undefined): { code: string; message: string } {
  if (message?.type !== 'result' || message.result.ok) throw new Error(`expected an error result, got ${JSON.stringify(message)}`);
  return message.result.error;
}

describe('openApiConnection', () => {
  it('answers a call with its result under the same id', async () => {
    const { conn, next } = connect(service());
    conn.receive({ type: 'call', id: 7, method: 'getHealth' });
    const [reply] = await next(1);
    expect(reply).toMatchObject({ type: 'result', id: 7, result: { ok: true, value: { status: 'ok', plant: '1010', version: '0.1.0-test', demo: true, uptimeS: 5 } } });
  });

  it('lists events with params, newest first, up to the limit', async () => {
    const db = openTempDb();
    seed(db, 3);
    const { conn, next } = connect(service(db));
    conn.receive({ type: 'call', id: 1, method: 'listEvents', params: { status: 'mapped', limit: 2 } });
    const [reply] = await next(1);
    if (reply?.type !== 'result' || !reply.result.ok) throw new Error(JSON.stringify(reply));
    expect(reply.result.value).toHaveLength(2);
    expect(reply.result.value).toEqual([expect.objectContaining({ status: 'mapped', operation: '0010', unit: 'PC' }), expect.anything()]);
  });

  it('answers an unknown method with not_found', async () => {
    const { conn, next } = connect(service());
    conn.receive({ type: 'call', id: 2, method: 'dropDatabase' });
    expect(errorOf((await next(1))[0])).toEqual({ code: 'not_found', message: expect.stringContaining('dropDatabase') as unknown });
  });

  it('does not expose a stream or an object method as a call', async () => {
    const { conn, next } = connect(service());
    conn.receive({ type: 'call', id: 3, method: 'onDashboard' });
    conn.receive({ type: 'call', id: 4, method: 'constructor' });
    const replies = await next(2);
    expect(replies.map((r) => errorOf(r).code)).toEqual(['not_found', 'not_found']);
  });

  it.each([
    [{ limit: 'x' }, 'limit'],
    [{ limit: 0 }, 'limit'],
    [{ status: 'nope' }, 'status'],
    [{ colour: 'red' }, 'colour'],
  ])('answers bad listEvents params %j with bad_request naming %s', async (params, field) => {
    const { conn, next } = connect(service());
    conn.receive({ type: 'call', id: 5, method: 'listEvents', params });
    const error = errorOf((await next(1))[0]);
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain(field);
  });

  it.each([
    ['not an object', 'hello'],
    ['no type', { id: 9 }],
    ['unknown type', { type: 'delete', id: 9 }],
    ['call without id', { type: 'call', method: 'getHealth' }],
    ['undefined (unparseable JSON)', undefined],
  ])('answers a malformed message (%s) with bad_request', async (_label, message) => {
    const { conn, next } = connect(service());
    conn.receive(message);
    const [reply] = await next(1);
    expect(errorOf(reply).code).toBe('bad_request');
    expect(reply?.type === 'result' && reply.id).toBe(typeof (message as { id?: unknown } | undefined)?.id === 'number' ? 9 : -1);
  });

  it('delivers stream events after subscribe, once per subscription, and stops after close', () => {
    const api = service();
    const { conn, sent } = connect(api);
    conn.receive({ type: 'subscribe', stream: 'onDashboard' });
    conn.receive({ type: 'subscribe', stream: 'onDashboard' });
    expect(api.hasDashboardListeners()).toBe(true);

    api.publishDashboard();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'event', stream: 'onDashboard', value: { lines: [expect.objectContaining({ line: 'L1' })] } });

    conn.close();
    expect(api.hasDashboardListeners()).toBe(false);
    api.publishDashboard();
    expect(sent).toHaveLength(1);
  });

  it('ignores a subscription to an unknown stream', () => {
    const api = service();
    const { conn, sent } = connect(api);
    conn.receive({ type: 'subscribe', stream: 'onEverything' });
    api.publishDashboard();
    expect(sent).toEqual([]);
    expect(api.hasDashboardListeners()).toBe(false);
  });
});

describe('callApi', () => {
  it('turns a thrown error into an internal result, never a rejection', async () => {
    const db = openTempDb();
    const api = service(db);
    db.close();
    const result = await callApi(api, 'getQueue', undefined);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/not open/) as unknown } });
  });
});
