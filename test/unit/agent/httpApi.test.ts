import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { API_WS_PATH, type ApiResponseMessage } from '../../../domain/index.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { attachApiWebSocket, handleApiRequest } from '../../../main/agent/httpApi.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { createLogger } from '../../../main/agent/logger.js';
import { mesConfirmation } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

interface Host { port: number; api: ApiService; handled: boolean[] }

/** A real HTTP server on 127.0.0.1, port 0, serving the API; other paths get 418 from the "host". */
async function startHost(): Promise<Host> {
  const db = openTempDb();
  const ingest = new Ingest(db, createLogger('silent'));
  ingest.commitMqtt({ source: 'mes', topic: 't', type: 'confirmation', payload: Buffer.from(JSON.stringify(mesConfirmation())), receivedAt: Date.now() });
  ingest.commitMqtt({ source: 'mes', topic: 't', type: 'confirmation', payload: Buffer.from('not json'), receivedAt: Date.now() });
  const api = new ApiService({ db, lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: '0.1.0-test', demo: false, startedAt: Date.now() });
  const handled: boolean[] = [];
  const server: Server = createServer((req, res) => {
    void handleApiRequest(api, req, res).then((done) => {
      handled.push(done);
      if (!done) res.writeHead(418).end('host page');
    });
  });
  const wss = attachApiWebSocket(api, server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as AddressInfo).port, api, handled };
}

async function get(host: Host, path: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${host.port}${path}`, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) as unknown : text };
}

/** A raw request with any Host header (fetch does not let us set it). */
function getWithHost(port: number, path: string, hostHeader: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: hostHeader } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('handleApiRequest over a real HTTP server', () => {
  it('GET /api/v1/health answers 200 JSON', async () => {
    const host = await startHost();
    const res = await get(host, '/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ status: 'ok', plant: '1010', version: '0.1.0-test', demo: false });
    expect(host.handled).toEqual([true]);
  });

  it('GET /api/v1/queue answers 200 with every count', async () => {
    const host = await startHost();
    const res = await get(host, '/api/v1/queue');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      mapped: 1, ready: 0, exception: 0, sending: 0, posted: 0, voided: 0, recorded: 0, pending_approval: 0, rejected: 1, oldestPendingAgeS: expect.any(Number) as unknown,
    });
  });

  it('GET /api/v1/events takes query parameters and answers 400 naming a bad one', async () => {
    const host = await startHost();
    const ok = await get(host, '/api/v1/events?status=mapped&limit=5');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([expect.objectContaining({ status: 'mapped', orderId: '1000001' })]);
    const bad = await get(host, '/api/v1/events?limit=lots');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('limit') as unknown } });
  });

  it('an unknown API path answers 404 JSON', async () => {
    const host = await startHost();
    const res = await get(host, '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'no API route /api/v1/nope' } });
  });

  it('POST to a query route answers 405 with Allow', async () => {
    const host = await startHost();
    const res = await fetch(`http://127.0.0.1:${host.port}/api/v1/queue`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    await res.text();
  });

  it('returns false for a path outside /api/v1 so the host serves it', async () => {
    const host = await startHost();
    const res = await get(host, '/index.html');
    expect([res.status, res.body]).toEqual([418, 'host page']);
    const lookalike = await get(host, '/api/v10/health');
    expect(lookalike.status).toBe(418);
    expect(host.handled).toEqual([false, false]);
  });

  it('refuses a request whose Host is not this machine (DNS rebinding)', async () => {
    const host = await startHost();
    // A page on rebind.example whose name was re-pointed at 127.0.0.1 is same-origin with itself.
    expect(await getWithHost(host.port, '/api/v1/queue', `127.0.0.1:${host.port}`)).toBe(200);
    expect(await getWithHost(host.port, '/api/v1/queue', `rebind.example:${host.port}`)).not.toBe(200);
  });
});

function openWs(port: number, headers: { origin?: string; host?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${API_WS_PATH}`, {
      ...(headers.origin ? { origin: headers.origin } : {}),
      ...(headers.host ? { headers: { host: headers.host } } : {}),
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode ?? '?'}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<ApiResponseMessage> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()) as ApiResponseMessage)));
}

describe('attachApiWebSocket', () => {
  it('refuses a browser page from a foreign origin', async () => {
    const host = await startHost();
    await expect(openWs(host.port, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('refuses an upgrade on any other path', async () => {
    const host = await startHost();
    const other = new WebSocket(`ws://127.0.0.1:${host.port}/api/v1/other`);
    await expect(new Promise((resolve, reject) => {
      other.once('open', resolve);
      other.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode ?? '?'}`)));
    })).rejects.toThrow(/403/);
  });

  it('answers calls from a same-origin page, and streams after subscribe', async () => {
    const host = await startHost();
    const ws = await openWs(host.port, { origin: `http://127.0.0.1:${host.port}` });
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'getQueue' }));
    expect(await nextMessage(ws)).toMatchObject({ type: 'result', id: 1, result: { ok: true, value: { mapped: 1, rejected: 1 } } });

    ws.send('{not json');
    expect(await nextMessage(ws)).toMatchObject({ type: 'result', id: -1, result: { ok: false, error: { code: 'bad_request' } } });

    ws.send(JSON.stringify({ type: 'subscribe', stream: 'onDashboard' }));
    // Subscribing has no reply; the next call's result proves the subscription was handled first.
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'getHealth' }));
    expect(await nextMessage(ws)).toMatchObject({ type: 'result', id: 2 });
    expect(host.api.hasDashboardListeners()).toBe(true);
    const event = nextMessage(ws);
    host.api.publishDashboard();
    expect(await event).toMatchObject({ type: 'event', stream: 'onDashboard', value: { queue: { mapped: 1 } } });

    ws.close();
    await expect.poll(() => host.api.hasDashboardListeners()).toBe(false);
  });

  it('accepts a client that sends no Origin (not a browser)', async () => {
    const host = await startHost();
    const ws = await openWs(host.port);
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 'getHealth' }));
    expect(await nextMessage(ws)).toMatchObject({ id: 3, result: { ok: true } });
    ws.close();
  });

  it('refuses a page whose origin and Host both name a rebound domain (DNS rebinding)', async () => {
    const host = await startHost();
    const rebound = `rebind.example:${host.port}`;
    const outcome = await openWs(host.port, { origin: `http://${rebound}`, host: rebound }).then(
      (ws) => { ws.close(); return 'connected'; },
      (error: unknown) => String(error),
    );
    expect(outcome).toMatch(/refused with 403/);
  });
});
