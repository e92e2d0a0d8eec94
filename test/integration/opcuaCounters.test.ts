// OPC UA counters against the demo plant's real OPC UA server: a counter reset on the server, a UInt32 rollover and
// an agent restart are each counted per the counter rule (docs/ARCHITECTURE.md, "Counters"): exactly what was made.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  committedGood, confirmed, countProduced, lineModel, RestartableServer, settle, startTestAgent, tempDir, waitFor,
} from './opcuaCountersSupport.js';

const UINT32 = 2 ** 32;

describe('OPC UA counters become confirmations', () => {
  it('counts a counter reset on the server (a new model with counters at 0) from zero', async () => {
    const dir = tempDir('pd-counters-reset-');
    const before = lineModel({ initialGoodCount: 5000, initialScrapCount: 300 });
    const server = await RestartableServer.start(before, join(dir, 'server-pki'));
    const agent = await startTestAgent({ endpoint: server.endpoint, dataDir: join(dir, 'data') });
    await waitFor(() => (committedGood(agent) === 5000 ? true : undefined), 20_000, 'the baseline 5000');

    const madeBefore = countProduced(before);
    before.advance(3000);
    await waitFor(() => (committedGood(agent) === before.snapshot('L1').goodCount ? true : undefined), 10_000, 'the last count before the reset');
    expect(madeBefore.good).toBeGreaterThan(20);

    // The PLC restarts with its counters at zero: a new server instance on the same port, a new model.
    await server.stop();
    const after = lineModel({}, 0.3);
    const madeAfter = countProduced(after);
    after.advance(1000); // made before the agent sees the server again; far below the old count, so a reset
    await server.startWith(after);
    after.advance(2000);

    const result = await settle(agent, after, { good: madeBefore.good + madeAfter.good, scrap: madeBefore.scrap + madeAfter.scrap });
    expect(madeAfter.good).toBeGreaterThan(20);
    expect(result.yieldQty).toBe(madeBefore.good + madeAfter.good);
    expect(result.scrapQty).toBe(madeBefore.scrap + madeAfter.scrap);
    const reset = agent.db.prepare("SELECT COUNT(*) AS n FROM raw_message WHERE channel = ? AND status = 'telemetry'").get('ns=1;s=L1.GoodCount') as { n: number };
    expect(reset.n).toBeGreaterThan(2);
  });

  it('counts across a UInt32 rollover of the good counter', async () => {
    const dir = tempDir('pd-counters-rollover-');
    const start = UINT32 - 25;
    const model = lineModel({ initialGoodCount: start, scrapRate: 0 });
    const server = await RestartableServer.start(model, join(dir, 'server-pki'));
    const agent = await startTestAgent({ endpoint: server.endpoint, dataDir: join(dir, 'data') });
    await waitFor(() => (committedGood(agent) === start ? true : undefined), 20_000, 'the baseline near 2^32');

    const made = countProduced(model);
    for (let i = 0; i < 6; i++) {
      model.advance(500);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(model.snapshot('L1').goodCount).toBeLessThan(start); // it wrapped
    const result = await settle(agent, model, made);
    expect(made.good).toBeGreaterThan(40);
    expect(result.yieldQty).toBe(made.good);
  });

  it('passes the deadband to the server: the counters arrive in steps above it, and the steps are counted exactly', async () => {
    const dir = tempDir('pd-counters-deadband-');
    const model = lineModel({ scrapRate: 0 });
    const server = await RestartableServer.start(model, join(dir, 'server-pki'));
    const agent = await startTestAgent({ endpoint: server.endpoint, dataDir: join(dir, 'data'), source: { deadband: 5, queueSize: 50 } });
    await waitFor(() => (committedGood(agent) === 0 ? true : undefined), 20_000, 'the baseline 0');
    for (let i = 0; i < 20; i++) {
      model.advance(150); // about 3 parts a step: below the deadband, so the server reports every second or third step
      await new Promise((r) => setTimeout(r, 120));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const values = (agent.db.prepare("SELECT payload FROM raw_message WHERE channel = ? AND status = 'telemetry' ORDER BY id").all('ns=1;s=L1.GoodCount') as { payload: string }[])
      .map((r) => (JSON.parse(r.payload) as { value: number }).value);
    expect(values[0]).toBe(0);
    expect(values.length).toBeGreaterThan(3);
    for (let i = 1; i < values.length; i++) expect(values[i]! - values[i - 1]!).toBeGreaterThan(5);
    // The order node (a string) is subscribed without a deadband and still arrives: confirmations carry it.
    await waitFor(() => (confirmed(agent).yieldQty === values.at(-1) ? true : undefined), 10_000, `yield ${values.at(-1)} confirmed (have ${confirmed(agent).yieldQty})`);
    expect(model.snapshot('L1').goodCount - values.at(-1)!).toBeLessThanOrEqual(5);
  });

  it('counts parts made while the agent was stopped, once, when it starts again on the same data', async () => {
    const dir = tempDir('pd-counters-restart-');
    const model = lineModel();
    const server = await RestartableServer.start(model, join(dir, 'server-pki'));
    const first = await startTestAgent({ endpoint: server.endpoint, dataDir: join(dir, 'data') });
    await waitFor(() => (committedGood(first) === 0 ? true : undefined), 20_000, 'the baseline 0');
    const made = countProduced(model);
    model.start();
    await waitFor(() => (confirmed(first).events > 0 ? true : undefined), 10_000, 'a first confirmation');
    await first.stop();

    // Parts keep coming while no agent runs; some increments were counted but not yet confirmed at the stop.
    await new Promise((r) => setTimeout(r, 3000));
    const second = await startTestAgent({ endpoint: server.endpoint, dataDir: join(dir, 'data') });
    await new Promise((r) => setTimeout(r, 2000));
    model.stop();
    const result = await settle(second, model, made);
    expect(made.good).toBeGreaterThan(50);
    expect(result.yieldQty).toBe(made.good);
    expect(result.scrapQty).toBe(made.scrap);
  });
});
