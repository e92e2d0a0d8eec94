// The demo's Sparkplug B edge node: on its own against the demo broker (NBIRTH with bdSeq and aliases, NDATA by
// alias, an NCMD rebirth answered with a new NBIRTH, a new bdSeq per connection), and in the demo environment with
// the agent, where the console's API lists it online without a single rejected Sparkplug message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, createLogger, opcuaPkiDir, startAgent } from '../../main/agent/index.js';
import { startDemoEnvironment } from '../../main/console/demo.js';
import { startDemoBroker } from '../../sim/plant/broker.js';
import { LineModel } from '../../sim/plant/lineModel.js';
import { DEMO_SPARKPLUG_GROUP, DEMO_SPARKPLUG_NODE, startSparkplugEdge } from '../../sim/plant/sparkplugEdge.js';
import { waitFor } from '../helpers/consoleProcess.js';

const codec = sparkplugPayload.get('spBv1.0');
if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
const { encodePayload, decodePayload } = codec;
const topic = (type: string): string => `spBv1.0/${DEMO_SPARKPLUG_GROUP}/${type}/${DEMO_SPARKPLUG_NODE}`;

describe('demo Sparkplug edge node', () => {
  it('births with bdSeq and aliased line metrics, sends NDATA by alias, and answers a rebirth request', async () => {
    const broker = await startDemoBroker();
    const model = new LineModel({ seed: 3 });
    const host = await connectAsync(broker.url, { clientId: 'test-host' });
    const seen: { topic: string; payload: ReturnType<typeof decodePayload> }[] = [];
    host.on('message', (t, p) => seen.push({ topic: t, payload: decodePayload(p) }));
    await host.subscribeAsync(`spBv1.0/${DEMO_SPARKPLUG_GROUP}/+/${DEMO_SPARKPLUG_NODE}`, { qos: 0 });
    const edge = await startSparkplugEdge({ brokerUrl: broker.url, model, intervalMs: 100 });
    try {
      const birth = await waitFor(() => seen.find((m) => m.topic === topic('NBIRTH')), 5000, 'an NBIRTH');
      expect(Number(birth.payload.seq)).toBe(0);
      const metrics = birth.payload.metrics ?? [];
      expect(metrics.slice(0, 2)).toEqual([
        expect.objectContaining({ name: 'bdSeq', type: 'Int64' }),
        expect.objectContaining({ name: 'Node Control/Rebirth', type: 'Boolean', value: false }),
      ]);
      expect(metrics.slice(2).map((m) => `${m.name}#${String(m.alias)}:${m.type}`)).toEqual([
        'L1/GoodCount#11:UInt32', 'L1/ScrapCount#12:UInt32', 'L1/State#13:String',
        'L2/GoodCount#21:UInt32', 'L2/ScrapCount#22:UInt32', 'L2/State#23:String',
        'L3/GoodCount#31:UInt32', 'L3/ScrapCount#32:UInt32', 'L3/State#33:String',
      ]);
      model.advance(10_000);
      const data = await waitFor(() => {
        const all = seen.filter((m) => m.topic === topic('NDATA'));
        return all.length >= 2 ? all : undefined;
      }, 5000, 'two NDATA');
      expect(data.map((d) => Number(d.payload.seq))).toEqual([1, 2]);
      const good = data[1]!.payload.metrics?.find((m) => String(m.alias) === '11');
      expect(good?.name).toBeUndefined();
      expect(Number(good?.value)).toBe(model.snapshot('L1').goodCount);

      await host.publishAsync(topic('NCMD'), Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] })), { qos: 0 });
      await waitFor(() => (edge.births === 2 ? true : undefined), 5000, 'a second NBIRTH');
      const rebirth = seen.filter((m) => m.topic === topic('NBIRTH'));
      expect(rebirth).toHaveLength(2);
      expect(Number(rebirth[1]!.payload.metrics?.[0]?.value)).toBe(Number(metrics[0]?.value));
      expect(edge.bdSeq).toBe(0);

      // Its deliberate goodbye: an NDEATH with the session's bdSeq.
      await edge.stop();
      const death = await waitFor(() => seen.find((m) => m.topic === topic('NDEATH')), 5000, 'an NDEATH');
      expect(death.payload.metrics?.map((m) => [m.name, Number(m.value)])).toEqual([['bdSeq', 0]]);
    } finally {
      await edge.stop();
      await host.endAsync(true);
      await broker.stop();
    }
  });

  it('shows online in the demo console\'s API, born for PlantDesk\'s host, with no rejected Sparkplug message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-demo-spb-'));
    const env = await startDemoEnvironment(join(dataDir, 'sim-pki'), opcuaPkiDir(dataDir));
    const agent = await startAgent({ config: ConfigSchema.parse(env.config), dataDir, logger: createLogger('silent'), version: 'test', demo: true });
    try {
      const online = await waitFor(async () => {
        const nodes = await agent.api.listSparkplugNodes();
        const n = nodes.find((x) => x.node === DEMO_SPARKPLUG_NODE);
        return n?.state === 'online' && (n.seq ?? 0) >= 1 ? n : undefined;
      }, 30_000, 'the demo edge node online with data');
      expect(online).toMatchObject({ source: 'demo-edge', group: DEMO_SPARKPLUG_GROUP, bdSeq: 0, metricCount: 11, awaitingRebirth: null });
      const connection = (await agent.api.getDashboard()).connections.find((c) => c.id === 'mqtt:sparkplug:demo-edge');
      expect(connection?.state).toBe('connected');
      expect(await agent.api.listRejected({ source: 'demo-edge' })).toEqual([]);
    } finally {
      await agent.stop();
      await env.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
