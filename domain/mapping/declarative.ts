// Declarative mappings: which canonical field comes from which expression over the message, as written in the
// configuration (`mqtt[].topics[].mapping`). This file holds the shape and the pure last step (values to a
// canonical event, with reasons naming field and expression); the agent compiles and evaluates the expressions.
import { z } from 'zod';
import { ProductionConfirmationSchema, QualityResultSchema, type CanonicalEvent } from '../confirmation.js';
import { UnitCodeSchema } from '../units.js';
import { shorten as cut, showValue } from './describe.js';
import { parseReporting, type MappingResult } from './mesJson.js';

/** The built-in mapping of docs/MES-PAYLOADS.md, by the name the configuration uses. */
export const MES_JSON_V1 = 'mes-json-v1';
export const BUILT_IN_MAPPINGS = [MES_JSON_V1] as const;
export type BuiltInMapping = (typeof BUILT_IN_MAPPINGS)[number];

export const MAPPING_TYPES = ['confirmation', 'quality'] as const;
export type MappingType = (typeof MAPPING_TYPES)[number];

/** Canonical fields a mapping may fill, per event type; `required` ones must be in every message. */
export const MAPPING_FIELDS: Readonly<Record<MappingType, { readonly all: readonly string[]; readonly required: readonly string[] }>> = {
  confirmation: {
    all: ['plant', 'line', 'orderId', 'operation', 'workCenter', 'material', 'yieldQty', 'scrapQty', 'unit', 'final', 'start', 'end'],
    required: ['line', 'orderId', 'operation', 'yieldQty', 'unit', 'end'],
  },
  quality: {
    all: ['plant', 'line', 'orderId', 'operation', 'characteristic', 'value', 'unit', 'lowerLimit', 'upperLimit', 'passed', 'defectCode', 'inspectedAt'],
    required: ['line', 'orderId', 'operation', 'characteristic', 'value', 'passed', 'inspectedAt'],
  },
};

/** Filled in when a mapping leaves them out: plant from the configuration, no scrap, not final. */
const DEFAULTS: Readonly<Record<MappingType, Readonly<Record<string, unknown>>>> = {
  confirmation: { scrapQty: 0, final: false },
  quality: {},
};

const MappingVersionSchema = z.union([
  z.number().int().min(1),
  z.string().trim().regex(/^[A-Za-z0-9._-]{1,20}$/, 'may contain only letters, digits, dot, dash and underscore (up to 20)'),
]);

/**
 * The shape of an inline mapping; `expression` is the agent's schema for one expression (it compiles it, so a
 * bad expression is a configuration error with its line).
 */
export function declarativeMappingSchema(expression: z.ZodType<string>) {
  return z
    .strictObject({
      /** Shown with the version in every event and rejection; default `<source>:<topic filter>`. */
      name: z.string().trim().min(1).max(60).regex(/^[A-Za-z0-9._/:+#-]+$/, 'may contain only letters, digits and . _ / : + # -').optional(),
      /** Bump it with every change; stored with each event and rejection the mapping produced. */
      version: MappingVersionSchema,
      type: z.enum(MAPPING_TYPES),
      /** The message's own id, for de-duplication; without it the key is a hash of topic and payload. */
      messageId: expression.optional(),
      fields: z.record(z.string(), expression),
      /** Source unit code to ERP unit code, e.g. `{ pcs: PC, kg: KG }`; matched case-insensitively. */
      units: z.record(z.string().min(1).max(20), UnitCodeSchema).default({}),
    })
    .superRefine((mapping, ctx) => {
      const { all, required } = MAPPING_FIELDS[mapping.type];
      for (const key of Object.keys(mapping.fields)) {
        if (!all.includes(key)) ctx.addIssue({ code: 'custom', path: ['fields', key], message: `is not a field of a ${mapping.type} (fields: ${all.join(', ')})` });
      }
      for (const key of required) {
        if (!(key in mapping.fields)) ctx.addIssue({ code: 'custom', path: ['fields'], message: `has no ${key}; a ${mapping.type} needs ${required.join(', ')}` });
      }
    });
}
export type DeclarativeMapping = z.output<ReturnType<typeof declarativeMappingSchema>>;

/** What a topic's `mapping:` is: a built-in name or an inline definition. */
export type MappingConfig = BuiltInMapping | DeclarativeMapping;

export interface BuildContext {
  readonly type: MappingType;
  /** The configuration's plant, used when the mapping has no `plant` field. */
  readonly plant: string;
  /** Expression text per field, so a reason can name where a value came from. */
  readonly expressions: Readonly<Record<string, string>>;
  readonly units: Readonly<Record<string, string>>;
}

/**
 * Turns the values the expressions gave (undefined: nothing) into a canonical event, or a reason naming every
 * wrong field, the expression it came from and the value it gave.
 */
export function buildCanonicalEvent(values: Readonly<Record<string, unknown>>, context: BuildContext, sourceId?: string): MappingResult {
  const { type, expressions } = context;
  // JSON null counts as absent (a MES sending "workCenter": null means none), except a quality's defect code.
  const present = Object.fromEntries(Object.entries(values).filter(([field, v]) => v !== undefined && (v !== null || field === 'defectCode')));
  const input: Record<string, unknown> = { kind: type, plant: context.plant, ...DEFAULTS[type], ...present };
  if (typeof input.unit === 'string') {
    const alias = Object.entries(context.units).find(([from]) => from.toUpperCase() === (input.unit as string).trim().toUpperCase());
    if (alias) input.unit = alias[1];
  }
  const missing = MAPPING_FIELDS[type].required.filter((field) => present[field] === undefined);
  const schema = type === 'confirmation' ? ProductionConfirmationSchema : QualityResultSchema;
  const parsed = parseReporting<z.ZodType<CanonicalEvent>>(schema, input);
  if (missing.length === 0 && parsed.success) return { ok: true, event: parsed.data as CanonicalEvent, ...(sourceId !== undefined ? { sourceId } : {}) };
  const reasons = missing.map((field) => `${field} (${cut(expressions[field] ?? field)}) is missing in the message`);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    if (field !== undefined && missing.includes(field)) continue;
    const from = field !== undefined && expressions[field] !== undefined ? ` (${cut(expressions[field])})` : '';
    const got = field !== undefined && field in input ? `, got ${showValue(input[field])}` : '';
    reasons.push(`${field ?? 'message'}${from} ${issue.message}${got}`);
  }
  return { ok: false, reason: reasons.join('; '), ...(sourceId !== undefined ? { sourceId } : {}) };
}
