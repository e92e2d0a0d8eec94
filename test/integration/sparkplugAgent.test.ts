// The agent's Sparkplug B host end to end: a real mosquitto, the agent in-process (startAgent) with one `sparkplug:`
// connection, and an edge node made of mqtt.js and sparkplug-payload. NBIRTH and NDATA make the node online in the
// API and raw rows in the store; a seq gap brings the edge node an NCMD rebirth request; garbage protobuf is a
// rejected row with a reason while the connection keeps flowing; NDEATH makes it offline; a restarted agent
// publishes its STATE death and then a new STATE birth.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus, RejectedMessage, SparkplugNodeInfo } from '../../domain/index.js';
import { ConfigSchema, createLogger, startAgent, type Agent } from '../../main/agent/index.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { waitFor } from '../helpers/consoleProcess.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const codec = sparkplugPayload.get('spBv1.0');
if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
const { encodePayload, decodePayload } = codec;

const SOURCE = 'spb';
const HOST_ID = 'plantdesk-it';
const GROUP = 'Plant1010';
const NODE = 'Line1';
const STATE_TOPIC = `spBv1.0/STATE/${HOST_ID}`;
const CONNECTION_ID = `mqtt:sparkplug:${SOURCE}`;
const edgeTopic = (type: string): string => `spBv1.0/${GROUP}/${type}/${NODE}`;

let broker: Mosquitto;
let erp: ErpSimulator;
let dataDir: string;
let agent: Agent | undefined;
let edge: MqttClient;
let observer: MqttClient;
const clients: MqttClient[] = [];

async function connect(options: IClientOptions): Promise<MqttClient> {
  const client = await connectAsync(broker.url, { reconnectPeriod: 0, ...options });
  clients.push(client);
  return client;
}

async function start(): Promise<Agent> {
  const config = ConfigSchema.parse({
    plant: '1010',
    erp: { kind: 'sap-odata', baseUrl: erp.url, postIntervalMs: 200 },
    sparkplug: [{ name: SOURCE, url: broker.url, clientId: 'plantdesk-spb-it', hostId: HOST_ID, groups: [GROUP], reconnect: { minMs: 100, maxMs: 500 } }],
  });
  agent = await startAgent({ config, dataDir, logger: createLogger('silent'), version: 'test' });
  return agent;
}

/** Every message on `topic` the client receives from now on, in order. */
function record(client: MqttClient, topic: string): { topic: string; payload: Buffer }[] {
  const seen: { topic: string; payload: Buffer }[] = [];
  client.on('message', (t, payload) => {
    if (t === topic) seen.push({ topic: t, payload });
  });
  return seen;
}

const nodes = (): Promise<SparkplugNodeInfo[]> => agent!.api.listSparkplugNodes();
const node = async (): Promise<SparkplugNodeInfo | undefined> => (await nodes()).find((n) => n.group === GROUP && n.node === NODE);
const connection = async (): Promise<ConnectionStatus | undefined> => (await agent!.api.getDashboard()).connections.find((c) => c.id === CONNECTION_ID);

interface RawRow { id: number; idempotency_key: string; channel: string; payload: string; status: string; reject_reason: string | null; payload_encoding: string; payload_bytes: number }
function rawRows(): RawRow[] {
  return agent!.db.prepare('SELECT id, idempotency_key, channel, payload, status, reject_reason, payload_encoding, payload_bytes FROM raw_message WHERE source = ? ORDER BY id').all(SOURCE) as RawRow[];
}

function nbirth(bdSeq: number): Buffer {
  return Buffer.from(encodePayload({
    timestamp: Date.now(), seq: 0,
    metrics: [
      { name: 'bdSeq', type: 'Int64', value: bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      { name: 'L1/GoodCount', alias: 1, type: 'UInt32', value: 100 },
    ],
  }));
}

function ndata(seq: number, goodCount: number): Buffer {
  return Buffer.from(encodePayload({ timestamp: Date.now(), seq, metrics: [{ alias: 1, type: 'UInt32', value: goodCount }] }));
}

const stateOf = (payload: Buffer): { online: boolean; timestamp: number } => JSON.parse(payload.toString('utf8')) as { online: boolean; timestamp: number };

beforeAll(async () => {
  broker = await startMosquitto();
  erp = await startErpSimulator({ port: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'pd-sparkplug-'));
  await start();
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await agent?.stop();
  await erp?.stop();
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the agent as Sparkplug B host against mosquitto', () => {
  let firstBirth: { online: boolean; timestamp: number };

  it('says connected once subscribed, and its STATE birth is retained on the broker', async () => {
    const connected = await waitFor(async () => {
      const c = await connection();
      return c?.state === 'connected' ? c : undefined;
    }, 10_000, 'the Sparkplug connection connected');
    expect(connected).toMatchObject({ kind: 'mqtt', name: `sparkplug:${SOURCE}`, endpoint: broker.url, lastError: null });

    observer = await connect({ clientId: 'observer', clean: true });
    const states = record(observer, STATE_TOPIC);
    await observer.subscribeAsync(STATE_TOPIC, { qos: 1 });
    await waitFor(() => states[0], 5000, 'the retained STATE');
    firstBirth = stateOf(states[0]!.payload);
    expect(firstBirth.online).toBe(true);
    expect(Math.abs(firstBirth.timestamp - Date.now())).toBeLessThan(30_000);
  });

  it('lists the edge node online after its NBIRTH and NDATA, and stores each message raw with the decoded metrics', async () => {
    const will = { topic: edgeTopic('NDEATH'), payload: Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'Int64', value: 0 }] })), qos: 1 as const, retain: false };
    edge = await connect({ clientId: 'edge-line1', clean: true, will });
    await edge.subscribeAsync(edgeTopic('NCMD'), { qos: 1 });
    const birth = nbirth(0);
    const data = ndata(1, 101);
    await edge.publishAsync(edgeTopic('NBIRTH'), birth, { qos: 0 });
    // QoS 1 here (Sparkplug edge nodes use 0) so the PUBACK-after-commit path runs against a real broker too.
    await edge.publishAsync(edgeTopic('NDATA'), data, { qos: 1 });

    const online = await waitFor(async () => {
      const n = await node();
      return n?.state === 'online' && n.seq === 1 ? n : undefined;
    }, 10_000, 'the node online at seq 1');
    expect(online).toMatchObject({ source: SOURCE, bdSeq: 0, metricCount: 3, awaitingRebirth: null, rebirthRequestedAt: null, devices: [] });
    expect(Date.parse(online.lastMessageAt!)).toBeGreaterThanOrEqual(Date.parse(online.since!));

    const rows = await waitFor(() => {
      const r = rawRows().filter((row) => row.channel.startsWith(`spBv1.0/${GROUP}/`));
      return r.length >= 2 ? r : undefined;
    }, 5000, 'two raw rows');
    expect(rows.map((r) => [r.channel, r.status])).toEqual([[edgeTopic('NBIRTH'), 'telemetry'], [edgeTopic('NDATA'), 'telemetry']]);
    const body = JSON.parse(rows[1]!.payload) as { type: string; seq: number; metrics: { name: string; value: unknown; datatype: string }[]; raw: string };
    expect(body).toMatchObject({ type: 'NDATA', group: GROUP, node: NODE, device: null, seq: 1, metrics: [{ name: 'L1/GoodCount', datatype: 'UInt32', value: 101 }] });
    expect(Buffer.from(body.raw, 'base64').equals(data)).toBe(true);
    expect(Buffer.from((JSON.parse(rows[0]!.payload) as { raw: string }).raw, 'base64').equals(birth)).toBe(true);
    expect(rows[1]!.payload_bytes).toBe(data.length);
    expect(rows[1]!.idempotency_key).toMatch(new RegExp(`^sparkplug:${SOURCE}:${GROUP}/${NODE}:NDATA:1:\\d+:[0-9a-f]{16}$`));
    // Its own STATE birth came back through the subscription and is kept too.
    expect(rawRows().some((r) => r.channel === STATE_TOPIC && r.status === 'telemetry')).toBe(true);
  });

  it('sends the edge node an NCMD rebirth request on a seq gap, refuses its data until the new NBIRTH, then takes it', async () => {
    const commands = record(edge, edgeTopic('NCMD'));
    await edge.publishAsync(edgeTopic('NDATA'), ndata(3, 103), { qos: 0 });
    const ncmd = await waitFor(() => commands[0], 10_000, 'an NCMD on the edge node');
    expect(decodePayload(ncmd.payload).metrics).toEqual([expect.objectContaining({ name: 'Node Control/Rebirth', type: 'Boolean', value: true })]);
    const awaiting = await node();
    expect(awaiting).toMatchObject({ state: 'online', awaitingRebirth: 'seq gap: expected 2, got 3', seq: 1 });
    expect(awaiting?.rebirthRequestedAt).not.toBeNull();
    const rejected = rawRows().filter((r) => r.status === 'rejected');
    expect(rejected.map((r) => r.reject_reason)).toEqual(['NDATA seq gap: expected 2, got 3; rebirth requested']);
    expect(rejected[0]!.payload_encoding).toBe('base64');

    // The edge node answers like a real one: a new NBIRTH (same bdSeq, seq 0), then data from seq 1.
    await edge.publishAsync(edgeTopic('NBIRTH'), nbirth(0), { qos: 0 });
    await edge.publishAsync(edgeTopic('NDATA'), ndata(1, 104), { qos: 0 });
    const reborn = await waitFor(async () => {
      const n = await node();
      return n?.awaitingRebirth === null && n.seq === 1 ? n : undefined;
    }, 10_000, 'the node reborn at seq 1');
    expect(reborn).toMatchObject({ state: 'online', rebirthRequestedAt: null });
    expect(commands).toHaveLength(1);
  });

  it('keeps protobuf garbage as a rejected row with the reason and its bytes, and the connection keeps flowing', async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x13, 0x37, 0x00]);
    await edge.publishAsync(edgeTopic('NDATA'), garbage, { qos: 0 });
    await edge.publishAsync(edgeTopic('NDATA'), ndata(2, 105), { qos: 0 });
    const next = await waitFor(async () => {
      const n = await node();
      return n?.seq === 2 ? n : undefined;
    }, 10_000, 'the NDATA after the garbage accepted');
    expect(next).toMatchObject({ state: 'online', awaitingRebirth: null });

    const listed = await waitFor(async () => {
      const list: RejectedMessage[] = await agent!.api.listRejected({ source: SOURCE });
      return list.find((m) => m.reason.startsWith('not a Sparkplug B payload'));
    }, 5000, 'the garbage in the rejected list');
    expect(listed).toMatchObject({ channel: edgeTopic('NDATA'), payloadEncoding: 'base64', payloadBytes: garbage.length, mappingVersion: 'spBv1.0' });
    expect(Buffer.from(listed.payload, 'base64').equals(garbage)).toBe(true);
    expect((await connection())?.state).toBe('connected');
  });

  it('marks the node offline on its NDEATH (the will mosquitto publishes when the edge node\'s link dies)', async () => {
    edge.stream.destroy();
    const offline = await waitFor(async () => {
      const n = await node();
      return n?.state === 'offline' ? n : undefined;
    }, 10_000, 'the node offline');
    expect(offline).toMatchObject({ bdSeq: 0, seq: null, metricCount: 0 });
    expect(rawRows().some((r) => r.channel === edgeTopic('NDEATH') && r.status === 'telemetry')).toBe(true);
  });

  it('publishes its STATE death when it stops, and a new STATE birth when it starts again', async () => {
    const states = record(observer, STATE_TOPIC);
    await agent!.stop();
    agent = undefined;
    const death = await waitFor(() => states[0], 5000, 'the STATE death');
    expect(stateOf(death.payload)).toEqual({ online: false, timestamp: firstBirth.timestamp });

    await start();
    const birth = await waitFor(() => states[1], 10_000, 'a new STATE birth');
    const again = stateOf(birth.payload);
    expect(again.online).toBe(true);
    expect(again.timestamp).toBeGreaterThan(firstBirth.timestamp);
    await waitFor(async () => ((await connection())?.state === 'connected' ? true : undefined), 10_000, 'connected again');
    // The stored messages survived the restart: the store, not the host's memory, is the record.
    expect(rawRows().filter((r) => r.channel.startsWith(`spBv1.0/${GROUP}/`)).length).toBeGreaterThanOrEqual(7);

    // A late observer finds the new birth retained.
    const late = await connect({ clientId: 'late-observer', clean: true });
    const retained = record(late, STATE_TOPIC);
    await late.subscribeAsync(STATE_TOPIC, { qos: 1 });
    expect(stateOf((await waitFor(() => retained[0], 5000, 'the retained STATE')).payload)).toEqual(again);
  });
});
