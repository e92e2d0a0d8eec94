// The agent's side of the Sparkplug B host: configuration into connector options, a consumed message into the raw
// row the intake commits (telemetry with the decoded metrics, or rejected with the reason; the bytes always kept),
// and the host's node list into the API's shape.
import { createHash, randomUUID } from 'node:crypto';
import type { SparkplugNodeInfo } from '../../domain/index.js';
import { KEPT_BYTES_OF_OVERSIZED } from '../../domain/mapping/payload.js';
import { displayUrl, startSparkplugSource, type IncomingSparkplugMessage, type SparkplugSourceOptions } from '../../connectors/mqtt/index.js';
import type { SparkplugActionOutcome, SparkplugMetric, SparkplugNodeStatus } from '../../connectors/mqtt/sparkplug/index.js';
import type { RawMessageInput } from '../../local-store/index.js';
import type { AgentConfig } from './config/schema.js';
import type { SparkplugSourceConfig } from './config/sparkplugSchema.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { Ingest } from './ingest.js';
import type { Logger } from './logger.js';

/** raw_message.mapping_version of every Sparkplug row: decoded (or refused) by the Sparkplug B host. */
export const SPARKPLUG_MAPPING_VERSION = 'spBv1.0';

/** The connection's name in the registry (kind mqtt): `sparkplug:<name>`, which no MQTT source name can be. */
export function sparkplugConnectionName(source: string): string {
  return `sparkplug:${source}`;
}

export function sparkplugSourceOptions(config: SparkplugSourceConfig): SparkplugSourceOptions {
  return {
    name: config.name, url: config.url, clientId: config.clientId, hostId: config.hostId, protocolVersion: config.protocolVersion,
    keepaliveS: config.keepaliveS, reconnect: config.reconnect,
    ...(config.groups !== undefined ? { groups: config.groups } : {}),
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.tls !== undefined ? { tls: config.tls } : {}),
    host: {
      staleAfterMs: config.staleAfterS * 1000, requestRebirth: config.requestRebirth, rebirthRetryMs: config.rebirthRetryS * 1000,
      maxPayloadBytes: config.maxPayloadBytes, maxFutureMs: config.eventTime.maxAheadS * 1000, maxAgeMs: config.eventTime.maxAgeS * 1000,
    },
  };
}

/** A metric as kept in the telemetry row: the message's group, node and device are said once, above. */
function keptMetric(m: SparkplugMetric): Record<string, unknown> {
  return {
    name: m.name, datatype: m.datatype, value: m.value, timestamp: m.timestamp,
    ...(m.isHistorical ? { isHistorical: true } : {}),
    ...(m.isTransient ? { isTransient: true } : {}),
    ...(m.properties !== undefined ? { properties: m.properties } : {}),
  };
}

const asNumber = (decimal: string | null): number | string | null => {
  if (decimal === null) return null;
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : decimal;
};

/**
 * `sparkplug:<source>:<group>/<node>[/<device>]:<type>:<seq>:<timestamp>:<sha256 of the bytes, 16 hex>`; STATE
 * messages `sparkplug:<source>:STATE/<hostId>:-:-:<hash>`. The bytes carry bdSeq (NBIRTH, NDEATH) and everything
 * else, so a redelivery (or a retained STATE seen again) is one key. A refused message, or one without a payload
 * timestamp, also carries its arrival time: each arrival is kept, none mistaken for another that had the same bytes.
 */
export function sparkplugIdempotencyKey(message: IncomingSparkplugMessage): string {
  const { result, header } = message;
  const topic = result.topic;
  const where = topic?.kind === 'edge'
    ? `${topic.group}/${topic.node}${topic.device !== null ? `/${topic.device}` : ''}:${topic.type}`
    : topic?.kind === 'state' ? `STATE/${topic.hostId}` : message.topic;
  const hash = createHash('sha256').update(message.payload).digest('hex').slice(0, 16);
  const repeatable = result.ok && (topic?.kind === 'state' || header.timestamp !== null);
  const stamp = topic?.kind === 'state' ? '-:-' : `${header.seq ?? '-'}:${header.timestamp ?? '-'}`;
  return `sparkplug:${message.source}:${where}:${stamp}:${hash}${repeatable ? '' : `:${message.receivedAt}`}`;
}

/**
 * The raw row for one consumed message. Accepted: status telemetry, payload the JSON of what was decoded (type,
 * ids, seq, timestamp, metrics) with the bytes as received in base64 under `raw`. Refused: status rejected with the
 * host's reason, payload the bytes in base64 (payload_encoding base64), only the first 4 KiB when over the limit.
 */
export function sparkplugRawRecord(message: IncomingSparkplugMessage, options: { readonly maxPayloadBytes: number; readonly correlationId?: string }): RawMessageInput {
  const { result, payload } = message;
  const common = {
    idempotencyKey: sparkplugIdempotencyKey(message), source: message.source, channel: message.topic, receivedAt: message.receivedAt,
    correlationId: options.correlationId ?? randomUUID(), mappingVersion: SPARKPLUG_MAPPING_VERSION, payloadBytes: payload.length,
  };
  if (!result.ok) {
    const truncated = payload.length > options.maxPayloadBytes;
    const kept = truncated ? payload.subarray(0, KEPT_BYTES_OF_OVERSIZED) : payload;
    return { ...common, payload: kept.toString('base64'), payloadEncoding: 'base64', payloadTruncated: truncated, status: 'rejected', rejectReason: result.rejected };
  }
  const topic = result.topic;
  const body = topic.kind === 'state'
    ? { type: 'STATE', hostId: topic.hostId }
    : {
        type: topic.type, group: topic.group, node: topic.node, device: topic.device,
        seq: asNumber(message.header.seq), timestamp: asNumber(message.header.timestamp), metrics: result.accepted.map(keptMetric),
      };
  return { ...common, payload: JSON.stringify({ ...body, raw: payload.toString('base64') }), payloadEncoding: 'utf8', status: 'telemetry' };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toSparkplugNodeInfo(source: string, node: SparkplugNodeStatus): SparkplugNodeInfo {
  return {
    source, group: node.group, node: node.node, state: node.state, since: iso(node.since), lastMessageAt: iso(node.lastMessageAt),
    awaitingRebirth: node.awaitingRebirth, rebirthRequestedAt: iso(node.rebirthRequestedAt), bdSeq: node.bdSeq, seq: node.seq,
    metricCount: node.metricCount,
    devices: node.devices.map((d) => ({ device: d.device, state: d.state, since: iso(d.since), lastMessageAt: iso(d.lastMessageAt), metricCount: d.metricCount })),
  };
}

/** One log line per action: a rebirth request sent (info) or one that could not be (warn). */
export function logSparkplugActions(logger: Logger, source: string, outcomes: readonly SparkplugActionOutcome[]): void {
  for (const outcome of outcomes) {
    const { action } = outcome;
    const context = action.kind === 'rebirth'
      ? { source, action: action.kind, group: action.group, node: action.node, reason: action.reason }
      : { source, action: action.kind, hostId: action.hostId, reason: action.reason };
    if (outcome.ok) logger.info(context, action.kind === 'rebirth' ? 'Sparkplug rebirth requested (NCMD)' : 'Sparkplug host STATE published again');
    else logger.warn({ ...context, error: outcome.error }, 'Sparkplug action could not be published');
  }
}

export interface SparkplugSources {
  /** Every node of every Sparkplug connection, by connection, group and node. */
  nodes(): SparkplugNodeInfo[];
  stop(): Promise<void>;
}

/**
 * Starts the configuration's `sparkplug:` connections. Each message is committed as one raw row through the intake's
 * group commit before it is acknowledged; the connection is registered as kind mqtt, named `sparkplug:<name>`.
 */
export function startSparkplugSources(config: Pick<AgentConfig, 'sparkplug'>, ingest: Pick<Ingest, 'submitRaw'>, logger: Logger, connections: ConnectionRegistry, onChange: () => void): SparkplugSources {
  const running = config.sparkplug.map((source) => {
    const id = connections.register('mqtt', sparkplugConnectionName(source.name), displayUrl(source.url));
    const connector = startSparkplugSource(
      {
        ...sparkplugSourceOptions(source),
        onActions: (outcomes) => {
          logSparkplugActions(logger, source.name, outcomes);
          onChange();
        },
      },
      async (message) => {
        const outcome = await ingest.submitRaw(sparkplugRawRecord(message, { maxPayloadBytes: source.maxPayloadBytes }));
        if (outcome === 'rejected' && !message.result.ok) logger.warn({ source: source.name, topic: message.topic, reason: message.result.rejected }, 'Sparkplug message rejected');
        connections.markData(id, message.receivedAt);
        onChange();
      },
      (state, error) => connections.setState(id, state, error),
    );
    return { name: source.name, connector };
  });
  return {
    nodes: () => running.flatMap(({ name, connector }) => connector.nodes().map((node) => toSparkplugNodeInfo(name, node))),
    async stop() {
      await Promise.all(running.map(({ connector }) => connector.stop()));
    },
  };
}
