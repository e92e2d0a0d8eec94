// An inline mapping compiled once: one JSONata expression per canonical field, evaluated over the parsed
// message with $topic, $topicLevels, $source and $receivedAt bound. JSONata evaluates asynchronously; the
// expressions run with a time and depth budget so one odd message cannot hold the intake.
import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import { buildCanonicalEvent, type DeclarativeMapping, type MappingType } from '../../domain/mapping/declarative.js';
import { shorten } from '../../domain/mapping/describe.js';
import type { MappingResult } from '../../domain/mapping/mesJson.js';

/** Budget of one expression over one message (JSONata's guardrails). */
const EXPRESSION_TIMEOUT_MS = 100;
const EXPRESSION_MAX_DEPTH = 300;
const EXPRESSION_MAX_SEQUENCE = 100_000;

export interface MessageContext {
  readonly source: string;
  readonly topic: string;
  readonly receivedAt: number;
}

export interface CompiledDeclarativeMapping {
  readonly type: MappingType;
  readonly version: string;
  map(payload: string, context: MessageContext): Promise<MappingResult>;
}

/** Sorted keys, so the same definition always hashes the same however the YAML orders it. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `<name>@v<version>#<hash>`: the name and version the engineer wrote, and 8 hex digits of the definition, so
 * an edit without a version bump still shows as a different mapping in every event and rejection.
 */
export function declarativeVersion(mapping: DeclarativeMapping, defaultName: string): string {
  const definition: Partial<DeclarativeMapping> = { ...mapping };
  delete definition.name;
  const hash = createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 8);
  return `${mapping.name ?? defaultName}@v${mapping.version}#${hash}`;
}

/** JSONata sequences are arrays with extra properties; canonical values are plain JSON. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, plain);
  if (typeof value === 'function') return '(a function)';
  return value;
}

function describeError(error: unknown): string {
  const e = error as { message?: string; code?: string };
  return shorten(e.message ?? String(error)) + (e.code ? ` [${e.code}]` : '');
}

/** `defaultName` names a mapping without `name` (`<source>:<filter>`); `plant` fills a missing plant field. */
export function compileDeclarativeMapping(mapping: DeclarativeMapping, defaultName: string, plant: string): CompiledDeclarativeMapping {
  const options = { timeout: EXPRESSION_TIMEOUT_MS, stack: EXPRESSION_MAX_DEPTH, sequence: EXPRESSION_MAX_SEQUENCE };
  const fields = Object.entries(mapping.fields).map(([field, text]) => ({ field, text, expression: jsonata(text, options) }));
  const messageId = mapping.messageId === undefined ? undefined : { text: mapping.messageId, expression: jsonata(mapping.messageId, options) };
  const expressions = Object.fromEntries(fields.map((f) => [f.field, f.text]));
  const version = declarativeVersion(mapping, defaultName);

  return {
    type: mapping.type,
    version,
    async map(payload, context) {
      let input: unknown;
      try {
        input = JSON.parse(payload);
      } catch (error) {
        return { ok: false, reason: `payload is not valid JSON (${(error as Error).message})` };
      }
      const bindings = {
        topic: context.topic,
        topicLevels: context.topic.split('/'),
        source: context.source,
        receivedAt: new Date(context.receivedAt).toISOString(),
      };
      const failures: string[] = [];
      const evaluate = async (field: string, text: string, expression: jsonata.Expression): Promise<unknown> => {
        try {
          return plain(await expression.evaluate(input, bindings));
        } catch (error) {
          failures.push(`${field} (${shorten(text)}) could not be evaluated: ${describeError(error)}`);
          return undefined;
        }
      };
      const [id, ...values] = await Promise.all([
        messageId ? evaluate('messageId', messageId.text, messageId.expression) : Promise.resolve(undefined),
        ...fields.map((f) => evaluate(f.field, f.text, f.expression)),
      ]);
      let sourceId: string | undefined;
      if (messageId) {
        const text = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? String(id).trim() : '';
        if (text.length >= 1 && text.length <= 120) sourceId = text;
        else failures.push(`messageId (${shorten(messageId.text)}) ${id === undefined ? 'is missing in the message' : 'must be a text of 1 to 120 characters'}`);
      }
      if (failures.length > 0) return { ok: false, reason: failures.join('; '), ...(sourceId !== undefined ? { sourceId } : {}) };
      const byField = Object.fromEntries(fields.map((f, i) => [f.field, values[i]]));
      return buildCanonicalEvent(byField, { type: mapping.type, plant, expressions, units: mapping.units }, sourceId);
    },
  };
}
