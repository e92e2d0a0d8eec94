// The shape of PlantDesk's one YAML configuration file; see the README's config reference.
import { z } from 'zod';
import { ErpSchema } from './erpSchema.js';
import { checkEnterpriseAgainstSources, EnterpriseSchema } from './enterpriseSchema.js';
import { MqttSourceSchema } from './mqttSchema.js';
import { OpcuaSourceSchema } from './opcuaSchema.js';
import { checkSparkplugAgainstSources, SparkplugSourceSchema } from './sparkplugSchema.js';
import { StoreSchema } from './storeSchema.js';
import { SyncSchema } from './syncSchema.js';
import { UnitsConfigSchema } from '../mappingSchema.js';
import { AuthConfigSchema } from '../auth/configSchema.js';
import { ExceptionsConfigSchema } from '../exceptions/configSchema.js';

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
  /** Sparkplug B host connections (README, "Sparkplug B"); optional. */
  sparkplug: z.array(SparkplugSourceSchema).default([]),
  erp: ErpSchema,
  /** The plant's unit conversions on top of the built-in SI basics, e.g. `- { from: DZ, to: PC, factor: 12 }`. */
  units: UnitsConfigSchema,
  /** Optional: republish canonical events to an enterprise MQTT broker (docs/ENTERPRISE-TOPICS.md); off when absent. */
  enterprise: EnterpriseSchema.optional(),
  /** The SQLite buffer: backups, retention, capacity (storeSchema.ts); every key has a default. */
  store: StoreSchema.prefault({}),
  /** Users and sessions: idle and absolute session expiry, login lockout (auth/configSchema.ts); every key has a default. */
  auth: AuthConfigSchema.prefault({}),
  /** How the sync engine posts to the ERP: in flight, live share, backoff, offline, aggregation, reconciliation (syncSchema.ts). */
  sync: SyncSchema.prefault({}),
  /** The exceptions workspace: four-eyes thresholds, quality before final, default over-delivery tolerance (exceptions/configSchema.ts). */
  exceptions: ExceptionsConfigSchema.prefault({}),
}).superRefine(checkEnterpriseAgainstSources).superRefine(checkSparkplugAgainstSources);

export type AgentConfig = z.output<typeof ConfigSchema>;
export type AgentConfigInput = z.input<typeof ConfigSchema>;
