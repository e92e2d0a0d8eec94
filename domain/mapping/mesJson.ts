// Maps the MES JSON messages (confirmation and quality, format in docs/MES-PAYLOADS.md) to canonical events.
import { z } from 'zod';
import { ProductionConfirmationSchema, QualityResultSchema, type CanonicalEvent } from '../confirmation.js';
import { showValue } from './describe.js';

/**
 * A mapped event or the reason there is none. `sourceId` is the message's own id (the idempotency key is built
 * from it); without one the intake keys the message by a hash of topic and payload.
 */
export type MappingResult =
  | { readonly ok: true; readonly event: CanonicalEvent; readonly sourceId?: string }
  | { readonly ok: false; readonly reason: string; readonly sourceId?: string };

export type MesMessageType = 'confirmation' | 'quality';

const MessageIdSchema = z.string().trim().min(1).max(120);

const MesConfirmation = z.object({
  messageId: MessageIdSchema,
  plant: z.string(),
  line: z.string(),
  orderId: z.string(),
  operation: z.string(),
  workCenter: z.string().optional(),
  material: z.string().optional(),
  yield: z.number(),
  scrap: z.number().default(0),
  unit: z.string(),
  final: z.boolean().default(false),
  start: z.string().optional(),
  end: z.string(),
});

const MesQuality = z.object({
  messageId: MessageIdSchema,
  plant: z.string(),
  line: z.string(),
  orderId: z.string(),
  operation: z.string(),
  characteristic: z.string(),
  value: z.number(),
  unit: z.string().optional(),
  lowerLimit: z.number().optional(),
  upperLimit: z.number().optional(),
  result: z.enum(['pass', 'fail']),
  defectCode: z.string().nullable().optional(),
  inspectedAt: z.string(),
});

/** Canonical field -> the MES field it came from, so a reason names what the sender actually sent. */
const MES_FIELD_OF: Readonly<Record<string, string>> = { yieldQty: 'yield', scrapQty: 'scrap', passed: 'result' };

/** Turns zod issues into one readable sentence naming every field that was wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((key) => (typeof key === 'string' ? (MES_FIELD_OF[key] ?? key) : String(key)));
      // With reportInput the issue carries the offending value: "yield ... received string, got "NaN"".
      const got = path.length > 0 && issue.input !== undefined ? `, got ${showValue(issue.input)}` : '';
      return `${path.length ? path.join('.') : 'message'} ${issue.message}${got}`;
    })
    .join('; ');
}

/**
 * safeParse, and only when that fails once more with reportInput, so a reason can show the wrong value: the
 * second pass costs nothing on the hot path, where reportInput on every message would.
 */
export function parseReporting<S extends z.ZodType>(schema: S, value: unknown): z.ZodSafeParseResult<z.output<S>> {
  const fast = schema.safeParse(value);
  return fast.success ? fast : schema.safeParse(value, { reportInput: true });
}

function parseJson(payload: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(payload) };
  } catch (error) {
    return { ok: false, reason: `payload is not valid JSON (${(error as Error).message})` };
  }
}

/** Reads the message id, if any, so even a rejected message can be de-duplicated and traced. */
function messageIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = MessageIdSchema.safeParse((value as Record<string, unknown>).messageId);
  return id.success ? id.data : undefined;
}

export function peekMessageId(payload: string): string | undefined {
  const parsed = parseJson(payload);
  return parsed.ok ? messageIdOf(parsed.value) : undefined;
}

export function mapMesMessage(type: MesMessageType, payload: string): MappingResult {
  const parsed = parseJson(payload);
  if (!parsed.ok) return parsed;
  const sourceId = messageIdOf(parsed.value);
  const fast = sourceId === undefined ? undefined : type === 'confirmation' ? confirmationInOnePass(parsed.value) : qualityInOnePass(parsed.value);
  if (fast) return { ok: true, event: fast, sourceId: sourceId! };
  return inTwoSteps(type, parsed.value, sourceId);
}

/** The reference path alone (MES schema, then canonical), for tests that hold the one-pass path to it. */
export function mapMesMessageInTwoSteps(type: MesMessageType, payload: string): MappingResult {
  const parsed = parseJson(payload);
  if (!parsed.ok) return parsed;
  return inTwoSteps(type, parsed.value, messageIdOf(parsed.value));
}

function inTwoSteps(type: MesMessageType, value: unknown, sourceId: string | undefined): MappingResult {
  const result = type === 'confirmation' ? mapConfirmation(value) : mapQuality(value);
  if (!result.success) return { ok: false, reason: result.error, ...(sourceId ? { sourceId } : {}) };
  return { ok: true, event: result.event, sourceId: result.sourceId };
}

/**
 * The common case in one zod pass instead of two. The canonical schema checks every field the MES schema checks,
 * with the same types and more (limits, formats), so a message it accepts once the MES defaults are filled in
 * (scrap 0, final false) and whose messageId is valid is one the two steps accept, with the same event. Anything
 * it refuses takes the two steps (mapConfirmation), whose reasons name the fields as the MES sent them.
 * test/unit/domain/mesJson.test.ts holds both paths to the same results.
 */
function confirmationInOnePass(value: unknown): CanonicalEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const canonical = ProductionConfirmationSchema.safeParse({
    kind: 'confirmation', plant: m.plant, line: m.line, orderId: m.orderId, operation: m.operation,
    workCenter: m.workCenter, material: m.material, yieldQty: m.yield, scrapQty: m.scrap === undefined ? 0 : m.scrap, unit: m.unit,
    final: m.final === undefined ? false : m.final, start: m.start, end: m.end,
  });
  return canonical.success ? canonical.data : undefined;
}

/** The same for quality results: `result` must be 'pass' or 'fail' (the MES enum) before it becomes `passed`. */
function qualityInOnePass(value: unknown): CanonicalEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (m.result !== 'pass' && m.result !== 'fail') return undefined;
  const canonical = QualityResultSchema.safeParse({
    kind: 'quality', plant: m.plant, line: m.line, orderId: m.orderId, operation: m.operation,
    characteristic: m.characteristic, value: m.value, unit: m.unit, lowerLimit: m.lowerLimit,
    upperLimit: m.upperLimit, passed: m.result === 'pass', defectCode: m.defectCode, inspectedAt: m.inspectedAt,
  });
  return canonical.success ? canonical.data : undefined;
}

type Mapped = { success: true; event: CanonicalEvent; sourceId: string } | { success: false; error: string };

function mapConfirmation(value: unknown): Mapped {
  const source = parseReporting(MesConfirmation, value);
  if (!source.success) return { success: false, error: describeIssues(source.error) };
  const m = source.data;
  const canonical = parseReporting(ProductionConfirmationSchema, {
    kind: 'confirmation', plant: m.plant, line: m.line, orderId: m.orderId, operation: m.operation,
    workCenter: m.workCenter, material: m.material, yieldQty: m.yield, scrapQty: m.scrap, unit: m.unit,
    final: m.final, start: m.start, end: m.end,
  });
  if (!canonical.success) return { success: false, error: describeIssues(canonical.error) };
  return { success: true, event: canonical.data, sourceId: m.messageId };
}

function mapQuality(value: unknown): Mapped {
  const source = parseReporting(MesQuality, value);
  if (!source.success) return { success: false, error: describeIssues(source.error) };
  const m = source.data;
  const canonical = parseReporting(QualityResultSchema, {
    kind: 'quality', plant: m.plant, line: m.line, orderId: m.orderId, operation: m.operation,
    characteristic: m.characteristic, value: m.value, unit: m.unit, lowerLimit: m.lowerLimit,
    upperLimit: m.upperLimit, passed: m.result === 'pass', defectCode: m.defectCode, inspectedAt: m.inspectedAt,
  });
  if (!canonical.success) return { success: false, error: describeIssues(canonical.error) };
  return { success: true, event: canonical.data, sourceId: m.messageId };
}
