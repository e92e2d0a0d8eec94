// A database holding a backlog of N buffered confirmations, written by the agent's own intake (Ingest, group
// commit): raw rows, events and history rows exactly as the agent writes them. 99 % ready, 0.5 % exception
// (unknown order), 0.5 % mapped (arrived before the order cache was filled). Generated once and cached in
// os.tmpdir(), keyed by the schema (the SQL of every table, index and trigger), N and this generator's version.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { IncomingMqttMessage } from '../../connectors/mqtt/index.js';
import { openDatabase, type WritableDb } from '../../local-store/index.js';
import { Ingest } from '../../main/agent/ingest.js';
import { OrderCache } from '../../main/agent/orderCache.js';

const GENERATOR_VERSION = 1;
const BATCH = 500;
const LINES = ['L1', 'L2', 'L3', 'L4'] as const;
const ORDERS = ['1000001', '1000002', '1000003', '1000004'] as const;

function schemaKey(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-schema-'));
  try {
    const db = openDatabase(join(dir, 'schema.db'));
    const sql = (db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').all() as { sql: string | null }[]).map((r) => JSON.stringify(r)).join('\n');
    const version = db.pragma('user_version', { simple: true }) as number;
    db.close();
    return `${version}-${createHash('sha256').update(sql).digest('hex').slice(0, 12)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function message(seq: number, receivedAt: number): IncomingMqttMessage {
  const line = LINES[seq % LINES.length]!;
  // Every 200th names an order the ERP does not know: an exception, as a real backlog has a few.
  const orderId = seq % 200 === 7 ? '9999999' : ORDERS[seq % ORDERS.length]!;
  const end = new Date(receivedAt - 1000).toISOString();
  return {
    source: 'mes', topic: `plant/1010/${line}/confirmation`, type: 'confirmation', receivedAt,
    payload: Buffer.from(JSON.stringify({
      messageId: `backlog-${seq}`, plant: '1010', line, orderId, operation: '0010', workCenter: `WC-${line}`, material: 'FG-100',
      yield: 10 + (seq % 17), scrap: seq % 3, unit: 'PC', final: false, start: new Date(receivedAt - 61_000).toISOString(), end,
    })),
  };
}

function cacheOrders(db: WritableDb): OrderCache {
  const orders = new OrderCache(db);
  orders.replace(ORDERS.map((orderId) => ({
    orderId, plant: '1010', material: 'FG-100', quantity: 1e9, unit: 'PC', released: true, technicallyCompleted: false, confirmedYieldQty: 0,
    operations: [{ operation: '0010', workCenter: `WC-L${orderId.slice(-1)}`, unit: 'PC', plannedQty: 1e9, confirmedYieldQty: 0 }],
  })), Date.now());
  return orders;
}

async function generate(file: string, events: number, onProgress: (line: string) => void): Promise<void> {
  const db = openDatabase(file);
  // Bench data, not a plant's: no fsync per batch while generating (the file is checkpointed and closed at the end).
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const logger = pino({ level: 'silent' });
  const mappedFirst = Math.floor(events / 200);
  // The first 0.5 % arrive before the order cache was filled: they stay `mapped`.
  let ingest = new Ingest(db, logger);
  const t0 = Date.now() - events * 60; // one confirmation every 60 ms: about 17 hours of a busy plant's backlog
  const started = performance.now();
  for (let first = 0; first < events; first += BATCH) {
    if (first === mappedFirst - (mappedFirst % BATCH)) ingest = new Ingest(db, logger, { orders: cacheOrders(db) });
    const batch = Array.from({ length: Math.min(BATCH, events - first) }, (_, i) => message(first + i, t0 + (first + i) * 60));
    await Promise.all(batch.map((m) => ingest.submitMqtt(m)));
    if ((first / BATCH) % 200 === 0 && first > 0) onProgress(`backlog: ${first} of ${events} events, ${Math.round(first / ((performance.now() - started) / 1000))}/s`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/**
 * Path of a cached database with `events` buffered events (generated first if missing, about a minute per
 * million). Treat it as read-only: copy it before an agent opens it.
 */
export async function backlogDatabase(events: number, onProgress: (line: string) => void = () => undefined): Promise<string> {
  const dir = join(tmpdir(), 'plantdesk-bench-backlog');
  mkdirSync(dir, { recursive: true });
  const name = `backlog-${events}-g${GENERATOR_VERSION}-s${schemaKey()}.db`;
  const file = join(dir, name);
  if (existsSync(file)) return file;
  // Other schemas' files are stale: remove them (each is about a gigabyte per million events).
  for (const old of readdirSync(dir)) rmSync(join(dir, old), { force: true });
  onProgress(`backlog: generating ${events} events into ${file}`);
  const partial = join(dir, `partial-${process.pid}.db`);
  await generate(partial, events, onProgress);
  renameSync(partial, file);
  return file;
}
