// The Sparkplug B host against a real mosquitto: an mqtt.js "edge node" publishes NBIRTH and NDATA with a
// deliberate seq gap and receives the host's NCMD rebirth request; the host's STATE birth is retained and its
// will (online:false) is published when its connection dies.
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  SparkplugHost, executeSparkplugActions, sparkplugHostSession, type SparkplugConsumeResult, type SparkplugHostSession,
} from '../../connectors/mqtt/sparkplug/index.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const codec = sparkplugPayload.get('spBv1.0');
if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
const { encodePayload, decodePayload } = codec;

const GROUP = 'Plant1010';
const NODE = 'Line1';
const HOST_ID = 'plantdesk-it';
const node = (type: string): string => `spBv1.0/${GROUP}/${type}/${NODE}`;

let broker: Mosquitto;
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
});

afterAll(async () => {
  await broker?.stop();
});

async function connect(options: IClientOptions): Promise<MqttClient> {
  const client = await connectAsync(broker.url, { reconnectPeriod: 0, ...options });
  clients.push(client);
  return client;
}

/** Resolves with the first message on `filter` that satisfies `accept`, or fails after 5 s. */
function nextMessage(client: MqttClient, accept: (topic: string, payload: Buffer) => boolean): Promise<{ topic: string; payload: Buffer }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching message within 5 s')), 5000);
    const onMessage = (topic: string, payload: Buffer): void => {
      if (!accept(topic, payload)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ topic, payload });
    };
    client.on('message', onMessage);
  });
}

interface RunningHost {
  readonly host: SparkplugHost;
  readonly client: MqttClient;
  readonly session: SparkplugHostSession;
  /** Resolves with the next consume result on `topic` (in arrival order). */
  next(topic: string): Promise<SparkplugConsumeResult>;
}

/** The host wired to mqtt.js as the agent wires it: CONNECT with the will, subscribe, STATE birth, consume, act. */
async function startHost(): Promise<RunningHost> {
  const session = sparkplugHostSession(HOST_ID, Date.now(), [GROUP]);
  const host = new SparkplugHost({ hostId: HOST_ID });
  const client = await connect({ clientId: HOST_ID, clean: true, will: session.will });
  const waiting: { topic: string; resolve: (result: SparkplugConsumeResult) => void }[] = [];
  client.on('message', (topic, payload) => {
    const result = host.consume(topic, payload, Date.now());
    void executeSparkplugActions(result.actions, (m) => client.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain }), session);
    const index = waiting.findIndex((w) => w.topic === topic);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(result);
  });
  await client.subscribeAsync(session.subscriptions.map((s) => s.topic), { qos: 1 });
  await client.publishAsync(session.birth.topic, session.birth.payload, { qos: session.birth.qos, retain: session.birth.retain });
  return {
    host,
    client,
    session,
    next: (topic) => new Promise((resolve) => waiting.push({ topic, resolve })),
  };
}

function nbirth(bdSeq: number): Buffer {
  return Buffer.from(
    encodePayload({
      timestamp: Date.now(),
      seq: 0,
      metrics: [
        { name: 'bdSeq', type: 'Int64', value: bdSeq },
        { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
        { name: 'GoodCount', alias: 1, type: 'UInt32', value: 100 },
      ],
    }),
  );
}

function ndata(seq: number, goodCount: number): Buffer {
  return Buffer.from(encodePayload({ timestamp: Date.now(), seq, metrics: [{ alias: 1, type: 'UInt32', value: goodCount }] }));
}

describe('Sparkplug B host against mosquitto', () => {
  it('requests a rebirth over NCMD when an edge node skips a seq, then takes its new NBIRTH and data', async () => {
    const running = await startHost();
    const will = { topic: node('NDEATH'), payload: Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'Int64', value: 0 }] })), qos: 1 as const, retain: false };
    const edge = await connect({ clientId: 'edge-line1', clean: true, will });
    await edge.subscribeAsync(node('NCMD'), { qos: 1 });
    const ncmd = nextMessage(edge, (topic) => topic === node('NCMD'));

    const birth = running.next(node('NBIRTH'));
    await edge.publishAsync(node('NBIRTH'), nbirth(0), { qos: 0 });
    expect((await birth).ok).toBe(true);
    const first = running.next(node('NDATA'));
    await edge.publishAsync(node('NDATA'), ndata(1, 101), { qos: 0 });
    expect(await first).toMatchObject({ ok: true, accepted: [{ name: 'GoodCount', value: 101 }] });
    const gap = running.next(node('NDATA'));
    await edge.publishAsync(node('NDATA'), ndata(3, 103), { qos: 0 });
    expect(await gap).toMatchObject({ ok: false, rejected: 'NDATA seq gap: expected 2, got 3; rebirth requested' });

    const request = await ncmd;
    const decoded = decodePayload(request.payload);
    expect(decoded.metrics).toEqual([expect.objectContaining({ name: 'Node Control/Rebirth', type: 'Boolean', value: true })]);
    expect(running.host.status()[0]).toMatchObject({ node: NODE, state: 'online', awaitingRebirth: 'seq gap: expected 2, got 3' });

    // The edge node answers the rebirth request like a real one: a new NBIRTH (same bdSeq), then data from seq 1.
    const rebirth = running.next(node('NBIRTH'));
    await edge.publishAsync(node('NBIRTH'), nbirth(0), { qos: 0 });
    expect((await rebirth).ok).toBe(true);
    const after = running.next(node('NDATA'));
    await edge.publishAsync(node('NDATA'), ndata(1, 104), { qos: 0 });
    expect(await after).toMatchObject({ ok: true, accepted: [{ name: 'GoodCount', value: 104 }] });
    expect(running.host.status()[0]).toMatchObject({ state: 'online', awaitingRebirth: null, seq: 1 });

    // The edge node's connection dies: mosquitto publishes its will, the NDEATH with the NBIRTH's bdSeq.
    const death = running.next(node('NDEATH'));
    edge.stream.destroy();
    expect((await death).ok).toBe(true);
    expect(running.host.status()[0]?.state).toBe('offline');
  });

  it('keeps the host STATE birth retained and publishes the will when the host connection dies', async () => {
    const running = await startHost();
    const observer = await connect({ clientId: 'observer', clean: true });
    const retained = nextMessage(observer, () => true);
    await observer.subscribeAsync(running.session.birth.topic, { qos: 1 });
    expect(JSON.parse((await retained).payload.toString())).toEqual({ online: true, timestamp: running.session.timestamp });

    const offline = nextMessage(observer, (_topic, payload) => payload.toString().includes('"online":false'));
    running.client.stream.destroy();
    expect(JSON.parse((await offline).payload.toString())).toEqual({ online: false, timestamp: running.session.timestamp });
  });
});
