// Configuration of MQTT sources.
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { name } from './names.js';
import { EventTimeWindowSchema, MaxPayloadBytesSchema, MqttTopicSchema } from '../mappingSchema.js';

export const MqttSourceSchema = z.strictObject({
  name,
  url: z.string().regex(/^(mqtt|mqtts|ws|wss|tcp|tls):\/\/.+/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
  clientId: z.string().min(1).max(64),
  username: z.string().optional(),
  password: z.string().optional(),
  // Transport and resilience (README, "MQTT brokers"). TLS files are read at start; relative paths are taken
  // from the working directory.
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  /** MQTT 5: how long the broker keeps PlantDesk's session and queued messages while it is away; default 7 days. */
  sessionExpiryS: z.number().int().min(0).max(0xffff_ffff).default(604_800),
  tls: z.strictObject({
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    servername: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().default(true),
  }).optional(),
  keepaliveS: z.number().int().min(5).max(65_535).default(60),
  reconnect: z.strictObject({
    minMs: z.number().int().min(10).max(3_600_000).default(1000),
    maxMs: z.number().int().min(10).max(3_600_000).default(30_000),
  }).default({ minMs: 1000, maxMs: 30_000 }),
  // Each topic: `type` with the built-in mapping mes-json-v1, or an inline `mapping:` (README, Mappings).
  topics: z.array(MqttTopicSchema).min(1),
  /** Larger payloads are rejected with their size; default 256 KiB. */
  maxPayloadBytes: MaxPayloadBytesSchema,
  /** Event times outside this window around a message's arrival are rejected; default 1 day ahead, 30 days back. */
  eventTime: EventTimeWindowSchema,
}).superRefine(checkMqttTransport);

/** TLS needs a TLS URL, and its files must be readable now: a wrong path is reported with its line at start. */
export function checkMqttTransport(
  source: { url: string; tls?: { caFile?: string; certFile?: string; keyFile?: string } | undefined; reconnect: { minMs: number; maxMs: number } },
  ctx: z.RefinementCtx,
): void {
  if (source.tls && !/^(mqtts|tls|wss):\/\//.test(source.url)) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'needs an mqtts://, tls:// or wss:// url' });
  }
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const file = source.tls?.[key];
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      ctx.addIssue({ code: 'custom', path: ['tls', key], message: code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} (${code ?? 'error'})` });
    }
  }
  if (source.tls?.certFile !== undefined && source.tls.keyFile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['tls', 'certFile'], message: 'needs tls.keyFile, the private key of the client certificate' });
  }
  if (source.tls?.keyFile !== undefined && source.tls.certFile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['tls', 'keyFile'], message: 'needs tls.certFile, the client certificate of this key' });
  }
  if (source.reconnect.maxMs < source.reconnect.minMs) {
    ctx.addIssue({ code: 'custom', path: ['reconnect', 'maxMs'], message: `must not be below reconnect.minMs (${source.reconnect.minMs})` });
  }
}
