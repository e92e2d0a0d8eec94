// A 2-minute network outage between the agent and a running OPC UA server (the one long test; it runs in CI): the
// server drops the session (60 s timeout) and its subscription meanwhile, the line keeps producing. When the network
// is back the agent has a session and subscription again with no action, and every part is confirmed once.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  committedGood, confirmed, countProduced, CuttableProxy, lineModel, lineStatus, opcuaConnection, RestartableServer, settle, startTestAgent, tempDir, waitFor,
} from './opcuaCountersSupport.js';

const OUTAGE_MS = 120_000;

describe('OPC UA recovery after a long outage', () => {
  it('comes back after 2 minutes without network and confirms the parts made meanwhile exactly once', async () => {
    const dir = tempDir('pd-recovery-outage-');
    const model = lineModel({ cycleSeconds: 0.2 });
    const server = await RestartableServer.start(model, join(dir, 'server-pki'));
    const proxy = await CuttableProxy.start(server.port);
    const agent = await startTestAgent({ endpoint: proxy.endpoint(), dataDir: join(dir, 'data') });
    await waitFor(() => (committedGood(agent) === 0 ? true : undefined), 20_000, 'the baseline 0');
    const made = countProduced(model);
    model.start();
    await waitFor(() => (confirmed(agent).events >= 2 ? true : undefined), 10_000, 'confirmations before the outage');

    await proxy.cut();
    const goodAtCut = model.snapshot('L1').goodCount;
    await waitFor(async () => ((await opcuaConnection(agent)).state === 'disconnected' ? true : undefined), 15_000, 'the agent to see the network gone');
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect((await lineStatus(agent)).fresh).toBe(false);
    const confirmedDuringOutage = confirmed(agent).yieldQty;
    await proxy.restore();
    const restoredAt = Date.now();

    // node-opcua retries at most every 10 s; then a new session, and the subscription recreated on the server.
    await waitFor(() => ((committedGood(agent) ?? 0) > goodAtCut + 500 ? true : undefined), 40_000, 'values after the outage');
    const recoveredInMs = Date.now() - restoredAt;
    await waitFor(async () => ((await opcuaConnection(agent)).state === 'connected' && (await lineStatus(agent)).fresh ? true : undefined), 10_000, 'connected and fresh');
    model.stop();

    const result = await settle(agent, model, made);
    expect(made.good).toBeGreaterThan(500);
    expect(confirmedDuringOutage).toBeLessThan(made.good - 500);
    expect(result.yieldQty).toBe(made.good);
    expect(result.scrapQty).toBe(made.scrap);
    expect(recoveredInMs).toBeLessThan(40_000);
  }, OUTAGE_MS + 120_000);
});
