// The demo plant's Sparkplug B edge node: the lines' counters and states as metrics of one edge node. NBIRTH with
// bdSeq and an alias per metric, NDATA by alias every few seconds, NDEATH as the will; it answers NCMD rebirth
// requests. Payloads via sparkplug-payload (Eclipse Tahu), as a real edge gateway would make them.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import type { LineModel } from './lineModel.js';

const codec = sparkplugPayload.get('spBv1.0');
if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
const { encodePayload, decodePayload } = codec;

export const DEMO_SPARKPLUG_GROUP = 'PlantDesk';
export const DEMO_SPARKPLUG_NODE = 'demo-edge';

export interface SparkplugEdgeOptions {
  /** e.g. mqtt://127.0.0.1:1883 */
  readonly brokerUrl: string;
  readonly model: LineModel;
  /** Default DEMO_SPARKPLUG_GROUP. */
  readonly group?: string;
  /** Default DEMO_SPARKPLUG_NODE. */
  readonly node?: string;
  /**
   * Sparkplug 3.0 primary host: when set, the node publishes its NBIRTH once that host's STATE says online (again
   * whenever it comes online anew) and sends data only while it is. Default: none, births at once.
   */
  readonly primaryHostId?: string;
  /** NDATA period. Default 3000. */
  readonly intervalMs?: number;
  /** How long to wait for the first connection. Default 10000. */
  readonly connectTimeoutMs?: number;
}

export interface SparkplugEdge {
  readonly group: string;
  readonly node: string;
  /** bdSeq of the current MQTT session (0–255, one more per CONNECT). */
  readonly bdSeq: number;
  /** NBIRTHs published so far: one per connection plus one per rebirth request. */
  readonly births: number;
  /** NDATA messages published so far. */
  readonly data: number;
  stop(): Promise<void>;
}

interface LineMetric {
  readonly name: string;
  readonly alias: number;
  readonly type: 'UInt32' | 'String';
  read(model: LineModel): number | string;
}

/** Per line: GoodCount, ScrapCount, State; aliases 10·n+1..3 for the n-th line. */
function lineMetrics(model: LineModel): LineMetric[] {
  return model.lines.flatMap((line, i) => [
    { name: `${line}/GoodCount`, alias: 10 * (i + 1) + 1, type: 'UInt32' as const, read: (m: LineModel) => m.snapshot(line).goodCount },
    { name: `${line}/ScrapCount`, alias: 10 * (i + 1) + 2, type: 'UInt32' as const, read: (m: LineModel) => m.snapshot(line).scrapCount },
    { name: `${line}/State`, alias: 10 * (i + 1) + 3, type: 'String' as const, read: (m: LineModel) => m.snapshot(line).state },
  ]);
}

const encode = (payload: UPayload): Buffer => Buffer.from(encodePayload(payload));

/**
 * Connects (clean session, will = NDEATH with this session's bdSeq), publishes NBIRTH, then NDATA every intervalMs.
 * Topics: `spBv1.0/{group}/NBIRTH|NDATA|NDEATH/{node}`; listens on `spBv1.0/{group}/NCMD/{node}`.
 * @example const edge = await startSparkplugEdge({ brokerUrl: broker.url, model: plant.model }); ...; await edge.stop();
 */
export async function startSparkplugEdge(options: SparkplugEdgeOptions): Promise<SparkplugEdge> {
  const group = options.group ?? DEMO_SPARKPLUG_GROUP;
  const node = options.node ?? DEMO_SPARKPLUG_NODE;
  const topic = (type: string): string => `spBv1.0/${group}/${type}/${node}`;
  const metrics = lineMetrics(options.model);
  let bdSeq = 0;
  let seq = 0;
  let births = 0;
  let data = 0;
  const stateTopic = options.primaryHostId !== undefined ? `spBv1.0/STATE/${options.primaryHostId}` : undefined;
  let hostOnlineSince: number | null = stateTopic === undefined ? 0 : null;

  const death = (): Buffer => encode({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'Int64', value: bdSeq }] });
  const will = (): NonNullable<IClientOptions['will']> => ({ topic: topic('NDEATH'), payload: death(), qos: 1, retain: false });
  const client: MqttClient = connect(options.brokerUrl, { clientId: `plantdesk-sim-spb-${node}-${Date.now().toString(36)}`, clean: true, reconnectPeriod: 1000, will: will() });
  client.on('error', () => undefined); // mqtt.js retries by itself; unheard, an error event would crash the demo

  // Sparkplug: QoS 0, not retained; seq 0 in the NBIRTH, every later message one more (mod 256).
  const publish = (type: 'NBIRTH' | 'NDATA', payload: Buffer): void => {
    client.publish(topic(type), payload, { qos: 0, retain: false }, () => undefined);
  };
  const birth = (): void => {
    seq = 0;
    births++;
    const values: UMetric[] = metrics.map((m) => ({ name: m.name, alias: m.alias, type: m.type, value: m.read(options.model) }));
    publish('NBIRTH', encode({
      timestamp: Date.now(), seq,
      metrics: [{ name: 'bdSeq', type: 'Int64', value: bdSeq }, { name: 'Node Control/Rebirth', type: 'Boolean', value: false }, ...values],
    }));
  };
  const sendData = (): void => {
    if (!client.connected || hostOnlineSince === null) return;
    seq = (seq + 1) % 256;
    data++;
    publish('NDATA', encode({ timestamp: Date.now(), seq, metrics: metrics.map((m) => ({ alias: m.alias, type: m.type, value: m.read(options.model) })) }));
  };

  client.on('connect', () => {
    if (stateTopic === undefined) client.subscribe(topic('NCMD'), { qos: 0 }, () => birth());
    // The host's STATE is retained: its current value arrives right after the subscription.
    else client.subscribe([topic('NCMD'), stateTopic], { qos: 1 }, () => undefined);
  });
  // A new CONNECT is a new session: its will and its NBIRTH carry the next bdSeq.
  client.on('close', () => {
    bdSeq = (bdSeq + 1) % 256;
    client.options.will = will();
    if (stateTopic !== undefined) hostOnlineSince = null;
  });
  client.on('message', (messageTopic, payload) => {
    if (messageTopic === stateTopic) {
      onHostState(payload);
      return;
    }
    try {
      const rebirth = decodePayload(payload).metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true);
      if (rebirth) birth();
    } catch {
      // Not a Sparkplug payload: a real edge node ignores it too.
    }
  });

  function onHostState(payload: Buffer): void {
    let state: { online?: unknown; timestamp?: unknown };
    try {
      state = JSON.parse(payload.toString('utf8')) as typeof state;
    } catch {
      return;
    }
    if (state.online !== true || typeof state.timestamp !== 'number') {
      hostOnlineSince = null;
      return;
    }
    // A newer host session has not seen our NBIRTH yet.
    if (hostOnlineSince === null || state.timestamp > hostOnlineSince) {
      hostOnlineSince = state.timestamp;
      birth();
    }
  }

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.end(true);
      reject(new Error(`MQTT broker ${options.brokerUrl} not reachable within ${options.connectTimeoutMs ?? 10_000} ms`));
    }, options.connectTimeoutMs ?? 10_000);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const timer = setInterval(sendData, options.intervalMs ?? 3000);
  timer.unref();

  let stopping: Promise<void> | undefined;
  return {
    group,
    node,
    get bdSeq() {
      return bdSeq;
    },
    get births() {
      return births;
    },
    get data() {
      return data;
    },
    stop: () => {
      stopping ??= (async () => {
        clearInterval(timer);
        // A deliberate disconnect discards the will: say goodbye with the NDEATH first.
        if (client.connected) {
          await Promise.race([client.publishAsync(topic('NDEATH'), death(), { qos: 1 }).catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
        }
        await client.endAsync(true);
      })();
      return stopping;
    },
  };
}
