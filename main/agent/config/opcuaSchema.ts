// Configuration of OPC UA sources.
import { z } from 'zod';
import { name } from './names.js';

const OpcuaLineSchema = z.strictObject({
  line: name,
  good: z.string().min(1),
  scrap: z.string().min(1),
  state: z.string().min(1).optional(),
  stateReason: z.string().min(1).optional(),
  order: z.string().min(1).optional(),
});

export const OpcuaSourceSchema = z.strictObject({
  name,
  endpoint: z.string().regex(/^opc\.tcp:\/\/.+/, 'must be an opc.tcp:// URL'),
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
  securityPolicy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).default('None'),
  samplingIntervalMs: z.number().int().min(10).max(3_600_000).default(500),
  publishingIntervalMs: z.number().int().min(50).max(3_600_000).default(1000),
  lines: z.array(OpcuaLineSchema).min(1),
});
