// Configuration of Sparkplug B host connections (README, "Sparkplug B"). Transport keys are the MQTT sources'
// (same URL schemes, TLS, keepalive, backoff); the session is always clean, as Sparkplug 3.0 requires.
import { z } from 'zod';
import { name } from './names.js';
import { checkMqttTransport, MqttSourceSchema } from './mqttSchema.js';
import { MaxPayloadBytesSchema } from '../mappingSchema.js';

const mqtt = MqttSourceSchema.shape;

/** A Sparkplug id (host, group): no '/', and no MQTT wildcard. */
const sparkplugId = z.string().trim().min(1).max(64).regex(/^[^/+#]+$/, "must not contain '/', '+' or '#'");

export const DEFAULT_SPARKPLUG_TIME_WINDOW = { maxAheadS: 600, maxAgeS: 30 * 86_400 } as const;

export const SparkplugSourceSchema = z.strictObject({
  /** Names the connection (`mqtt:sparkplug:<name>`) and the source of its raw messages. */
  name,
  url: mqtt.url,
  /** Stable and unique per installation; the session is clean, so nothing is kept under it while away. */
  clientId: mqtt.clientId,
  username: mqtt.username,
  password: mqtt.password,
  protocolVersion: mqtt.protocolVersion,
  tls: mqtt.tls,
  keepaliveS: mqtt.keepaliveS,
  reconnect: mqtt.reconnect,
  /** The Sparkplug host application id: PlantDesk's STATE is `spBv1.0/STATE/<hostId>`. */
  hostId: sparkplugId,
  /** Sparkplug group ids to listen to; default all. */
  groups: z.array(sparkplugId).min(1).optional(),
  /** A node with no message for this long shows as stale; default 300. */
  staleAfterS: z.number().int().min(1).max(7 * 86_400).default(300),
  /** false: a passive host that never sends NCMD rebirth requests (it still refuses what it cannot trust). */
  requestRebirth: z.boolean().default(true),
  /** At most one rebirth request per node this often; default 10. */
  rebirthRetryS: z.number().int().min(1).max(3600).default(10),
  /** Larger payloads are rejected with their size; default 256 KiB. */
  maxPayloadBytes: MaxPayloadBytesSchema,
  /** Payload and metric timestamps outside this window around arrival are rejected; default 10 min ahead, 30 days back. */
  eventTime: z.strictObject({
    maxAheadS: z.number().int().min(0).max(366 * 86_400).default(DEFAULT_SPARKPLUG_TIME_WINDOW.maxAheadS),
    maxAgeS: z.number().int().min(0).max(10 * 366 * 86_400).default(DEFAULT_SPARKPLUG_TIME_WINDOW.maxAgeS),
  }).default(DEFAULT_SPARKPLUG_TIME_WINDOW),
}).superRefine((source, ctx) => {
  checkMqttTransport(source, ctx);
  const groups = source.groups ?? [];
  const twice = groups.find((group, i) => groups.indexOf(group) !== i);
  if (twice !== undefined) ctx.addIssue({ code: 'custom', path: ['groups'], message: `lists ${twice} twice` });
});

export type SparkplugSourceConfig = z.output<typeof SparkplugSourceSchema>;

/**
 * Sparkplug connections next to the other MQTT connections: a name no MQTT source has (both keep raw messages under
 * it), and a clientId and host id of their own (two clients with one id throw each other off the broker).
 */
export function checkSparkplugAgainstSources(
  config: {
    sparkplug: readonly { name: string; clientId: string; hostId: string }[];
    mqtt: readonly { name: string; clientId: string }[];
    enterprise?: { clientId: string } | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const others = [
    ...config.mqtt.map((source, i) => ({ what: `mqtt[${i}] (${source.name})`, clientId: source.clientId })),
    ...(config.enterprise ? [{ what: 'enterprise', clientId: config.enterprise.clientId }] : []),
  ];
  config.sparkplug.forEach((source, i) => {
    const mqttIndex = config.mqtt.findIndex((m) => m.name === source.name);
    if (mqttIndex >= 0) ctx.addIssue({ code: 'custom', path: ['sparkplug', i, 'name'], message: `is also the name of mqtt[${mqttIndex}]; choose another name` });
    const earlier = config.sparkplug.slice(0, i);
    const sameName = earlier.findIndex((s) => s.name === source.name);
    if (sameName >= 0) ctx.addIssue({ code: 'custom', path: ['sparkplug', i, 'name'], message: `is also the name of sparkplug[${sameName}]` });
    const sameHost = earlier.findIndex((s) => s.hostId === source.hostId);
    if (sameHost >= 0) ctx.addIssue({ code: 'custom', path: ['sparkplug', i, 'hostId'], message: `is also the hostId of sparkplug[${sameHost}]; each host application needs its own` });
    const clash = [...others, ...earlier.map((s, k) => ({ what: `sparkplug[${k}] (${s.name})`, clientId: s.clientId }))].find((o) => o.clientId === source.clientId);
    if (clash) ctx.addIssue({ code: 'custom', path: ['sparkplug', i, 'clientId'], message: `is also the clientId of ${clash.what}; each connection needs its own` });
  });
}
