// Bench "ingest": MQTT messages committed through the agent's intake (raw row + mapped event, one durable
// transaction per message, as the MQTT source acknowledges them one by one), against the raw baseline of
// one durable single-row insert per message on the same machine in the same run.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Ingest } from '../main/agent/ingest.js';
import { openDatabase } from '../local-store/index.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = 3;

function payload(seq: number): Buffer {
  return Buffer.from(JSON.stringify({
    messageId: `bench-${seq}`, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', workCenter: 'WC-L1',
    material: 'FG-100', yield: 12, scrap: 1, unit: 'PC', final: false, start: '2026-11-25T10:00:00.000Z', end: '2026-11-25T10:00:05.000Z',
  }));
}

function perSecond(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return MESSAGES / (Number(process.hrtime.bigint() - start) / 1e9);
}

function measurePipeline(dir: string): number {
  const db = openDatabase(join(dir, `pipeline-${Math.random()}.db`));
  const ingest = new Ingest(db, pino({ level: 'silent' }));
  const rate = perSecond(() => {
    for (let seq = 0; seq < MESSAGES; seq++) {
      ingest.commitMqtt({ source: 'bench', topic: 'plantdesk/demo/1010/L1/confirmation', type: 'confirmation', payload: payload(seq), receivedAt: Date.now() });
    }
  });
  db.close();
  return rate;
}

function measureBaseline(dir: string): number {
  const db = new Database(join(dir, `baseline-${Math.random()}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE raw (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO raw (key, payload) VALUES (?, ?)');
  const rate = perSecond(() => {
    for (let seq = 0; seq < MESSAGES; seq++) insert.run(`bench-${seq}`, payload(seq).toString());
  });
  db.close();
  return rate;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'pd-bench-ingest-'));
try {
  const pipeline: number[] = [];
  const baseline: number[] = [];
  // Interleave rounds so drift on a noisy machine hits both sides alike.
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(measureBaseline(dir));
    pipeline.push(measurePipeline(dir));
  }
  const eventsPerS = median(pipeline);
  const baselinePerS = median(baseline);
  console.log(JSON.stringify({ bench: 'ingest', messages: MESSAGES, rounds: ROUNDS, events_per_s: Math.round(eventsPerS), baseline_per_s: Math.round(baselinePerS), ratio: Number((eventsPerS / baselinePerS).toFixed(2)) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
