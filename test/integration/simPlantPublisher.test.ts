// The demo MES publisher on its own: it confirms exactly what the lines made, stays quiet while they
// make nothing, and fails fast on a broker that is not there.

import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startDemoBroker } from '../../sim/plant/broker.js';
import { LineModel } from '../../sim/plant/lineModel.js';
import { startMesPublisher } from '../../sim/plant/mesPublisher.js';

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('MES publisher', () => {
  it('confirms exactly what the lines produced, and stays quiet while they produce nothing', async () => {
    const broker = await startDemoBroker();
    const sub = await connectAsync(broker.url);
    const got: Record<string, unknown>[] = [];
    sub.on('message', (_t, p) => got.push(JSON.parse(p.toString()) as Record<string, unknown>));
    await sub.subscribeAsync('plantdesk/quiet/#', { qos: 1 });
    // Not started: the model only moves when the test advances it.
    const model = new LineModel({ seed: 2 });
    const pub = await startMesPublisher({ brokerUrl: broker.url, model, intervalMs: 100, faultEvery: 0, topicPrefix: 'plantdesk/quiet' });
    try {
      await new Promise((r) => setTimeout(r, 400));
      expect(got).toEqual([]);
      expect(pub.published).toBe(0);
      expect(pub.runId).toMatch(/^[0-9a-z]+$/);

      model.advance(6000);
      await waitFor('one confirmation per line', () => got.length >= 3, 5000);
      await new Promise((r) => setTimeout(r, 300));
      expect(got.map((c) => c.line).sort()).toEqual(['L1', 'L2', 'L3']);
      for (const c of got) {
        const s = model.snapshot(c.line as string);
        expect(c.messageId).toBe(`${c.line as string}-C-${pub.runId}-000001`);
        expect([c.yield, c.scrap]).toEqual([s.goodCount, s.scrapCount]);
      }
      expect(pub.published).toBe(3);
    } finally {
      await pub.stop();
      await sub.endAsync();
      await broker.stop();
    }
  });

  it('gives up with a clear error when nothing listens at the broker URL', async () => {
    const model = new LineModel({ seed: 1 });
    await expect(startMesPublisher({ brokerUrl: 'mqtt://127.0.0.1:1', model })).rejects.toThrow(/mqtt:\/\/127\.0\.0\.1:1 not reachable: .*ECONNREFUSED/);
  });

  it('gives up after connectTimeoutMs when the broker never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    try {
      await expect(startMesPublisher({ brokerUrl: `mqtt://127.0.0.1:${port}`, model: new LineModel(), connectTimeoutMs: 400 })).rejects.toThrow(/within 400 ms/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});
