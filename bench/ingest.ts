// Bench "ingest": QoS 1 JSON confirmations (~300 bytes) from a separate publisher process through mosquitto to
// the agent's intake (MQTT source, mapping, group commit with synchronous=FULL, PUBACK after commit, then
// validation against the cached orders), against a do-nothing mqtt.js subscriber in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { startMqttSource } from '../connectors/mqtt/index.js';
import { countEventsByStatus, openDatabase } from '../local-store/index.js';
import { EnterpriseSchema } from '../main/agent/config/enterpriseSchema.js';
import { EnterprisePublisher } from '../main/agent/enterprisePublisher.js';
import { Ingest } from '../main/agent/ingest.js';
import { OrderCache } from '../main/agent/orderCache.js';
import { validateMappedEvents } from '../main/agent/validator.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** BENCH_ENTERPRISE=publish: enterprise publish drains the outbox to a second mosquitto while the intake runs. */
const ENTERPRISE = process.env.BENCH_ENTERPRISE;
const here = dirname(fileURLToPath(import.meta.url));

function runPublisher(url: string, topic: string, count: number, runId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'support', 'publisher.js'), url, topic, String(count), runId], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`publisher exited with ${code}`))));
  });
}

/**
 * Messages per second from the first to the last one handled, as the receiving side saw them, and this process's
 * CPU time per message over the same window (the publisher is another process): on a shared machine the CPU
 * figure moves far less with the load than the rate does.
 */
async function timeReceipt(count: number, publish: () => Promise<void>, received: () => number): Promise<{ rate: number; cpuUs: number }> {
  const started = publish();
  while (received() === 0) await new Promise((r) => setImmediate(r));
  const first = process.hrtime.bigint();
  const cpuFirst = process.cpuUsage();
  while (received() < count) await new Promise((r) => setTimeout(r, 1));
  const seconds = Number(process.hrtime.bigint() - first) / 1e9;
  const cpu = process.cpuUsage(cpuFirst);
  await started;
  return { rate: (count - 1) / seconds, cpuUs: (cpu.user + cpu.system) / (count - 1) };
}

async function baseline(url: string, round: number): Promise<{ rate: number; cpuUs: number }> {
  const topic = `bench/baseline/${round}`;
  let received = 0;
  const client = await mqtt.connectAsync(url, { clientId: `bench-sub-${round}`, clean: false });
  client.on('message', () => received++);
  await client.subscribeAsync(topic, { qos: 1 });
  const measured = await timeReceipt(MESSAGES, () => runPublisher(url, topic, MESSAGES, `b${round}`), () => received);
  await client.endAsync();
  return measured;
}

async function pipeline(url: string, dir: string, round: number): Promise<{ rate: number; cpuUs: number }> {
  const db = openDatabase(join(dir, `ingest-${round}.db`));
  const orders = new OrderCache(db);
  orders.replace([{ orderId: '1000001', plant: '1010', material: 'FG-100', quantity: 1e9, unit: 'PC', released: true, technicallyCompleted: false, confirmedYieldQty: 0, operations: [{ operation: '0010', workCenter: 'WC-L1', unit: 'PC', plannedQty: 1e9, confirmedYieldQty: 0 }] }], Date.now());
  const logger = pino({ level: 'silent' });
  const publisher = enterpriseBroker
    ? new EnterprisePublisher({ db, config: EnterpriseSchema.parse({ url: enterpriseBroker.url, clientId: `bench-enterprise-${round}` }), plant: '1010', logger, onStatus: () => undefined })
    : undefined;
  publisher?.start();
  const ingest = new Ingest(db, logger, { orders });
  let stored = 0;
  let connected = false;
  const topic = `bench/pipeline/${round}`;
  const source = startMqttSource(
    { name: 'bench', url, clientId: `bench-agent-${round}`, topics: [{ filter: 'bench/pipeline/#', type: 'confirmation' }] },
    async (message) => {
      if ((await ingest.submitMqtt(message)) === 'stored') stored++;
    },
    (state) => {
      if (state === 'connected') connected = true;
    },
  );
  while (!connected) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200));
  const { rate, cpuUs } = await timeReceipt(MESSAGES, () => runPublisher(url, topic, MESSAGES, `p${round}`), () => stored);
  // Validation runs at intake when orders are cached; any left `mapped` are validated here and counted in.
  const validateStart = process.hrtime.bigint();
  while (validateMappedEvents(db, logger) > 0);
  const validateSeconds = Number(process.hrtime.bigint() - validateStart) / 1e9;
  const ready = countEventsByStatus(db).ready;
  if (process.env.BENCH_DEBUG) console.error({ intakePerS: Math.round(rate), validateSeconds, enterprisePublished: publisher?.status().publishedSequence });
  await source.stop();
  await publisher?.stop();
  db.close();
  if (ready !== MESSAGES) throw new Error(`expected ${MESSAGES} ready events, found ${ready}`);
  return { rate: 1 / (1 / rate + validateSeconds / MESSAGES), cpuUs };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const broker = await startMosquitto();
const enterpriseBroker = ENTERPRISE === 'publish' ? await startMosquitto() : undefined;
const dir = mkdtempSync(join(tmpdir(), 'pd-bench-ingest-'));
try {
  const agentRates: number[] = [];
  const baselineRates: number[] = [];
  const agentCpu: number[] = [];
  const baselineCpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = await baseline(broker.url, round);
    baselineRates.push(base.rate);
    baselineCpu.push(base.cpuUs);
    const agent = await pipeline(broker.url, dir, round);
    agentRates.push(agent.rate);
    agentCpu.push(agent.cpuUs);
  }
  const eventsPerS = median(agentRates);
  const baselinePerS = median(baselineRates);
  console.log(JSON.stringify({ bench: 'ingest', ...(ENTERPRISE ? { enterprise: ENTERPRISE } : {}), messages: MESSAGES, rounds: ROUNDS, events_per_s: Math.round(eventsPerS), baseline_per_s: Math.round(baselinePerS), ratio: Number((eventsPerS / baselinePerS).toFixed(2)), cpu_us_per_event: Number(median(agentCpu).toFixed(1)), baseline_cpu_us_per_message: Number(median(baselineCpu).toFixed(1)) }));
} finally {
  await broker.stop();
  await enterpriseBroker?.stop();
  rmSync(dir, { recursive: true, force: true });
}
