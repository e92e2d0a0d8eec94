// A subscription the server drops while the session and the socket live on (node-opcua does not repair this by
// itself: nothing fails, the data just stops). The source's watchdog sees no keep-alive for 3 periods, opens a new
// session and subscription, and the counts made meanwhile are confirmed once. A plain node-opcua server here, because
// the test must reach into the server to delete the subscription.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, type UAVariable } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../sim/plant/index.js';
import { committedGood, confirmed, opcuaConnection, startTestAgent, waitFor } from './opcuaCountersSupport.js';

interface ServerSessionInternals {
  readonly publishEngine: { readonly subscriptions: readonly { readonly id: number }[] };
  deleteSubscription(id: number): unknown;
}

describe('OPC UA subscription watchdog', () => {
  let server: OPCUAServer;
  let endpoint = '';
  let good: UAVariable;
  let count = 0;
  const dir = mkdtempSync(join(tmpdir(), 'pd-recovery-watchdog-'));

  beforeAll(async () => {
    const port = await findFreePort();
    server = new OPCUAServer({
      port, host: '127.0.0.1', hostname: '127.0.0.1', alternateHostname: ['127.0.0.1'], resourcePath: '/UA/Watchdog', allowAnonymous: true,
      serverCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'server'), automaticallyAcceptUnknownCertificate: true }),
      userCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'user'), automaticallyAcceptUnknownCertificate: true }),
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    const add = (name: string, dataType: DataType, value: number | string): UAVariable => {
      const v = ns.addVariable({ organizedBy: addressSpace.rootFolder.objects, browseName: name, nodeId: `s=L1.${name}`, dataType: DataType[dataType], minimumSamplingInterval: 0 });
      v.setValueFromSource({ dataType, value });
      return v;
    };
    good = add('GoodCount', DataType.UInt32, 0);
    add('ScrapCount', DataType.UInt32, 0);
    add('State', DataType.String, 'running');
    add('CurrentOrder', DataType.String, '1000001');
    await server.start();
    endpoint = `opc.tcp://127.0.0.1:${port}/UA/Watchdog`;
  });

  afterAll(async () => {
    await server?.shutdown(0);
    rmSync(dir, { recursive: true, force: true });
  });

  const produce = (parts: number): void => {
    for (let i = 0; i < parts; i++) good.setValueFromSource({ dataType: DataType.UInt32, value: ++count });
  };

  it('recreates session and subscription when the server dropped the subscription, and counts what was made meanwhile', async () => {
    const agent = await startTestAgent({ endpoint, dataDir: join(dir, 'data') });
    await waitFor(() => (committedGood(agent) === 0 ? true : undefined), 20_000, 'the baseline 0');
    produce(7);
    await waitFor(() => (committedGood(agent) === 7 ? true : undefined), 5000, 'the first parts');

    // The server forgets the subscription; the session, its keep-alive reads and the socket carry on.
    for (const session of Object.values((server.engine as unknown as { _sessions: Record<string, ServerSessionInternals> })._sessions)) {
      for (const subscription of [...session.publishEngine.subscriptions]) session.deleteSubscription(subscription.id);
    }
    const droppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    produce(25); // not delivered: nobody subscribes any more
    await new Promise((r) => setTimeout(r, 1000));
    expect(committedGood(agent)).toBe(7);

    // Keep-alive period 200 ms x 10: silent for more than 6 s -> a new session and subscription.
    await waitFor(() => (committedGood(agent) === 32 ? true : undefined), 20_000, 'the value after recovery');
    expect(Date.now() - droppedAt).toBeGreaterThan(5000);
    const connection = await waitFor(async () => {
      const c = await opcuaConnection(agent);
      return c.state === 'connected' ? c : undefined;
    }, 5000, 'connected again');
    expect(connection.lastError).toMatch(/no data or keep-alive from the subscription/);
    produce(3);
    await waitFor(() => (confirmed(agent).yieldQty === 35 ? true : undefined), 10_000, `35 parts confirmed (have ${confirmed(agent).yieldQty})`);
    await new Promise((r) => setTimeout(r, 2000));
    expect(confirmed(agent).yieldQty).toBe(35);
  });
});
