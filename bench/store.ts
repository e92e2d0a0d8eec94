// Bench "store": the store's write path as the agent uses it: Ingest.submitMqtt (mapping and validation of the
// JSON, idempotency key, a raw row, its canonical event and its history row, the maintained queue counts) through
// the GroupCommitter, WAL with synchronous=FULL, messages arriving BENCH_BATCH at a time (default 500, the
// committer's maximum batch, so one transaction per arrival). Baseline, same run, interleaved: raw better-sqlite3
// inserts of the same three rows per message (values prepared beforehand), same schema and pragmas, one
// transaction per BENCH_BATCH messages. Each figure: median of BENCH_ROUNDS (default 5) rounds of BENCH_MESSAGES
// (default 50,000) messages.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { IncomingMqttMessage } from '../connectors/mqtt/index.js';
import { countEventsByStatus, maintainStatusCounts, newEventId, openDatabase } from '../local-store/index.js';
import { Ingest } from '../main/agent/ingest.js';
import { OrderCache } from '../main/agent/orderCache.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SOURCE = 'bench-store';
const TOPIC = 'plant/1010/L1/confirmation';

function payload(round: string, seq: number): string {
  return JSON.stringify({
    messageId: `${round}-${seq}`, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', workCenter: 'WC-L1',
    material: 'FG-100', yield: 12, scrap: 1, unit: 'PC', final: false, start: '2026-11-25T10:00:00.000Z', end: '2026-11-25T10:00:05.000Z',
  });
}

function cacheOrder(db: ReturnType<typeof openDatabase>): OrderCache {
  const orders = new OrderCache(db);
  orders.replace([{ orderId: '1000001', plant: '1010', material: 'FG-100', quantity: 1e9, unit: 'PC', released: true, technicallyCompleted: false, confirmedYieldQty: 0, operations: [{ operation: '0010', workCenter: 'WC-L1', unit: 'PC', plannedQty: 1e9, confirmedYieldQty: 0 }] }], Date.now());
  return orders;
}

/** The agent's path: BATCH messages handed to submitMqtt per turn of the event loop, each awaited as the MQTT source does. */
async function agentRound(dir: string, round: number): Promise<{ rate: number; cpuUs: number }> {
  const db = openDatabase(join(dir, `agent-${round}.db`));
  // As the agent's connection: queue counts kept by triggers (one more small write per event).
  maintainStatusCounts(db);
  const ingest = new Ingest(db, pino({ level: 'silent' }), { orders: cacheOrder(db) });
  const messages: IncomingMqttMessage[] = Array.from({ length: MESSAGES }, (_, seq) => ({
    source: SOURCE, topic: TOPIC, type: 'confirmation', payload: Buffer.from(payload(`a${round}`, seq)), receivedAt: Date.now(),
  }));
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let first = 0; first < MESSAGES; first += BATCH) {
    const outcomes = await Promise.all(messages.slice(first, first + BATCH).map((m) => ingest.submitMqtt(m)));
    if (outcomes.some((o) => o !== 'stored')) throw new Error(`not stored: ${outcomes.find((o) => o !== 'stored')}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const ready = countEventsByStatus(db).ready;
  db.close();
  if (ready !== MESSAGES) throw new Error(`expected ${MESSAGES} ready events, found ${ready}`);
  return { rate: MESSAGES / seconds, cpuUs: (cpu.user + cpu.system) / MESSAGES };
}

/** The same rows with plain prepared statements, values made before the clock starts. */
function baselineRound(dir: string, round: number): { rate: number; cpuUs: number } {
  // openDatabase only for the identical schema and pragmas; then a fresh plain connection with the same pragmas.
  const file = join(dir, `baseline-${round}.db`);
  openDatabase(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const now = Date.now();
  const rows = Array.from({ length: MESSAGES }, (_, seq) => {
    const text = payload(`b${round}`, seq);
    const body = JSON.parse(text) as Record<string, unknown>;
    // Event ids as the intake makes them (time-ordered, local-store/eventIds.ts): the same rows, the same index work.
    return { key: `mqtt:${SOURCE}:b${round}-${seq}`, payload: text, correlationId: randomUUID(), eventId: newEventId(now), body: JSON.stringify({ kind: 'confirmation', ...body }) };
  });
  const insertRaw = db.prepare(`INSERT INTO raw_message (idempotency_key, source, channel, payload, received_at, correlation_id, status, reject_reason,
      mapping_version, payload_encoding, payload_bytes, payload_truncated) VALUES (?, ?, ?, ?, ?, ?, 'mapped', NULL, 'mes-json-v1', 'utf8', ?, 0)
      ON CONFLICT(idempotency_key) DO NOTHING`);
  const insertEvent = db.prepare(`INSERT INTO event (event_id, raw_id, kind, status, order_id, body, reasons, correlation_id, created_at, updated_at, mapping_version)
      VALUES (?, ?, 'confirmation', 'ready', '1000001', ?, '[]', ?, ?, ?, 'mes-json-v1')`);
  const insertHistory = db.prepare(`INSERT INTO event_history (event_id, from_status, to_status, at, actor, reason, correlation_id)
      VALUES (?, NULL, 'ready', ?, 'system', 'received and validated against ERP master data', ?)`);
  const writeBatch = db.transaction((batch: typeof rows) => {
    for (const row of batch) {
      const rawId = insertRaw.run(row.key, SOURCE, TOPIC, row.payload, now, row.correlationId, row.payload.length).lastInsertRowid;
      insertEvent.run(row.eventId, rawId, row.body, row.correlationId, now, now);
      insertHistory.run(row.eventId, now, row.correlationId);
    }
  });
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let first = 0; first < MESSAGES; first += BATCH) writeBatch(rows.slice(first, first + BATCH));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  db.close();
  return { rate: MESSAGES / seconds, cpuUs: (cpu.user + cpu.system) / MESSAGES };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'pd-bench-store-'));
try {
  const agentRates: number[] = [];
  const baselineRates: number[] = [];
  const agentCpu: number[] = [];
  const baselineCpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = baselineRound(dir, round);
    baselineRates.push(base.rate);
    baselineCpu.push(base.cpuUs);
    const agent = await agentRound(dir, round);
    agentRates.push(agent.rate);
    agentCpu.push(agent.cpuUs);
    if (process.env.BENCH_DEBUG) console.error({ round, agent: Math.round(agentRates.at(-1)!), baseline: Math.round(baselineRates.at(-1)!) });
  }
  const eventsPerS = median(agentRates);
  const baselinePerS = median(baselineRates);
  console.log(JSON.stringify({ bench: 'store', messages: MESSAGES, rounds: ROUNDS, batch: BATCH, events_per_s: Math.round(eventsPerS), baseline_per_s: Math.round(baselinePerS), ratio: Number((eventsPerS / baselinePerS).toFixed(2)), cpu_us_per_event: Number(median(agentCpu).toFixed(1)), baseline_cpu_us_per_message: Number(median(baselineCpu).toFixed(1)) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
