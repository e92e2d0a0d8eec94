// /metrics and the console views over a real HTTP server: same Host and login rules as the other views, GET only,
// a clear 404 where the agent lacks a part, and no session means no view in LAN mode (viewsNeedLogin).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ApiFailure } from '../../../main/agent/apiFailure.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { handleApiRequest } from '../../../main/agent/httpApi.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { AgentMetrics } from '../../../main/agent/metrics.js';
import { openTempDb } from '../local-store/tempDb.js';

async function serve(options: { metrics?: boolean; viewsNeedLogin?: boolean } = {}): Promise<string> {
  const db = openTempDb();
  const metrics = new AgentMetrics({ processMetrics: false });
  const service = new ApiService({ db, lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: '0.1.0-test', demo: false, startedAt: Date.now(), ...(options.metrics === false ? {} : { metrics }) });
  metrics.useSources({ queue: () => service.getQueue(), connections: () => [] });
  // A gate that knows one token, as AuthService would.
  const api = Object.assign(service, { auth: { authenticate: (token: string | undefined) => {
    if (token !== 'good') throw new ApiFailure('unauthorized', 'log in first');
    return { user: 'ann', roles: ['supervisor' as const], sessionId: 's' };
  } } });
  const server: Server = createServer((req, res) => {
    void handleApiRequest(api, req, res, [], { viewsNeedLogin: options.viewsNeedLogin ?? false }).then((done) => {
      if (!done) res.writeHead(418).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('console routes', () => {
  it('serves /metrics as Prometheus text and the views as JSON', async () => {
    const url = await serve();
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toMatch(/^plantdesk_queue_events\{status="ready"\} 0$/m);
    const orders = await fetch(`${url}/api/v1/orders`);
    expect(orders.status).toBe(200);
    expect(await orders.json()).toEqual([]);
    const quality = await fetch(`${url}/api/v1/quality?hours=2`);
    expect((await quality.json() as { lines: unknown[] }).lines).toEqual([]);
  });

  it('answers bad input and missing parts with a status and words naming the problem', async () => {
    const url = await serve({ metrics: false });
    const missing = await fetch(`${url}/metrics`);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(await missing.json())).toContain('metrics are not available');
    const bad = await fetch(`${url}/api/v1/quality?hours=-1`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('hours');
    const noId = await fetch(`${url}/api/v1/trace`);
    expect(noId.status).toBe(400);
    const post = await fetch(`${url}/api/v1/orders`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('asks for a session when views need a login', async () => {
    const url = await serve({ viewsNeedLogin: true });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/api/v1/diagnostics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer good' } })).status).toBe(200);
  });
});
