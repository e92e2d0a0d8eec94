// listSparkplugNodes through the API: GET /api/v1/sparkplug/nodes over real HTTP, and the empty list without any
// Sparkplug connection. The nodes come from a real SparkplugHost fed an NBIRTH.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { API_HTTP_ROUTES, type SparkplugNodeInfo } from '../../../domain/index.js';
import { SparkplugHost } from '../../../connectors/mqtt/sparkplug/index.js';
import { callApi } from '../../../main/agent/apiDispatch.js';
import { ApiService, type ApiServiceOptions } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { handleApiRequest } from '../../../main/agent/httpApi.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { toSparkplugNodeInfo } from '../../../main/agent/sparkplug.js';
import { openTempDb } from '../local-store/tempDb.js';
import { GROUP, NODE, nbirth, T0, topic } from '../connectors/mqtt/sparkplugFixtures.js';

function service(sparkplug?: ApiServiceOptions['sparkplug']): ApiService {
  return new ApiService({
    db: openTempDb(), lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: 't', demo: false, startedAt: T0,
    ...(sparkplug ? { sparkplug } : {}),
  });
}

async function serve(api: ApiService): Promise<number> {
  const server: Server = createServer((req, res) => void handleApiRequest(api, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

describe('listSparkplugNodes', () => {
  it('lists the nodes of every Sparkplug connection over GET /api/v1/sparkplug/nodes', async () => {
    const host = new SparkplugHost({ clock: () => T0 + 2000 });
    expect(host.consume(topic('NBIRTH'), nbirth(0, 7), T0 + 1000).ok).toBe(true);
    const api = service({ nodes: () => host.status().map((n) => toSparkplugNodeInfo('edge', n)) });
    expect(API_HTTP_ROUTES.listSparkplugNodes).toBe('/api/v1/sparkplug/nodes');

    const res = await fetch(`http://127.0.0.1:${await serve(api)}/api/v1/sparkplug/nodes`);
    expect(res.status).toBe(200);
    const nodes = (await res.json()) as SparkplugNodeInfo[];
    expect(nodes).toEqual([{
      source: 'edge', group: GROUP, node: NODE, state: 'online', since: new Date(T0 + 1000).toISOString(), lastMessageAt: new Date(T0 + 1000).toISOString(),
      awaitingRebirth: null, rebirthRequestedAt: null, bdSeq: 7, seq: 0, metricCount: 6, devices: [],
    }]);
  });

  it('answers an empty list when the agent has no Sparkplug connection', async () => {
    expect(await callApi(service(), 'listSparkplugNodes', undefined)).toEqual({ ok: true, value: [] });
  });
});
