// Configuration of enterprise publish: canonical events republished from the buffer to an enterprise MQTT broker
// (docs/ENTERPRISE-TOPICS.md). Transport keys are the MQTT sources' (same URL schemes, TLS, backoff).
import { z } from 'zod';
import { EVENT_STATUSES } from '../../../domain/index.js';
import { checkMqttTransport, MqttSourceSchema } from './mqttSchema.js';

const mqtt = MqttSourceSchema.shape;

/** Default: every event once, when it is validated (ready / exception) or recorded (quality results). */
export const DEFAULT_ENTERPRISE_STATUSES = ['ready', 'exception', 'recorded'] as const;

/** The connection id's name in the console; an MQTT source may not take it. */
export const ENTERPRISE_CONNECTION_NAME = 'enterprise';

const topicPrefix = z.string().min(1).max(200)
  .refine((p) => !/[+#]/.test(p) && !p.includes('\u0000'), 'must not contain the MQTT wildcards + and #')
  .refine((p) => !p.startsWith('$'), 'must not start with $ (reserved for the broker)')
  .refine((p) => !p.startsWith('/') && !p.endsWith('/') && !p.includes('//'), 'must not start or end with / or contain an empty level');

export const EnterpriseSchema = z.strictObject({
  url: mqtt.url,
  /** Stable and unique per installation; it is also the `origin` of every message. */
  clientId: mqtt.clientId,
  username: mqtt.username,
  password: mqtt.password,
  protocolVersion: mqtt.protocolVersion,
  tls: mqtt.tls,
  keepaliveS: mqtt.keepaliveS,
  reconnect: mqtt.reconnect,
  /** First topic levels: `{topicPrefix}/v1/{plant}/{line}/{kind}`; default "plantdesk". */
  topicPrefix: topicPrefix.default('plantdesk'),
  /** Which events; default both. */
  kinds: z.array(z.enum(['confirmation', 'quality'])).min(1).default(['confirmation', 'quality']),
  /** A message each time an event reaches one of these statuses; default ready, exception, recorded. */
  include: z.array(z.enum(EVENT_STATUSES).refine((s) => s !== 'sending', 'sending is internal to the ERP sync and is not published'))
    .min(1).default([...DEFAULT_ENTERPRISE_STATUSES]),
  /** Messages awaiting their PUBACK at once (and outbox rows read per pass); default 100. */
  batchSize: z.number().int().min(1).max(10_000).default(100),
}).superRefine(checkMqttTransport);

export type EnterpriseConfig = z.output<typeof EnterpriseSchema>;

/** The enterprise link next to the plant's MQTT sources: no name or clientId clash (they would throw each other off). */
export function checkEnterpriseAgainstSources(
  config: { enterprise?: { clientId: string } | undefined; mqtt: readonly { name: string; clientId: string }[] },
  ctx: z.RefinementCtx,
): void {
  if (!config.enterprise) return;
  config.mqtt.forEach((source, i) => {
    if (source.name === ENTERPRISE_CONNECTION_NAME) {
      ctx.addIssue({ code: 'custom', path: ['mqtt', i, 'name'], message: `"${ENTERPRISE_CONNECTION_NAME}" names the enterprise publish connection; choose another name` });
    }
    if (source.clientId === config.enterprise?.clientId) {
      ctx.addIssue({ code: 'custom', path: ['enterprise', 'clientId'], message: `is also the clientId of mqtt[${i}] (${source.name}); each connection needs its own` });
    }
  });
}
