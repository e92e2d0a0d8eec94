// The shape of PlantDesk's one YAML configuration file; see the README's config reference.
import { z } from 'zod';

const name = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits, dot, dash and underscore');

const OpcuaLineSchema = z.strictObject({
  line: name,
  good: z.string().min(1),
  scrap: z.string().min(1),
  state: z.string().min(1).optional(),
  stateReason: z.string().min(1).optional(),
  order: z.string().min(1).optional(),
});

const OpcuaSourceSchema = z.strictObject({
  name,
  endpoint: z.string().regex(/^opc\.tcp:\/\/.+/, 'must be an opc.tcp:// URL'),
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
  securityPolicy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).default('None'),
  samplingIntervalMs: z.number().int().min(10).max(3_600_000).default(500),
  publishingIntervalMs: z.number().int().min(50).max(3_600_000).default(1000),
  lines: z.array(OpcuaLineSchema).min(1),
});

const MqttSourceSchema = z.strictObject({
  name,
  url: z.string().regex(/^(mqtt|mqtts|ws|wss|tcp|tls):\/\/.+/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
  clientId: z.string().min(1).max(64),
  username: z.string().optional(),
  password: z.string().optional(),
  topics: z.array(z.strictObject({ filter: z.string().min(1), type: z.enum(['confirmation', 'quality']) })).min(1),
});

const ErpSchema = z.strictObject({
  kind: z.literal('sap-odata'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  sapClient: z.string().regex(/^\d{3}$/, 'must be three digits, e.g. "100"').optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
  ordersRefreshS: z.number().int().min(1).max(86_400).default(60),
  postIntervalMs: z.number().int().min(50).max(600_000).default(1000),
});

export const ConfigSchema = z.strictObject({
  plant: z.string().trim().min(1).max(4),
  dataDir: z.string().min(1).optional(),
  api: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(4780),
  }).default({ host: '127.0.0.1', port: 4780 }),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).default({ level: 'info' }),
  opcua: z.array(OpcuaSourceSchema).default([]),
  mqtt: z.array(MqttSourceSchema).default([]),
  erp: ErpSchema,
});

export type AgentConfig = z.output<typeof ConfigSchema>;
export type AgentConfigInput = z.input<typeof ConfigSchema>;
