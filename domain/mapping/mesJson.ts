// Maps the MES JSON messages (confirmation and quality, format in docs/MES-PAYLOADS.md) to canonical events.
import { z } from 'zod';
import { ProductionConfirmationSchema, QualityResultSchema, type CanonicalEvent } from '../confirmation.js';

export type MappingResult =
  | { readonly ok: true; readonly event: CanonicalEvent; readonly sourceId: string }
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
      return `${path.length ? path.join('.') : 'message'} ${issue.message}`;
    })
    .join('; ');
}

function parseJson(payload: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(payload) };
  } catch (error) {
    return { ok: false, reason: `payload is not valid JSON (${(error as Error).message})` };
  }
}

/** Reads the message id, if any, so even a rejected message can be de-duplicated and traced. */
export function peekMessageId(payload: string): string | undefined {
  const parsed = parseJson(payload);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const id = MessageIdSchema.safeParse((parsed.value as Record<string, unknown>).messageId);
  return id.success ? id.data : undefined;
}

export function mapMesMessage(type: MesMessageType, payload: string): MappingResult {
  const parsed = parseJson(payload);
  if (!parsed.ok) return parsed;
  const sourceId = peekMessageId(payload);
  const result = type === 'confirmation' ? mapConfirmation(parsed.value) : mapQuality(parsed.value);
  if (!result.success) return { ok: false, reason: result.error, ...(sourceId ? { sourceId } : {}) };
  return { ok: true, event: result.event, sourceId: result.sourceId };
}

type Mapped = { success: true; event: CanonicalEvent; sourceId: string } | { success: false; error: string };

function mapConfirmation(value: unknown): Mapped {
  const source = MesConfirmation.safeParse(value);
  if (!source.success) return { success: false, error: describeIssues(source.error) };
  const m = source.data;
  const canonical = ProductionConfirmationSchema.safeParse({
    kind: 'confirmation', plant: m.plant, line: m.line, orderId: m.orderId, operation: m.operation,
    workCenter: m.workCenter, material: m.material, yieldQty: m.yield, scrapQty: m.scrap, unit: m.unit,
    final: m.final, start: m.start, end: m.end,
  });
  if (!canonical.success) return { success: false, error: describeIssues(canonical.error) };
  return { success: true, event: canonical.data, sourceId: m.messageId };
}

function mapQuality(value: unknown): Mapped {
  const source = MesQuality.safeParse(value);
  if (!source.success) return { success: false, error: describeIssues(source.error) };
  const m = source.data;
  const canonical = QualityResultSchema.safeParse({
    kind: 'quality', plant: m.plant, line: m.line, orderId: m.orderId, operation: m.operation,
    characteristic: m.characteristic, value: m.value, unit: m.unit, lowerLimit: m.lowerLimit,
    upperLimit: m.upperLimit, passed: m.result === 'pass', defectCode: m.defectCode, inspectedAt: m.inspectedAt,
  });
  if (!canonical.success) return { success: false, error: describeIssues(canonical.error) };
  return { success: true, event: canonical.data, sourceId: m.messageId };
}
