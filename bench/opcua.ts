// Bench "opcua": OPC UA notifications from a server in another process (2,000 items at 100 ms, 10,000 at 1 s)
// through the agent's OPC UA source to committed telemetry rows (group commit, synchronous=FULL): notifications
// per second and the agent's CPU, against a bare node-opcua client subscribing to the same items in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributeIds, ClientMonitoredItemGroup, MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, TimestampsToReturn } from 'node-opcua';
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

/** Counts what `count()` reports over the window after a warm-up, with the CPU this process used meanwhile. */
async function measure(count: () => number): Promise<{ perS: number; cpuPct: number }> {
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const startCount = count();
  const startCpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(startCpu);
  return { perS: (count() - startCount) / seconds, cpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100 };
}

async function bareClient(endpoint: string, items: number, intervalMs: number, pkiDir: string): Promise<{ perS: number; cpuPct: number }> {
  const certificateManager = new OPCUACertificateManager({ rootFolder: join(pkiDir, 'bare'), automaticallyAcceptUnknownCertificate: true });
  const client = OPCUAClient.create({ endpointMustExist: false, securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None, clientCertificateManager: certificateManager });
  await client.connect(endpoint);
  const session = await client.createSession();
  const subscription = await session.createSubscription2({ requestedPublishingInterval: intervalMs, requestedLifetimeCount: 100, requestedMaxKeepAliveCount: 10, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 10 });
  let notifications = 0;
  const group = ClientMonitoredItemGroup.create(
    subscription,
    Array.from({ length: items }, (_, i) => ({ nodeId: `ns=1;s=Load.${i}`, attributeId: AttributeIds.Value })),
    { samplingInterval: intervalMs, discardOldest: true, queueSize: 10 },
    TimestampsToReturn.Both,
  );
  group.on('changed', () => notifications++);
  const result = await measure(() => notifications);
  await subscription.terminate();
  await session.close();
  await client.disconnect();
  await certificateManager.dispose();
  return result;
}

async function agentSource(endpoint: string, items: number, intervalMs: number, dir: string): Promise<{ perS: number; cpuPct: number }> {
  const db = openDatabase(join(dir, `opcua-${items}.db`));
  const ingest = new Ingest(db, pino({ level: 'silent' }));
  let committed = 0;
  const signals: OpcuaSignal[] = Array.from({ length: items }, (_, i) => ({ line: `B${i}`, role: 'state', nodeId: `ns=1;s=Load.${i}` }));
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const source = await startOpcuaSource(
    { name: 'bench', endpoint, securityMode: 'None', securityPolicy: 'None', allowInsecure: true, samplingIntervalMs: intervalMs, publishingIntervalMs: intervalMs, signals, pkiDir: join(dir, 'pki-agent') },
    (sample) => {
      void ingest.submitOpcua(sample).then(() => committed++);
    },
    (state) => {
      if (state === 'connected') connected();
    },
  );
  // Measure from the moment every monitored item exists, as the bare client does.
  await ready;
  const result = await measure(() => committed);
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
        items, interval_ms: intervalMs, expected_per_s: Math.round((items * 1000) / intervalMs),
        notifications_per_s: Math.round(agent.perS), agent_cpu_pct: Math.round(agent.cpuPct),
        baseline_per_s: Math.round(baseline.perS), baseline_cpu_pct: Math.round(baseline.cpuPct), ratio: Number((agent.perS / baseline.perS).toFixed(2)),
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
