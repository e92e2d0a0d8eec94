// Shared parts of the enterprise publish tests: a plant broker feeding the agent, an enterprise broker it
// publishes to, a consumer recording every message there, and the checks of the delivery contract
// (docs/ENTERPRISE-TOPICS.md): every change arrives, first arrivals in order and chained by previousSequence, a
// duplicate is byte-identical.
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { expect } from 'vitest';
import type { EnterpriseMessageBody } from '../../connectors/mqtt/index.js';
import type { DashboardSnapshot } from '../../domain/index.js';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';

export const PREFIX = 'corp/plants';

export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly body: EnterpriseMessageBody;
}

export interface Consumer {
  readonly messages: Received[];
  /** Resolves from inside the message handler once `count` distinct sequences arrived: to act mid-stream. */
  whenDistinct(count: number): Promise<void>;
  stop(): Promise<void>;
}

/** A consumer with a persistent session (clean: false), so it gets what was published while it was away. */
export async function startConsumer(url: string, clientId: string): Promise<Consumer> {
  const messages: Received[] = [];
  const distinct = new Set<number>();
  const waiting: { count: number; resolve: () => void }[] = [];
  const client: MqttClient = await mqtt.connectAsync(url, { clientId, clean: false, reconnectPeriod: 200 });
  client.on('message', (topic, payload) => {
    const text = payload.toString();
    const body = JSON.parse(text) as EnterpriseMessageBody;
    messages.push({ topic, payload: text, body });
    distinct.add(body.sequence);
    for (const w of waiting.filter((x) => distinct.size >= x.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  // Errors while the broker is down are expected; the client reconnects by itself.
  client.on('error', () => undefined);
  await client.subscribeAsync(`${PREFIX}/v1/#`, { qos: 1 });
  return {
    messages,
    whenDistinct: (count) => (distinct.size >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve }))),
    stop: () => client.endAsync(true),
  };
}

export interface Delivery {
  /** Sequence -> payload of its first arrival. */
  readonly bySequence: Map<number, string>;
  /** Sequences in the order they first arrived. */
  readonly firstArrivals: number[];
  readonly duplicates: number;
}

/** Checks the chain of first arrivals (previousSequence) and that a duplicate repeats its first arrival byte for byte. */
export function delivery(messages: readonly Received[]): Delivery {
  const bySequence = new Map<number, string>();
  const firstArrivals: number[] = [];
  let duplicates = 0;
  for (const m of messages) {
    const first = bySequence.get(m.body.sequence);
    if (first === undefined) {
      // Every first arrival names the one before it: a consumer sees a gap at once.
      expect(m.body.previousSequence, `previousSequence of ${m.body.sequence}`).toBe(firstArrivals.at(-1) ?? 0);
      bySequence.set(m.body.sequence, m.payload);
      firstArrivals.push(m.body.sequence);
    } else {
      duplicates++;
      expect(m.payload, `duplicate of sequence ${m.body.sequence}`).toBe(first);
    }
  }
  return { bySequence, firstArrivals, duplicates };
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

export interface AgentSetup {
  readonly dataDir: string;
  readonly configFile: string;
  start(): Promise<ConsoleProcess>;
}

export function agentSetup(options: { plantUrl: string; enterpriseUrl: string; erpUrl?: string; include?: readonly string[]; batchSize?: number; protocolVersion?: 4 | 5 }): AgentSetup {
  const dataDir = mkdtempSync(join(tmpdir(), 'pd-enterprise-'));
  const configFile = join(dataDir, 'plant.yaml');
  writeFileSync(configFile, [
    'plant: "1010"',
    'log: { level: warn }',
    'mqtt:',
    '  - name: mes',
    `    url: ${options.plantUrl}`,
    '    clientId: pd-it-mes',
    '    topics:',
    '      - { filter: plant/1010/+/confirmation, type: confirmation }',
    '      - { filter: plant/1010/+/quality, type: quality }',
    'erp:',
    '  kind: sap-odata',
    // Without an ERP simulator nothing answers here: confirmations wait, quality results are recorded.
    `  baseUrl: ${options.erpUrl ?? 'http://127.0.0.1:9'}`,
    '  postIntervalMs: 200',
    'enterprise:',
    `  url: ${options.enterpriseUrl}`,
    '  clientId: pd-it-enterprise',
    `  topicPrefix: ${PREFIX}`,
    ...(options.include ? [`  include: [${options.include.join(', ')}]`] : []),
    ...(options.batchSize ? [`  batchSize: ${options.batchSize}`] : []),
    ...(options.protocolVersion ? [`  protocolVersion: ${options.protocolVersion}`] : []),
    '  keepaliveS: 5',
    '  reconnect: { minMs: 100, maxMs: 500 }',
    '',
  ].join('\n'));
  return {
    dataDir,
    configFile,
    // Ready once the plant broker granted the agent's subscription: earlier messages would find no session there.
    start: async () => {
      const agent = await startConsole(['--config', configFile, '--data', dataDir, '--port', '0']);
      await waitFor(async () => {
        const dashboard = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
        return dashboard.connections.find((c) => c.id === 'mqtt:mes')?.state === 'connected' ? true : undefined;
      }, 20_000, 'the agent subscribed at the plant broker');
      return agent;
    },
  };
}

export function qualityPayload(seq: number, line = 'L2'): string {
  return JSON.stringify({
    messageId: `q-${seq}`, plant: '1010', line, orderId: '1000002', operation: '0010', characteristic: 'DIAMETER',
    value: 25 + (seq % 10) / 100, unit: 'MM', lowerLimit: 24.9, upperLimit: 25.2, result: 'pass', defectCode: null,
    inspectedAt: new Date().toISOString(),
  });
}

export function confirmationPayload(seq: number, orderId = '1000001'): string {
  return JSON.stringify({
    messageId: `c-${seq}`, plant: '1010', line: 'L1', orderId, operation: '0010', yield: 5, scrap: 0, unit: 'PC', final: false,
    end: new Date().toISOString(),
  });
}

/** Publishes QoS 1 to the plant broker, each after the previous PUBACK. */
export async function publishToPlant(url: string, messages: readonly { topic: string; payload: string }[]): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `plant-mes-${Math.random().toString(16).slice(2)}`, clean: true });
  for (const m of messages) await client.publishAsync(m.topic, m.payload, { qos: 1 });
  await client.endAsync();
}

export interface StoredEventRow {
  readonly event_id: string;
  readonly kind: string;
  readonly status: string;
  readonly body: string;
  readonly erp_document: string | null;
}

/** The agent's events, read from its database file (read-only, next to the running agent). */
export function storedEvents(dataDir: string): StoredEventRow[] {
  const db = new Database(join(dataDir, 'plantdesk.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT event_id, kind, status, body, erp_document FROM event ORDER BY id').all() as StoredEventRow[];
  } finally {
    db.close();
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Sends SIGHUP to the test's mosquitto with config dir `dir`: it reloads its ACL file, its clients stay connected. */
export function reloadMosquitto(dir: string): void {
  const config = join(dir, 'mosquitto.conf');
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(config);
    } catch {
      return false;
    }
  });
  expect(pids, `the mosquitto of ${dir}`).toHaveLength(1);
  process.kill(Number(pids[0]), 'SIGHUP');
}
