// Sparkplug B topic names: parsing what arrives, building what the host publishes and subscribes to.
import { EDGE_MESSAGE_TYPES, type SparkplugMessageType, type SparkplugTopic } from './types.js';

export const SPARKPLUG_NAMESPACE = 'spBv1.0';

const DEVICE_TYPES: ReadonlySet<SparkplugMessageType> = new Set(['DBIRTH', 'DDATA', 'DDEATH', 'DCMD']);

function isMessageType(value: string): value is SparkplugMessageType {
  return (EDGE_MESSAGE_TYPES as readonly string[]).includes(value);
}

export type TopicParse = { readonly ok: true; readonly topic: SparkplugTopic } | { readonly ok: false; readonly reason: string };

/**
 * Reads `spBv1.0/{group}/{type}/{node}[/{device}]`, `spBv1.0/STATE/{hostId}` (Sparkplug 3.0) and `STATE/{hostId}`
 * (2.2). Ids must be non-empty; device messages need a device id and node messages must not have one.
 */
export function parseSparkplugTopic(topic: string): TopicParse {
  const levels = topic.split('/');
  if (levels.length === 2 && levels[0] === 'STATE' && levels[1]) return { ok: true, topic: { kind: 'state', hostId: levels[1], legacy: true } };
  if (levels[0] !== SPARKPLUG_NAMESPACE) return { ok: false, reason: `topic ${topic} is not in the ${SPARKPLUG_NAMESPACE} namespace` };
  if (levels[1] === 'STATE') {
    if (levels.length === 3 && levels[2]) return { ok: true, topic: { kind: 'state', hostId: levels[2], legacy: false } };
    return { ok: false, reason: `topic ${topic} is not ${SPARKPLUG_NAMESPACE}/STATE/{hostId}` };
  }
  const [, group, type, node, device] = levels;
  if (levels.length < 4 || levels.length > 5 || !group || !type || !node) {
    return { ok: false, reason: `topic ${topic} is not ${SPARKPLUG_NAMESPACE}/{group}/{type}/{edgeNode}[/{device}]` };
  }
  if (!isMessageType(type)) return { ok: false, reason: `topic ${topic} has the unknown Sparkplug message type ${type}` };
  const needsDevice = DEVICE_TYPES.has(type);
  if (needsDevice && !device) return { ok: false, reason: `topic ${topic}: a ${type} needs a device id` };
  if (!needsDevice && levels.length === 5) return { ok: false, reason: `topic ${topic}: a ${type} has no device id` };
  return { ok: true, topic: { kind: 'edge', type, group, node, device: needsDevice ? (device ?? null) : null } };
}

export function ncmdTopic(group: string, node: string): string {
  return `${SPARKPLUG_NAMESPACE}/${group}/NCMD/${node}`;
}

/** Sparkplug 3.0 host STATE topic; the host publishes its birth here and registers its will here. */
export function hostStateTopic(hostId: string): string {
  return `${SPARKPLUG_NAMESPACE}/STATE/${hostId}`;
}

/** A Sparkplug id (group, edge node, device, host): non-empty, no '/', and no MQTT wildcard. */
export function isValidSparkplugId(id: string): boolean {
  return id.length > 0 && !/[/+#]/.test(id);
}

/**
 * The topic filters a host subscribes to (QoS 1): births, data and deaths of the given groups (all by default) and
 * its own STATE topic. Commands (NCMD/DCMD), including the host's own rebirth requests, are left out on purpose.
 */
export function sparkplugSubscriptions(hostId: string, groups: readonly string[] = ['+']): readonly { readonly topic: string; readonly qos: 1 }[] {
  const filters = groups.flatMap((group) => [
    ...['NBIRTH', 'NDATA', 'NDEATH'].map((type) => `${SPARKPLUG_NAMESPACE}/${group}/${type}/+`),
    ...['DBIRTH', 'DDATA', 'DDEATH'].map((type) => `${SPARKPLUG_NAMESPACE}/${group}/${type}/+/+`),
  ]);
  return [...filters, hostStateTopic(hostId)].map((topic) => ({ topic, qos: 1 as const }));
}
