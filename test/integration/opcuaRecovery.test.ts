// OPC UA recovery and freshness against the demo plant's real OPC UA server: after a server restart the session and
// subscription come back with no action and every part is confirmed once, through validation to the ERP simulator;
// a server that stops updating while the socket stays open shows stale after 3 expected periods.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startErpSimulator } from '../../sim/erp/index.js';
import {
  committedGood, confirmed, countProduced, lineModel, lineStatus, opcuaConnection, RestartableServer, settle, startTestAgent, tempDir, waitFor,
} from './opcuaCountersSupport.js';

describe('OPC UA recovery', () => {
  it('delivers again after a server restart with no action, and confirms exactly the parts made, posted once to the ERP', async () => {
    const dir = tempDir('pd-recovery-restart-');
    const erp = await startErpSimulator({ port: 0 });
    onTestFinished(() => erp.stop());
    const model = lineModel();
    const server = await RestartableServer.start(model, join(dir, 'server-pki'));
    const agent = await startTestAgent({ endpoint: server.endpoint, dataDir: join(dir, 'data'), erpUrl: erp.url });
    await waitFor(() => (committedGood(agent) === 0 ? true : undefined), 20_000, 'the baseline 0');
    const made = countProduced(model);
    model.start();
    await waitFor(() => (confirmed(agent).events >= 2 ? true : undefined), 10_000, 'confirmations before the restart');

    await server.stop();
    await waitFor(async () => ((await opcuaConnection(agent)).state !== 'connected' ? true : undefined), 10_000, 'the agent to see the server gone');
    const goodAtStop = model.snapshot('L1').goodCount;
    await new Promise((r) => setTimeout(r, 5000)); // the line keeps producing meanwhile
    await server.startWith(model); // a new server instance: the old session and subscription are gone
    const restartedAt = Date.now();

    await waitFor(() => ((committedGood(agent) ?? 0) > goodAtStop + 50 ? true : undefined), 30_000, 'values from the restarted server');
    const recoveredInMs = Date.now() - restartedAt;
    await waitFor(async () => ((await opcuaConnection(agent)).state === 'connected' ? true : undefined), 10_000, 'the connection to show connected');
    model.stop();

    const result = await settle(agent, model, made);
    expect(made.good).toBeGreaterThan(100);
    expect(result.yieldQty).toBe(made.good);
    expect(result.scrapQty).toBe(made.scrap);
    expect(recoveredInMs).toBeLessThan(30_000);

    // Like MES confirmations, they are validated and posted, each once, with the same totals in the ERP.
    await waitFor(() => (confirmed(agent).statuses.join() === 'posted' ? true : undefined), 30_000, `every confirmation posted (have ${confirmed(agent).statuses.join()})`);
    const inErp = erp.received.filter((r) => r.orderId === '1000001');
    expect(inErp).toHaveLength(result.events);
    expect(new Set(inErp.map((r) => r.externalSystemConfirmation)).size).toBe(result.events);
    expect(inErp.reduce((n, r) => n + Number(r.yieldQuantity), 0)).toBe(made.good);
  });

  it('shows stale after 3 expected periods when the server stops updating but the socket stays open', async () => {
    const dir = tempDir('pd-recovery-stale-');
    // Half the parts scrap: both counters change several times a second, so neither is stale while the line runs.
    const model = lineModel({ scrapRate: 0.5 });
    const server = await RestartableServer.start(model, join(dir, 'server-pki'));
    const agent = await startTestAgent({ endpoint: server.endpoint, dataDir: join(dir, 'data'), line: { expectedPeriodMs: { good: 500, scrap: 500 } } });
    model.start();
    await waitFor(async () => ((await opcuaConnection(agent)).state === 'connected' && (await lineStatus(agent)).fresh ? true : undefined), 20_000, 'connected and fresh');
    // Values every ~50 ms: fresh all along.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 200));
      expect((await lineStatus(agent)).fresh).toBe(true);
    }

    model.stop(); // the server keeps running and the session keeps its keep-alives: only the values stop
    const stoppedAt = Date.now();
    await waitFor(async () => ((await lineStatus(agent)).staleSignals.includes('good') ? true : undefined), 10_000, 'the good counter to turn stale');
    const staleAfterMs = Date.now() - stoppedAt;
    // 3 periods of 500 ms after the last value, checked every 500 ms and pushed within 250 ms.
    expect(staleAfterMs).toBeGreaterThanOrEqual(1400);
    expect(staleAfterMs).toBeLessThan(3500);
    await waitFor(async () => ((await lineStatus(agent)).staleSignals.length === 2 ? true : undefined), 3000, 'both counters stale');
    expect(await lineStatus(agent)).toMatchObject({ fresh: false, staleSignals: ['good', 'scrap'] });
    const connection = await waitFor(async () => {
      const c = await opcuaConnection(agent);
      return c.state === 'stale' ? c : undefined;
    }, 5000, 'the connection to show stale');
    expect(connection.lastError).toMatch(/no value from L1 good, L1 scrap/);
    expect((await agent.api.getHealth()).status).toBe('degraded');

    model.advance(1000);
    await waitFor(async () => ((await lineStatus(agent)).fresh && (await opcuaConnection(agent)).state === 'connected' ? true : undefined), 5000, 'fresh again');
  });
});
