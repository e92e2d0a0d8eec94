// Configuration of OPC UA sources.
import { z } from 'zod';
import { name } from './names.js';

/** Who PlantDesk is to the server. Files: absolute paths, or relative to the working directory. */
const OpcuaUserIdentitySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('anonymous') }),
  z.strictObject({ type: z.literal('username'), username: z.string().min(1), password: z.string() }),
  z.strictObject({ type: z.literal('certificate'), certificateFile: z.string().min(1), privateKeyFile: z.string().min(1) }),
]);

const OpcuaLineSchema = z.strictObject({
  line: name,
  good: z.string().min(1),
  scrap: z.string().min(1),
  state: z.string().min(1).optional(),
  stateReason: z.string().min(1).optional(),
  order: z.string().min(1).optional(),
  // Writable: PlantDesk writes the order number to dispatch to the line here (the writeNode command, audited).
  dispatchOrder: z.string().min(1).optional(),
  // Counters (docs/ARCHITECTURE.md, "Counters"): good and scrap are PLC counters; their increments become one
  // ProductionConfirmation per line every confirmEveryS (0: counters make no confirmations).
  counterMax: z.union([z.enum(['UInt16', 'UInt32']), z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)]).default('UInt32')
    .transform((max) => (max === 'UInt16' ? 0xffff : max === 'UInt32' ? 0xffff_ffff : max)),
  confirmEveryS: z.number().int().min(0).max(86_400).default(60),
  operation: z.string().regex(/^\d{1,4}$/, 'must be up to 4 digits, e.g. "0010"').default('0010'),
  workCenter: z.string().min(1).max(8).optional(),
  unit: z.string().trim().min(1).max(3).default('PC'),
  // A signal is stale after 3 periods without a value; 0: not checked (signals that change only on events, or as
  // rarely as scrap). The counters are not expected to change while the line's state says idle or down.
  expectedPeriodMs: z.strictObject({
    good: z.number().int().min(0).max(86_400_000).default(5000),
    scrap: z.number().int().min(0).max(86_400_000).default(0),
    state: z.number().int().min(0).max(86_400_000).default(0),
    order: z.number().int().min(0).max(86_400_000).default(0),
  }).default({ good: 5000, scrap: 0, state: 0, order: 0 }),
});

export const OpcuaSourceSchema = z.strictObject({
  name,
  endpoint: z.string().regex(/^opc\.tcp:\/\/.+/, 'must be an opc.tcp:// URL'),
  // Secure by default. None and the deprecated Basic128Rsa15 / Basic256 are accepted here but the source refuses
  // to connect with them unless allowInsecure is true (connectors/opcua/security.ts).
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('SignAndEncrypt'),
  /** Default: None when securityMode is None, else Basic256Sha256. */
  securityPolicy: z.enum(['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss', 'None', 'Basic128Rsa15', 'Basic256']).optional(),
  allowInsecure: z.boolean().default(false),
  userIdentity: OpcuaUserIdentitySchema.default({ type: 'anonymous' }),
  samplingIntervalMs: z.number().int().min(10).max(3_600_000).default(500),
  publishingIntervalMs: z.number().int().min(50).max(3_600_000).default(1000),
  /** Values the server queues per monitored item between publishes (a counter's steps survive a slow publish). */
  queueSize: z.number().int().min(1).max(10_000).default(10),
  /** Absolute deadband on the counters (good, scrap); 0 reports every change. */
  deadband: z.number().min(0).default(0),
  lines: z.array(OpcuaLineSchema).min(1),
  /** Further nodes PlantDesk may write (writeNode), besides each line's dispatchOrder; every other node is refused. */
  writable: z.array(z.strictObject({
    nodeId: z.string().min(1),
    /** What the node is, for messages and the audit log, e.g. "L1 recipe". */
    name: z.string().trim().min(1).max(60),
  })).default([]),
}).superRefine((source, ctx) => {
  if (source.securityMode === 'None' && source.securityPolicy !== undefined && source.securityPolicy !== 'None') {
    ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: `must be None (or left out) when securityMode is None, not ${source.securityPolicy}` });
  }
  if (source.securityMode !== 'None' && source.securityPolicy === 'None') {
    ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: `None gives securityMode ${source.securityMode} no protection; use Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss` });
  }
});

export type OpcuaSourceConfig = z.output<typeof OpcuaSourceSchema>;

/** The nodes a source may write: each line's dispatchOrder, then the source's writable: list. */
export function opcuaWritableNodes(source: Pick<OpcuaSourceConfig, 'lines' | 'writable'>): { nodeId: string; label: string }[] {
  return [
    ...source.lines.flatMap((l) => (l.dispatchOrder ? [{ nodeId: l.dispatchOrder, label: `${l.line} dispatchOrder` }] : [])),
    ...source.writable.map((w) => ({ nodeId: w.nodeId, label: w.name })),
  ];
}
