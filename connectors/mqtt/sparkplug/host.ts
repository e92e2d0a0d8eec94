// The Sparkplug B host application as a pure state machine (no I/O, no timers): it consumes (topic, payload,
// receivedAt) in arrival order, tracks edge nodes and devices, and returns decoded metrics or a rejection with a
// reason, plus the actions to publish (rebirth requests, our STATE birth again). The MQTT side is mqttHost.ts.
import { checkTimestamp, readBdSeq, readBirth, readData, type MessageContext, type MetricCatalog, type TimeLimits } from './metrics.js';
import { decodeSparkplugPayload, encodeRebirthRequest, has, type RawPayload } from './payload.js';
import { ncmdTopic, parseSparkplugTopic } from './topic.js';
import type {
  SparkplugAction, SparkplugConsumeResult, SparkplugHostStatus, SparkplugLiveness, SparkplugMetric, SparkplugNodeStatus, SparkplugTopic,
} from './types.js';
import { bigToJson, toBigInt } from './values.js';

export interface SparkplugHostOptions {
  /** Our Sparkplug host id: an online:false on our own `spBv1.0/STATE/{hostId}` then asks to republish our birth. */
  readonly hostId?: string;
  /** A born node with no message for this long is `stale`. Default 300 000 (5 min). */
  readonly staleAfterMs?: number;
  /** At most one rebirth request per node within this period, however many messages show the problem. Default 10 000. */
  readonly rebirthRetryMs?: number;
  /** false for a passive host: it still tracks nodes and rejects what it cannot trust, but never asks for a rebirth. Default true. */
  readonly requestRebirth?: boolean;
  /** Larger payloads are rejected without decoding. Default 262 144 (256 KiB, the agent's payload limit). */
  readonly maxPayloadBytes?: number;
  /** Metric and payload timestamps may be this far ahead of the receive time. Default 600 000 (10 min). */
  readonly maxFutureMs?: number;
  /** ... and this far behind (store-and-forward history arrives late). Default 30 days. */
  readonly maxAgeMs?: number;
  /** Edge nodes tracked at most, so a publisher inventing node ids cannot grow memory without bound. Default 10 000. */
  readonly maxNodes?: number;
  /** The clock status() uses when no time is passed. Default Date.now. */
  readonly clock?: () => number;
}

type EdgeTopic = Extract<SparkplugTopic, { kind: 'edge' }>;
type StateTopic = Extract<SparkplugTopic, { kind: 'state' }>;

interface DeviceState {
  online: boolean;
  since: number | null;
  lastMessageAt: number | null;
  catalog: MetricCatalog;
}

interface NodeState {
  readonly group: string;
  readonly node: string;
  online: boolean;
  since: number | null;
  lastMessageAt: number | null;
  bdSeq: bigint | null;
  seq: number | null;
  awaitingRebirth: string | null;
  rebirthRequestedAt: number | null;
  /** The host's own broker connection dropped since this node's NBIRTH: its data may be incomplete. */
  brokerLost: boolean;
  catalog: MetricCatalog;
  readonly devices: Map<string, DeviceState>;
}

const EMPTY_CATALOG: MetricCatalog = { byName: new Map(), byAlias: new Map() };
const utf8 = new TextDecoder('utf-8', { fatal: true });

function accept(topic: SparkplugTopic, accepted: readonly SparkplugMetric[], actions: readonly SparkplugAction[] = []): SparkplugConsumeResult {
  return { ok: true, topic, accepted, actions };
}

function reject(topic: SparkplugTopic | null, rejected: string, actions: readonly SparkplugAction[] = []): SparkplugConsumeResult {
  return { ok: false, topic, rejected, actions };
}

function readSeq(raw: RawPayload): { ok: true; seq: number } | { ok: false; reason: string } {
  if (!has(raw, 'seq')) return { ok: false, reason: 'has no seq' };
  const seq = toBigInt(raw.seq);
  if (seq === undefined || seq > 255n) return { ok: false, reason: `has seq ${seq ?? '?'}, outside 0–255` };
  return { ok: true, seq: Number(seq) };
}

export class SparkplugHost {
  private readonly nodes = new Map<string, NodeState>();
  private readonly hostStates = new Map<string, SparkplugHostStatus>();
  private readonly limits: TimeLimits;
  private readonly staleAfterMs: number;
  private readonly rebirthRetryMs: number;
  private readonly maxPayloadBytes: number;
  private readonly maxNodes: number;
  private readonly clock: () => number;

  constructor(private readonly options: SparkplugHostOptions = {}) {
    this.limits = { maxFutureMs: options.maxFutureMs ?? 600_000, maxAgeMs: options.maxAgeMs ?? 30 * 86_400_000 };
    this.staleAfterMs = options.staleAfterMs ?? 300_000;
    this.rebirthRetryMs = options.rebirthRetryMs ?? 10_000;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 256 * 1024;
    this.maxNodes = options.maxNodes ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  /** One MQTT message, in arrival order. Never throws: anything it cannot use comes back as `rejected` with a reason. */
  consume(topic: string, payload: Uint8Array, receivedAt: number): SparkplugConsumeResult {
    try {
      return this.read(topic, payload, receivedAt);
    } catch (error) {
      return reject(null, `internal error reading a Sparkplug message on ${topic}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The host's own MQTT connection dropped: messages may have been missed, so every online node is stale and its
   * data is refused (with a rebirth request) until its next NBIRTH (Sparkplug 3.0: host loses its server → STALE).
   */
  connectionLost(): void {
    for (const node of this.nodes.values()) {
      if (!node.online) continue;
      node.brokerLost = true;
      node.awaitingRebirth ??= 'the host lost its MQTT connection and may have missed messages';
    }
  }

  /** Edge nodes and their devices for the API, sorted by group and node. */
  status(now: number = this.clock()): readonly SparkplugNodeStatus[] {
    return [...this.nodes.values()]
      .sort((a, b) => a.group.localeCompare(b.group) || a.node.localeCompare(b.node))
      .map((node) => {
        const state = this.liveness(node, now);
        return {
          group: node.group,
          node: node.node,
          state,
          since: node.since,
          lastMessageAt: node.lastMessageAt,
          awaitingRebirth: node.awaitingRebirth,
          rebirthRequestedAt: node.rebirthRequestedAt,
          bdSeq: node.bdSeq === null ? null : bigToJson(node.bdSeq),
          seq: node.seq,
          metricCount: node.catalog.byName.size,
          devices: [...node.devices.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([device, d]) => ({
              device,
              state: !d.online || state === 'offline' ? 'offline' : state,
              since: d.since,
              lastMessageAt: d.lastMessageAt,
              metricCount: d.catalog.byName.size,
            })),
        };
      });
  }

  /** The last STATE seen per host application id. */
  hosts(): readonly SparkplugHostStatus[] {
    return [...this.hostStates.values()].sort((a, b) => a.hostId.localeCompare(b.hostId));
  }

  private liveness(node: NodeState, now: number): SparkplugLiveness {
    if (!node.online) return 'offline';
    if (node.brokerLost || node.lastMessageAt === null || now - node.lastMessageAt > this.staleAfterMs) return 'stale';
    return 'online';
  }

  private read(topic: string, payload: Uint8Array, receivedAt: number): SparkplugConsumeResult {
    const parsed = parseSparkplugTopic(topic);
    if (!parsed.ok) return reject(null, parsed.reason);
    const t = parsed.topic;
    if (payload.byteLength > this.maxPayloadBytes) {
      return reject(t, `payload of ${payload.byteLength} bytes is over the limit of ${this.maxPayloadBytes} bytes`);
    }
    if (t.kind === 'state') return this.hostState(t, payload, receivedAt);
    if (t.type === 'NCMD' || t.type === 'DCMD') return reject(t, `${t.type} is a command to an edge node; the host does not consume commands`);
    const decoded = decodeSparkplugPayload(payload);
    if (!decoded.ok) return reject(t, `not a Sparkplug B payload (${decoded.reason})`);
    if (t.type === 'NBIRTH') return this.nodeBirth(t, decoded.payload, receivedAt);
    if (t.type === 'NDEATH') return this.nodeDeath(t, decoded.payload, receivedAt);
    return this.inSession(t, decoded.payload, receivedAt);
  }

  private nodeFor(t: EdgeTopic): NodeState | undefined {
    const key = `${t.group}/${t.node}`;
    let node = this.nodes.get(key);
    if (!node && this.nodes.size < this.maxNodes) {
      node = {
        group: t.group, node: t.node, online: false, since: null, lastMessageAt: null, bdSeq: null, seq: null,
        awaitingRebirth: null, rebirthRequestedAt: null, brokerLost: false, catalog: EMPTY_CATALOG, devices: new Map(),
      };
      this.nodes.set(key, node);
    }
    return node;
  }

  private deviceFor(node: NodeState, t: EdgeTopic): DeviceState {
    const id = t.device ?? '';
    let device = node.devices.get(id);
    if (!device) {
      device = { online: false, since: null, lastMessageAt: null, catalog: EMPTY_CATALOG };
      node.devices.set(id, device);
    }
    return device;
  }

  private tooMany(t: EdgeTopic): SparkplugConsumeResult {
    return reject(t, `ignored: already tracking the limit of ${this.maxNodes} edge nodes`);
  }

  private context(t: EdgeTopic, messageType: SparkplugMetric['messageType'], receivedAt: number, payloadTimestamp: number | undefined): MessageContext {
    return { group: t.group, node: t.node, device: t.device, messageType, receivedAt, payloadTimestamp, limits: this.limits };
  }

  private payloadTime(raw: RawPayload, receivedAt: number): { ok: true; value: number | undefined } | { ok: false; reason: string } {
    if (!has(raw, 'timestamp')) return { ok: true, value: undefined };
    const checked = checkTimestamp(raw.timestamp, receivedAt, this.limits);
    return checked.ok ? checked : { ok: false, reason: `payload ${checked.reason}` };
  }

  private endSession(node: NodeState, at: number): void {
    if (node.online) node.since = at;
    node.online = false;
    node.seq = null;
    node.catalog = EMPTY_CATALOG;
    for (const device of node.devices.values()) {
      if (device.online) device.since = at;
      device.online = false;
      device.catalog = EMPTY_CATALOG;
    }
  }

  private nodeBirth(t: EdgeTopic, raw: RawPayload, receivedAt: number): SparkplugConsumeResult {
    const node = this.nodeFor(t);
    if (!node) return this.tooMany(t);
    node.lastMessageAt = receivedAt;
    // A new session began; if its birth is unusable the old one is forgotten anyway, and data that follows asks
    // for a rebirth.
    const invalid = (reason: string): SparkplugConsumeResult => {
      this.endSession(node, receivedAt);
      node.awaitingRebirth = `invalid NBIRTH: ${reason}`;
      return reject(t, node.awaitingRebirth);
    };
    const seq = readSeq(raw);
    if (!seq.ok) return invalid(seq.reason);
    const time = this.payloadTime(raw, receivedAt);
    if (!time.ok) return invalid(time.reason);
    const birth = readBirth(raw.metrics, this.context(t, 'NBIRTH', receivedAt, time.value));
    if (!birth.ok) return invalid(birth.reason);
    this.endSession(node, receivedAt);
    node.online = true;
    node.since = receivedAt;
    node.bdSeq = readBdSeq(raw.metrics) ?? null;
    node.seq = seq.seq;
    node.catalog = birth.catalog;
    node.awaitingRebirth = null;
    node.rebirthRequestedAt = null;
    node.brokerLost = false;
    return accept(t, birth.metrics);
  }

  private nodeDeath(t: EdgeTopic, raw: RawPayload, receivedAt: number): SparkplugConsumeResult {
    const node = this.nodes.get(`${t.group}/${t.node}`);
    if (!node) return reject(t, 'NDEATH ignored: no NBIRTH seen from this node');
    // The NDEATH is the will registered at CONNECT: its timestamp is that old, so it is not checked.
    const bdSeq = readBdSeq(raw.metrics);
    if (node.bdSeq !== null && bdSeq === undefined) return reject(t, `NDEATH without bdSeq ignored (the current NBIRTH has bdSeq ${node.bdSeq})`);
    if (node.bdSeq !== null && bdSeq !== node.bdSeq) {
      return reject(t, `stale NDEATH ignored: bdSeq ${bdSeq} does not match bdSeq ${node.bdSeq} of the current NBIRTH`);
    }
    this.endSession(node, receivedAt);
    node.since ??= receivedAt;
    node.bdSeq = bdSeq ?? node.bdSeq;
    node.awaitingRebirth = null;
    node.rebirthRequestedAt = null;
    return accept(t, []);
  }

  /** Refuses the message, marks the node as needing a rebirth and asks for one (at most once per rebirthRetryMs). */
  private refuseAndRebirth(node: NodeState, t: EdgeTopic, reason: string, receivedAt: number): SparkplugConsumeResult {
    node.awaitingRebirth ??= reason;
    if (this.options.requestRebirth === false) return reject(t, `${reason}; rebirth requests are off`);
    const last = node.rebirthRequestedAt;
    if (last !== null && receivedAt >= last && receivedAt - last < this.rebirthRetryMs) {
      return reject(t, `${reason}; rebirth already requested ${Math.round((receivedAt - last) / 1000)} s ago`);
    }
    node.rebirthRequestedAt = receivedAt;
    const action: SparkplugAction = {
      kind: 'rebirth',
      group: node.group,
      node: node.node,
      reason: node.awaitingRebirth,
      publish: { topic: ncmdTopic(node.group, node.node), payload: encodeRebirthRequest(receivedAt), qos: 0, retain: false },
    };
    return reject(t, `${reason}; rebirth requested`, [action]);
  }

  /** NDATA, DBIRTH, DDATA and DDEATH: they need a live session and the next seq. */
  private inSession(t: EdgeTopic, raw: RawPayload, receivedAt: number): SparkplugConsumeResult {
    const node = this.nodeFor(t);
    if (!node) return this.tooMany(t);
    node.lastMessageAt = receivedAt;
    if (!node.online) {
      const why = node.awaitingRebirth ? ` (${node.awaitingRebirth})` : '';
      return this.refuseAndRebirth(node, t, `${t.type} from a node without a valid NBIRTH${why}`, receivedAt);
    }
    if (node.awaitingRebirth) return this.refuseAndRebirth(node, t, `${t.type} refused while awaiting a rebirth (${node.awaitingRebirth})`, receivedAt);
    const seq = readSeq(raw);
    if (!seq.ok) return reject(t, `${t.type} ${seq.reason}`);
    const expected = ((node.seq ?? 255) + 1) % 256;
    if (seq.seq !== expected) {
      node.awaitingRebirth = `seq gap: expected ${expected}, got ${seq.seq}`;
      return this.refuseAndRebirth(node, t, `${t.type} ${node.awaitingRebirth}`, receivedAt);
    }
    node.seq = seq.seq;

    if (t.type === 'DDEATH') {
      const device = this.deviceFor(node, t);
      if (device.online || device.since === null) device.since = receivedAt;
      Object.assign(device, { online: false, lastMessageAt: receivedAt, catalog: EMPTY_CATALOG });
      return accept(t, []);
    }
    const time = this.payloadTime(raw, receivedAt);
    if (!time.ok) return reject(t, `${t.type} ${time.reason}`);
    if (t.type === 'DBIRTH') {
      const device = this.deviceFor(node, t);
      device.lastMessageAt = receivedAt;
      const birth = readBirth(raw.metrics, this.context(t, 'DBIRTH', receivedAt, time.value));
      if (!birth.ok) {
        if (device.online || device.since === null) device.since = receivedAt;
        Object.assign(device, { online: false, catalog: EMPTY_CATALOG });
        return reject(t, `invalid DBIRTH: ${birth.reason}`);
      }
      Object.assign(device, { online: true, since: receivedAt, catalog: birth.catalog });
      return accept(t, birth.metrics);
    }
    let catalog = node.catalog;
    if (t.type === 'DDATA') {
      const device = node.devices.get(t.device ?? '');
      if (!device?.online) return this.refuseAndRebirth(node, t, `DDATA from device ${t.device} without a DBIRTH`, receivedAt);
      device.lastMessageAt = receivedAt;
      catalog = device.catalog;
    }
    const data = readData(raw.metrics, catalog, this.context(t, t.type === 'DDATA' ? 'DDATA' : 'NDATA', receivedAt, time.value));
    if (!data.ok) return data.rebirth ? this.refuseAndRebirth(node, t, `${t.type} ${data.reason}`, receivedAt) : reject(t, `${t.type} ${data.reason}`);
    return accept(t, data.metrics);
  }

  private hostState(t: StateTopic, payload: Uint8Array, receivedAt: number): SparkplugConsumeResult {
    let text: string;
    try {
      text = utf8.decode(payload);
    } catch {
      return reject(t, 'STATE payload is not valid UTF-8');
    }
    let online: boolean;
    let timestamp: number | null = null;
    if (t.legacy) {
      if (text !== 'ONLINE' && text !== 'OFFLINE') return reject(t, `STATE payload is neither ONLINE nor OFFLINE`);
      online = text === 'ONLINE';
    } else {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        return reject(t, `STATE payload is not valid JSON (${(error as Error).message})`);
      }
      const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
      if (typeof body.online !== 'boolean' || typeof body.timestamp !== 'number' || !Number.isSafeInteger(body.timestamp) || body.timestamp < 0) {
        return reject(t, 'STATE payload is not {"online": boolean, "timestamp": epoch ms}');
      }
      online = body.online;
      timestamp = body.timestamp;
    }
    const previous = this.hostStates.get(t.hostId);
    const older = previous?.timestamp != null && timestamp !== null && timestamp < previous.timestamp;
    if (!older && (previous || this.hostStates.size < this.maxNodes)) this.hostStates.set(t.hostId, { hostId: t.hostId, online, timestamp, receivedAt });
    const ours = !t.legacy && t.hostId === this.options.hostId;
    if (ours && !online) {
      return accept(t, [], [{ kind: 'republishHostState', hostId: t.hostId, reason: 'our own STATE topic says offline while we are connected' }]);
    }
    return accept(t, []);
  }
}
