// Bench "opcua": OPC UA notifications from a server in another process (2,000 items at 100 ms, 10,000 at 1 s)
// through the agent's OPC UA source to committed telemetry rows (group commit, synchronous=FULL): notifications
// per second and the agent's CPU, against a bare node-opcua client subscribing to the same items in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributeIds, ClientMonitoredItemGroup, MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, TimestampsToReturn, type DataValue } from 'node-opcua';
import { pino } from 'pino';
import { startOpcuaSource, type OpcuaSignal } from '../connectors/opcua/index.js';
import { openDatabase } from '../local-store/index.js';
import { Ingest } from '../main/agent/ingest.js';

const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
const SCENARIOS = [
  { items: 2000, intervalMs: 100 },
  { items: 10_000, intervalMs: 1000 },
];
const here = dirname(fileURLToPath(import.meta.url));

async function startServer(items: number, intervalMs: number, pkiDir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(here, 'support', 'opcuaLoadServer.js'), String(items), String(intervalMs), pkiDir], { stdio: ['ignore', 'pipe', 'ignore'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`load server exited with ${code}`)));
  });
  return { endpoint, child };
}

/**
 * Values received per server tick. Counting "whatever arrived in a 10 s window" moves in steps of one tick's worth
 * (10,000 values at 1 s) with the window's phase against the publish cycle; counting how many of the values of the
 * ticks produced during the window arrived (waiting for stragglers) does not.
 */
class TickTally {
  private readonly counts = new Map<number, number>();
  private readonly sourceTimes = new Map<number, number>();
  /** The newest tick seen. */
  newest = -1;

  add(value: unknown, sourceTime: number | undefined): void {
    if (typeof value !== 'number') return;
    const tick = Math.floor(value);
    this.counts.set(tick, (this.counts.get(tick) ?? 0) + 1);
    if (!this.sourceTimes.has(tick) && sourceTime !== undefined) this.sourceTimes.set(tick, sourceTime);
    if (tick > this.newest) this.newest = tick;
  }

  delivered(from: number, to: number): number {
    let sum = 0;
    for (let t = from; t < to; t++) sum += this.counts.get(t) ?? 0;
    return sum;
  }

  /** The server's actual tick period over [from, to) from its source timestamps (it drifts under load). */
  periodMs(from: number, to: number, nominalMs: number): number {
    const first = this.sourceTimes.get(from);
    const last = this.sourceTimes.get(to - 1);
    return first !== undefined && last !== undefined && to - 1 > from ? (last - first) / (to - 1 - from) : nominalMs;
  }
}

interface Measured {
  readonly perS: number;
  readonly cpuPct: number;
  /** Share of the values produced during the window that arrived (committed, for the agent). */
  readonly deliveredPct: number;
  readonly ticks: number;
  /** From starting the client until every monitored item existed. */
  readonly setupMs: number;
}

/** After the warm-up: the ticks the server produced during the window, the CPU this process used meanwhile. */
async function measure(tally: TickTally, items: number, intervalMs: number, setupMs: number): Promise<Measured> {
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const from = tally.newest + 1;
  const startCpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const to = tally.newest + 1;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(startCpu);
  // Values of the window's last ticks may still be on their way (publish cycle, queue, commit): wait until their
  // count stood still for 1 s and 3 intervals (at most 15 s).
  const quietMs = Math.max(1000, 3 * intervalMs);
  let delivered = tally.delivered(from, to);
  for (let still = 0, waited = 0; still < quietMs && waited < 15_000; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    const now = tally.delivered(from, to);
    still = now === delivered ? still + 250 : 0;
    delivered = now;
  }
  const ticks = to - from;
  return {
    perS: delivered / ((ticks * tally.periodMs(from, to, intervalMs)) / 1000),
    cpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    deliveredPct: (delivered / (ticks * items)) * 100,
    ticks,
    setupMs,
  };
}

async function bareClient(endpoint: string, items: number, intervalMs: number, pkiDir: string): Promise<Measured> {
  const began = Date.now();
  const certificateManager = new OPCUACertificateManager({ rootFolder: join(pkiDir, 'bare'), automaticallyAcceptUnknownCertificate: true });
  const client = OPCUAClient.create({ endpointMustExist: false, securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None, clientCertificateManager: certificateManager });
  await client.connect(endpoint);
  const session = await client.createSession();
  const subscription = await session.createSubscription2({ requestedPublishingInterval: intervalMs, requestedLifetimeCount: 100, requestedMaxKeepAliveCount: 10, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 10 });
  const tally = new TickTally();
  const group = ClientMonitoredItemGroup.create(
    subscription,
    Array.from({ length: items }, (_, i) => ({ nodeId: `ns=1;s=Load.${i}`, attributeId: AttributeIds.Value })),
    { samplingInterval: intervalMs, discardOldest: true, queueSize: 10 },
    TimestampsToReturn.Both,
  );
  group.on('changed', (_item: unknown, dataValue: DataValue) => tally.add(dataValue.value.value, dataValue.sourceTimestamp?.getTime()));
  await new Promise<void>((resolve) => group.once('initialized', () => resolve()));
  const result = await measure(tally, items, intervalMs, Date.now() - began);
  await subscription.terminate();
  await session.close();
  await client.disconnect();
  await certificateManager.dispose();
  return result;
}

async function agentSource(endpoint: string, items: number, intervalMs: number, dir: string): Promise<Measured> {
  const began = Date.now();
  const db = openDatabase(join(dir, `opcua-${items}.db`));
  const ingest = new Ingest(db, pino({ level: 'silent' }));
  const tally = new TickTally();
  const signals: OpcuaSignal[] = Array.from({ length: items }, (_, i) => ({ line: `B${i}`, role: 'state', nodeId: `ns=1;s=Load.${i}` }));
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const source = await startOpcuaSource(
    { name: 'bench', endpoint, securityMode: 'None', securityPolicy: 'None', allowInsecure: true, samplingIntervalMs: intervalMs, publishingIntervalMs: intervalMs, signals, pkiDir: join(dir, 'pki-agent') },
    (sample) => {
      // Counted once committed: what the agent would acknowledge.
      void ingest.submitOpcua(sample).then(() => tally.add(sample.value, sample.sourceTime));
    },
    (state) => {
      if (state === 'connected') connected();
    },
  );
  // Measure from the moment every monitored item exists, as the bare client does.
  await ready;
  const result = await measure(tally, items, intervalMs, Date.now() - began);
  await source.stop();
  ingest.flush();
  db.close();
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'pd-bench-opcua-'));
const scenarios = [];
try {
  for (const { items, intervalMs } of SCENARIOS) {
    const server = await startServer(items, intervalMs, join(dir, `pki-server-${items}`));
    try {
      const baseline = await bareClient(server.endpoint, items, intervalMs, dir);
      const agent = await agentSource(server.endpoint, items, intervalMs, dir);
      scenarios.push({
        items, interval_ms: intervalMs, expected_per_s: Math.round((items * 1000) / intervalMs), ticks: agent.ticks,
        notifications_per_s: Math.round(agent.perS), agent_cpu_pct: Math.round(agent.cpuPct), agent_delivered_pct: Number(agent.deliveredPct.toFixed(2)), agent_setup_ms: agent.setupMs,
        baseline_per_s: Math.round(baseline.perS), baseline_cpu_pct: Math.round(baseline.cpuPct), baseline_delivered_pct: Number(baseline.deliveredPct.toFixed(2)), baseline_setup_ms: baseline.setupMs,
        baseline_ticks: baseline.ticks,
        // Of the values the server produced during each window, the share the agent committed over the share the
        // bare client received: the server's own pace (which drifts under load) does not enter it.
        ratio: Number((agent.deliveredPct / baseline.deliveredPct).toFixed(3)),
        per_s_ratio: Number((agent.perS / baseline.perS).toFixed(3)),
      });
    } finally {
      server.child.kill('SIGTERM');
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// The headline figures are the heavier case (2,000 items at 100 ms); both cases are listed.
const head = scenarios[0]!;
console.log(JSON.stringify({ bench: 'opcua', notifications_per_s: head.notifications_per_s, agent_cpu_pct: head.agent_cpu_pct, baseline_per_s: head.baseline_per_s, ratio: head.ratio, scenarios }));
process.exit(0);
