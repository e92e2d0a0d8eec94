// Configuration of mappings: a topic's `mapping:` (the built-in name or an inline JSONata mapping), the
// per-source payload limit and event time window, and the plant's unit table. Every expression is compiled
// here, so a bad one is a configuration error naming its key and line, never a surprise at the first message.
import jsonata from 'jsonata';
import { z } from 'zod';
import { BUILT_IN_MAPPINGS, declarativeMappingSchema, MES_JSON_V1, type MappingConfig } from '../../domain/mapping/declarative.js';
import { DEFAULT_EVENT_TIME_WINDOW } from '../../domain/mapping/eventTime.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../../domain/mapping/payload.js';
import { createUnitTable, UnitConversionSchema } from '../../domain/units.js';

/** Functions whose answer changes from run to run: a replay must map a stored message to the same event. */
const NONDETERMINISTIC = ['now', 'millis', 'random'];

function variablesOf(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) variablesOf(item, found);
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record.type === 'variable' && typeof record.value === 'string') found.add(record.value);
    for (const value of Object.values(record)) variablesOf(value, found);
  }
  return found;
}

/** Why a JSONata expression cannot be used in a mapping, or undefined when it can. */
export function jsonataProblem(text: string): string | undefined {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text);
  } catch (error) {
    const e = error as { message?: string; position?: number };
    return `is not a valid JSONata expression: ${e.message ?? String(error)}${typeof e.position === 'number' ? ` (at character ${e.position})` : ''}`;
  }
  const used = [...variablesOf(expression.ast(), new Set())].filter((name) => NONDETERMINISTIC.includes(name));
  if (used.length > 0) {
    return `uses ${used.map((n) => `$${n}()`).join(', ')}, which differs from run to run; a mapping must give the same event when a message is replayed (use $receivedAt for the time of arrival)`;
  }
  return undefined;
}

export const JsonataExpressionSchema = z
  .string()
  .trim()
  .min(1, 'is empty')
  .max(2000, 'is longer than 2000 characters')
  .superRefine((text, ctx) => {
    const problem = jsonataProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const InlineMappingSchema = declarativeMappingSchema(JsonataExpressionSchema);
const BuiltInMappingSchema = z.enum(BUILT_IN_MAPPINGS, { error: `must be ${BUILT_IN_MAPPINGS.join(' or ')}, or an inline mapping { version, type, fields }` });

/** A topic's `mapping:`: a built-in name or an inline mapping; errors come from the one that was meant. */
export const TopicMappingSchema = z.unknown().transform((value, ctx): MappingConfig => {
  const parsed = typeof value === 'string' ? BuiltInMappingSchema.safeParse(value) : InlineMappingSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});

const MESSAGE_TYPES = ['confirmation', 'quality'] as const;

/**
 * One `topics[]` entry: `type` with the built-in mapping (the default), or an inline `mapping` that brings its
 * own type. The output always has both, so the MQTT source keeps reading `type`.
 */
export const MqttTopicSchema = z
  .strictObject({
    filter: z.string().min(1),
    type: z.enum(MESSAGE_TYPES).optional(),
    mapping: TopicMappingSchema.optional(),
  })
  .transform((topic, ctx) => {
    const mapping: MappingConfig = topic.mapping ?? MES_JSON_V1;
    if (typeof mapping === 'object') {
      if (topic.type !== undefined && topic.type !== mapping.type) {
        ctx.addIssue({ code: 'custom', path: ['type'], message: `is ${topic.type} but the mapping makes ${mapping.type} events` });
        return z.NEVER;
      }
      return { filter: topic.filter, type: mapping.type, mapping };
    }
    if (topic.type === undefined) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `is required with the built-in mapping ${mapping} (confirmation or quality)` });
      return z.NEVER;
    }
    return { filter: topic.filter, type: topic.type, mapping };
  });
export type MqttTopicConfig = z.output<typeof MqttTopicSchema>;

/** Per-source limits of bad input: payload size and the plausible event time window. */
export const MaxPayloadBytesSchema = z.number().int().min(1024).max(64 * 1024 * 1024).default(DEFAULT_MAX_PAYLOAD_BYTES);
export const EventTimeWindowSchema = z
  .strictObject({
    maxAheadS: z.number().int().min(0).max(366 * 86_400).default(DEFAULT_EVENT_TIME_WINDOW.maxAheadS),
    maxAgeS: z.number().int().min(0).max(10 * 366 * 86_400).default(DEFAULT_EVENT_TIME_WINDOW.maxAgeS),
  })
  .default(DEFAULT_EVENT_TIME_WINDOW);

/** The plant's `units:` lines; one that contradicts the table is reported at its own line. */
export const UnitsConfigSchema = z
  .array(UnitConversionSchema)
  .default([])
  .superRefine((lines, ctx) => {
    const result = createUnitTable(lines);
    if (!result.ok) for (const problem of result.problems) ctx.addIssue({ code: 'custom', path: [problem.index], message: problem.message });
  });
