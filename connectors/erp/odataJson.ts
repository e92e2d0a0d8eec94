// OData V2 JSON encodings (ERP-CONTRACT A.3): decimals as strings, Edm.DateTime as "/Date(ms)/", string and
// guid literals in $filter, and the {"d":{"results":[...]}} envelope, so the SAP adapter never hand-rolls them.
import { z } from 'zod';

const MS_PER_DAY = 86_400_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;
/** Edm.Decimal(13,3): 10 integer digits at most. */
const MAX_DECIMAL_13_3 = 9_999_999_999.999;

/**
 * Formats a quantity as an Edm.Decimal(13,3) string: at most 3 decimals, no trailing zeros, no float noise
 * (0.1 + 0.2 becomes "0.3", not "0.30000000000000004"). Undefined when it does not fit Decimal(13,3).
 */
export function formatEdmDecimal(value: number): string | undefined {
  if (!Number.isFinite(value) || Math.abs(value) > MAX_DECIMAL_13_3) return undefined;
  // Integer thousandths are exact for every Decimal(13,3) value (< 2^53), so no rounding error leaks into text.
  const milli = Math.round(Math.abs(value) * 1000);
  const whole = Math.floor(milli / 1000);
  const fraction = String(milli % 1000).padStart(3, '0').replace(/0+$/, '');
  const sign = value < 0 && milli !== 0 ? '-' : '';
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/**
 * An Edm.Decimal read from the ERP. V2 JSON sends decimals as strings ("5000.000"); a plain JSON number is
 * accepted too because it carries the same value and rejecting it would only block the order cache.
 */
export const edmDecimal = z.union([
  z.string().trim().regex(DECIMAL_TEXT, 'is not a decimal number').transform(Number),
  z.number().finite(),
]);

/** The SAP 'X' flag convention: 'X' is true, '' (or anything else) is false. */
export const sapFlag = z
  .string()
  .nullish()
  .transform((flag) => flag === 'X');

/** Edm.DateTime literal for the UTC midnight of the day the instant falls on (PostingDate carries no time). */
export function postingDateLiteral(isoInstant: string): string {
  const ms = Date.parse(isoInstant);
  if (Number.isNaN(ms)) throw new RangeError(`"${isoInstant}" is not a date and time`);
  return `/Date(${ms - (((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY)})/`;
}

/** OData string literal for $filter: quotes doubled so a value can never end the literal early. */
export function stringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** OData V2 guid literal; callers check isGuid first, because a malformed one would change the filter. */
export function guidLiteral(value: string): string {
  return `guid'${value.toLowerCase()}'`;
}

/** `{"d":{"results":[...]}}` of an entity-set read, with the server-paging link when there is one. */
export function collectionEnvelope<T extends z.ZodType>(entity: T) {
  return z.object({
    d: z.object({ results: z.array(entity), __next: z.string().optional() }),
  });
}

/** `{"d":{...}}` of a single entity, e.g. the 201 answer to a create. */
export function entityEnvelope<T extends z.ZodType>(entity: T) {
  return z.object({ d: entity });
}

/** Builds a query string with percent-encoded values; OData keys such as $filter stay readable. */
export function queryString(params: ReadonlyArray<readonly [string, string | undefined]>): string {
  const parts = params
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

export type Decoded<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly problem: string };

/** Parses and validates a JSON body; on failure says where and what, for a supervisor-readable message. */
export function decodeJson<T extends z.ZodType>(schema: T, body: string): Decoded<z.output<T>> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: body.trim() === '' ? 'the answer is empty' : 'the answer is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? first.path.join('.') : 'the answer';
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
  return { ok: false, problem: `${where}: ${first?.message ?? 'unexpected content'}${more}` };
}
