// Bad input (issue 3) through a real mosquitto to the agent as a child process (`plantdesk console`): every
// bad message is rejected with a reason naming the problem, the valid one published after all of them is
// stored, the MQTT connection stays up and the process never exits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardSnapshot, EventSummary, QueueCounts, RejectedMessage } from '../../domain/index.js';
import { freePort, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';

const CLIENT_ID = 'plantdesk-badinput';
const MIB = 1024 * 1024;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

function confirmation(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    messageId: id, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', yield: 5, scrap: 0, unit: 'PC', final: false,
    start: new Date(now - 60_000).toISOString(), end: new Date(now - 1000).toISOString(), ...overrides,
  };
}

interface BadCase {
  readonly name: string;
  /** The topic; the line level carries the case name, so each rejection can be found by its topic. */
  readonly topic: string;
  readonly payload: () => Buffer;
  readonly reason: RegExp;
  readonly check?: (row: RejectedMessage) => void;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const confTopic = (name: string): string => `plant/1010/${name}/confirmation`;

const CASES: readonly BadCase[] = [
  { name: 'malformed-json', topic: confTopic('malformed-json'), payload: () => Buffer.from('{"messageId": "b-json", "yield": '), reason: /^payload is not valid JSON/ },
  { name: 'nan-literal', topic: confTopic('nan-literal'), payload: () => Buffer.from(JSON.stringify(confirmation('b-nanlit')).replace('"yield":5', '"yield":NaN')), reason: /^payload is not valid JSON/ },
  {
    name: 'wrong-types', topic: confTopic('wrong-types'), payload: () => json(confirmation('b-types', { yield: '5', final: 'yes', unit: 7 })),
    reason: /\byield\b.*expected number, received string, got "5".*; .*\bunit\b.*; .*\bfinal\b/,
  },
  { name: 'infinity', topic: confTopic('infinity'), payload: () => Buffer.from(JSON.stringify(confirmation('b-inf')).replace('"yield":5', '"yield":1e999')), reason: /^yield Invalid input: expected number, received Infinity/ },
  { name: 'nan-string', topic: confTopic('nan-string'), payload: () => json(confirmation('b-nan', { scrap: 'NaN' })), reason: /^scrap .*received string, got "NaN"$/ },
  { name: 'negative', topic: confTopic('negative'), payload: () => json(confirmation('b-neg', { yield: -12 })), reason: /^yield must not be negative, got -12$/ },
  {
    name: 'unknown-topic', topic: 'legacy/line9/confirmation', payload: () => json(confirmation('b-topic')),
    reason: /^no topic mapping in the configuration matches legacy\/line9\/confirmation$/,
    check: (row) => expect(row.mappingVersion).toBeNull(),
  },
  {
    name: 'oversized', topic: confTopic('oversized'), payload: () => Buffer.alloc(MIB / 4 + 1, 'x'),
    reason: /^message is 262145 bytes; the limit is 262144 bytes$/,
    check: (row) => {
      expect(row).toMatchObject({ payloadTruncated: true, payloadBytes: 262_145 });
      expect(row.payload.length).toBeLessThanOrEqual(4096);
    },
  },
  {
    name: 'invalid-utf8', topic: confTopic('invalid-utf8'), payload: () => Buffer.concat([Buffer.from('{"messageId":"b-utf8","line":"L'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    reason: /^payload is not valid UTF-8: byte 0xc3 at offset 31 does not belong there$/,
    check: (row) => expect(Buffer.from(row.payload, 'base64').subarray(31, 33)).toEqual(Buffer.from([0xc3, 0x28])),
  },
  {
    name: 'future', topic: confTopic('future'), payload: () => json(confirmation('b-future', { start: undefined, end: new Date(Date.now() + 3 * 86_400_000).toISOString() })),
    reason: /^end \S+ is 2 days after the message was received; more than 1 day ahead is not plausible$/,
  },
  {
    name: 'past', topic: confTopic('past'), payload: () => json(confirmation('b-past', { start: new Date(Date.now() - 61 * 86_400_000).toISOString(), end: new Date(Date.now() - 60 * 86_400_000).toISOString() })),
    reason: /^start \S+ is 61 days before the message was received; more than 30 days back is not plausible; end \S+ is 60 days before/,
  },
  {
    name: 'jsonata-wrong-type', topic: 'v2/1010/L1/confirmation', payload: () => json({ id: 'b-v2', order: '1000001', op: '10', qty: { good: 'many' }, uom: 'PC', at: new Date().toISOString() }),
    reason: /^yieldQty \(qty\.good\) Invalid input: expected number, received string, got "many"$/,
    check: (row) => expect(row.mappingVersion).toMatch(/^mes:v2\/\+\/\+\/confirmation@v1#[0-9a-f]{8}$/),
  },
];

describe('bad input through mosquitto to the agent', () => {
  let broker: Mosquitto;
  let agent: ConsoleProcess;
  let publisher: MqttClient;
  let dataDir: string;

  beforeAll(async () => {
    broker = await startMosquitto();
    dataDir = mkdtempSync(join(tmpdir(), 'pd-badinput-'));
    // A subscription left in the agent's persistent session by an older configuration: messages on it arrive
    // at the agent although no topic of the current configuration matches (the "unknown topic" case).
    const old = await mqtt.connectAsync(broker.url, { clientId: CLIENT_ID, clean: false });
    await old.subscribeAsync('legacy/#', { qos: 1 });
    await old.endAsync();
    const configFile = join(dataDir, 'plant.yaml');
    writeFileSync(configFile, `
plant: "1010"
mqtt:
  - name: mes
    url: ${broker.url}
    clientId: ${CLIENT_ID}
    topics:
      - filter: plant/1010/+/confirmation
        type: confirmation
      - filter: v2/+/+/confirmation
        mapping:
          version: 1
          type: confirmation
          messageId: id
          fields:
            line: $topicLevels[2]
            orderId: order
            operation: op
            yieldQty: qty.good
            unit: uom
            end: at
erp:
  kind: sap-odata
  baseUrl: http://127.0.0.1:${await freePort()}
`);
    agent = await startConsole(['--config', configFile, '--data', dataDir, '--port', '0']);
    await waitFor(async () => {
      const d = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
      return d.connections.find((c) => c.kind === 'mqtt' && c.state === 'connected');
    }, 20_000, 'the agent connected to the broker');
    publisher = await mqtt.connectAsync(broker.url, { clientId: 'badinput-publisher' });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await broker?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('rejects every bad message with a reason naming the problem and stores the valid one sent after them', async () => {
    for (const c of CASES) await publisher.publishAsync(c.topic, c.payload(), { qos: 1 });
    await publisher.publishAsync(confTopic('L1'), json(confirmation('good-1', { yield: 42 })), { qos: 1 });

    const valid = await waitFor(async () => {
      const events = await getJson<EventSummary[]>(`${agent.url}/api/v1/events?limit=10`);
      return events.find((e) => e.quantity === 42);
    }, 20_000, 'the valid message stored after the bad ones');
    expect(valid).toMatchObject({ kind: 'confirmation', line: 'L1', orderId: '1000001', operation: '0010', unit: 'PC' });

    const rejected = await waitFor(async () => {
      const rows = await getJson<RejectedMessage[]>(`${agent.url}/api/v1/rejected?limit=50&payloadChars=5000`);
      return rows.length >= CASES.length ? rows : undefined;
    }, 20_000, `${CASES.length} rejected messages`);
    expect(rejected).toHaveLength(CASES.length);
    for (const c of CASES) {
      const row = rejected.find((r) => r.channel === c.topic);
      expect(row, c.name).toBeDefined();
      expect(row!.reason, c.name).toMatch(c.reason);
      expect(row!.source).toBe('mes');
      c.check?.(row!);
    }
    expect((await getJson<QueueCounts>(`${agent.url}/api/v1/queue`)).rejected).toBe(CASES.length);
  });

  it('keeps the connection up and the process running, and goes on taking messages', async () => {
    expect(agent.child.exitCode).toBeNull();
    const dashboard = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
    expect(dashboard.connections.find((c) => c.kind === 'mqtt')).toMatchObject({ state: 'connected', lastError: null });
    await publisher.publishAsync(confTopic('L2'), json(confirmation('good-2', { line: 'L2', yield: 43 })), { qos: 1 });
    await waitFor(async () => (await getJson<EventSummary[]>(`${agent.url}/api/v1/events?limit=10`)).find((e) => e.quantity === 43), 20_000, 'a second valid message');
    expect(agent.output()).not.toMatch(/"level":(50|60)/);
  });
});
