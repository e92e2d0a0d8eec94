// Pieces of the disk-full tests (diskFull.test.ts): a seeded store, a small disk (tmpfs where permitted), an MES
// publisher that records what the broker acknowledged, a Sparkplug B edge node sending telemetry, and a recorder
// of the capacity the API reports.
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import { insertEvent, insertRawMessage, openDatabase, type WritableDb } from '../../local-store/index.js';
import type { CapacityStatus, Health } from '../../domain/index.js';
import type { Agent } from '../../main/agent/index.js';

export const MB = 1024 * 1024;
export const MES_TOPIC = 'plant/1010/L1/confirmation';
export const SPB_GROUP = 'Plant1010';
export const SPB_NODE = 'Line1';

/** Fills a new store with telemetry rows (source 'seed') and posted confirmations (10 days old: retention may purge them). */
export function seedStore(file: string, options: { telemetryRows: number; postedEvents: number }): void {
  const db = openDatabase(file);
  const old = Date.now() - 10 * 86_400_000;
  db.transaction(() => {
    for (let i = 0; i < options.telemetryRows; i++) {
      insertRawMessage(db, {
        idempotencyKey: `seed:telemetry:${i}`, source: 'seed', channel: 'ns=1;s=L1.GoodCount', receivedAt: old + i, correlationId: `seed-t-${i}`, status: 'telemetry',
        payload: JSON.stringify({ line: 'L1', signal: 'good', value: i, sourceTime: old + i, pad: 'p'.repeat(200) }),
      });
    }
    for (let i = 0; i < options.postedEvents; i++) {
      const payload = confirmationPayload(`seed-${i}`, 2000);
      const rawId = insertRawMessage(db, {
        idempotencyKey: `mqtt:seed:seed-${i}`, source: 'seed', channel: MES_TOPIC, payload, receivedAt: old, correlationId: `seed-e-${i}`, status: 'mapped',
      })!;
      insertEvent(db, {
        eventId: `seed-event-${i}`, rawId, correlationId: `seed-e-${i}`, at: old, status: 'posted', historyReason: 'seeded as posted',
        body: { kind: 'confirmation', plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', workCenter: 'WC-L1', material: 'FG-100', yieldQty: 1, scrapQty: 0, unit: 'PC', final: false, end: new Date(old).toISOString() },
      });
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export function confirmationPayload(messageId: string, padBytes: number): string {
  return JSON.stringify({
    messageId, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', yield: 1, scrap: 0, unit: 'PC', final: false,
    end: new Date().toISOString(), note: 'n'.repeat(padBytes),
  });
}

/** Mounts a tmpfs of `sizeMb` on `dir` (root only); false when not permitted. */
export function tryMountTmpfs(dir: string, sizeMb: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** Writes a file into `dir` until the file system has at most `leaveBytes` free; returns its path. */
export function fillDisk(dir: string, leaveBytes: number): string {
  const file = join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0xab);
  try {
    for (let free = freeBytes(dir); free > leaveBytes; free = freeBytes(dir)) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, free - leaveBytes));
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return file;
}

export function removeFile(file: string): void {
  unlinkSync(file);
}

/** Publishes `count` confirmations at QoS 1 (up to 50 in flight) and records those the broker acknowledged. */
export interface Publisher {
  readonly acked: Set<string>;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export async function startPublisher(url: string, count: number, padBytes: number, prefix = 'df'): Promise<Publisher> {
  const client = await mqtt.connectAsync(url, { clientId: `pub-${prefix}-${Math.random().toString(16).slice(2)}`, clean: true, reconnectPeriod: 0 });
  const acked = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const id = `${prefix}-${next++}`;
      await client.publishAsync(MES_TOPIC, confirmationPayload(id, padBytes), { qos: 1 });
      acked.add(id);
    }
  };
  const done = Promise.all(Array.from({ length: 50 }, () => worker())).then(() => undefined);
  return { acked, done, stop: () => client.endAsync() };
}

/** A Sparkplug B edge node sending an NDATA (telemetry) every `everyMs`, answering rebirth requests with a new NBIRTH. */
export interface Edge {
  readonly sent: () => number;
  stop(): Promise<void>;
}

export async function startEdge(url: string, everyMs: number): Promise<Edge> {
  const codec = sparkplugPayload.get('spBv1.0');
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  const topic = (type: string): string => `spBv1.0/${SPB_GROUP}/${type}/${SPB_NODE}`;
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: `edge-${Math.random().toString(16).slice(2)}`, clean: true, reconnectPeriod: 0 });
  let seq = 0;
  let sent = 0;
  let good = 0;
  const birth = (): void => {
    seq = 0;
    client.publish(topic('NBIRTH'), Buffer.from(codec.encodePayload({
      timestamp: Date.now(), seq: 0,
      metrics: [
        { name: 'bdSeq', type: 'Int64', value: 0 },
        { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
        { name: 'L1/GoodCount', alias: 1, type: 'UInt32', value: good },
      ],
    })), { qos: 0 });
  };
  await client.subscribeAsync(topic('NCMD'), { qos: 0 });
  client.on('message', () => birth());
  birth();
  const timer = setInterval(() => {
    seq = (seq + 1) % 256;
    good++;
    sent++;
    client.publish(topic('NDATA'), Buffer.from(codec.encodePayload({ timestamp: Date.now(), seq, metrics: [{ alias: 1, type: 'UInt32', value: good }] })), { qos: 0 });
  }, everyMs);
  return {
    sent: () => sent,
    stop: async () => {
      clearInterval(timer);
      await client.endAsync(true);
    },
  };
}

/** Records the capacity the API reports (QueueCounts.capacity and Health) every `everyMs`. */
export interface CapacityRecorder {
  readonly seen: { at: number; capacity: CapacityStatus; health: Health }[];
  stop(): void;
}

export function recordCapacity(agent: Agent, everyMs: number): CapacityRecorder {
  const seen: CapacityRecorder['seen'] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void Promise.all([agent.api.getQueue(), agent.api.getHealth()]).then(([queue, health]) => {
      if (queue.capacity) seen.push({ at: Date.now(), capacity: queue.capacity, health });
    }).finally(() => (busy = false));
  }, everyMs);
  return { seen, stop: () => clearInterval(timer) };
}

/** The MES message ids stored (business raw rows of the source 'mes'). */
export function storedMesIds(db: WritableDb): Set<string> {
  const rows = db.prepare("SELECT idempotency_key AS k FROM raw_message WHERE source = 'mes'").all() as { k: string }[];
  return new Set(rows.map((r) => r.k.replace(/^mqtt:mes:/, '')));
}

export function countWhere(db: WritableDb, where: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM raw_message WHERE ${where}`).get() as { n: number }).n;
}
