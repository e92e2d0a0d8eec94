// OData V2 JSON encodings of Edm types as SAP Gateway writes them: decimals as strings with the property's
// scale, DateTime as "/Date(ms)/", Time as an ISO duration, Guid as a lowercase string.

/** Edm.Decimal(13,3) at most: up to 10 integer digits and 3 decimals, no sign, no exponent. */
const DECIMAL_13_3 = /^(\d{1,10})(?:\.(\d{1,3}))?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_LITERAL = /^\/Date\((-?\d{1,15})(?:[+-]\d{4})?\)\/$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?Z?$/;

/**
 * Quantities are kept as integer thousandths so sums are exact; a float would turn "0.1" + "0.2" into a
 * mismatch the adapter's reconciliation could trip over.
 */
export type Milli = number;

/** Parses an Edm.Decimal(13,3) string; undefined when the text is not one. */
export function parseDecimal(text: string): Milli | undefined {
  const match = DECIMAL_13_3.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(3, '0'));
  return whole * 1000 + fraction;
}

export function formatDecimal(value: Milli): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const whole = Math.floor(abs / 1000);
  const fraction = String(abs % 1000).padStart(3, '0');
  return `${sign}${whole}.${fraction}`;
}

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

export function formatDateTime(ms: number): string {
  return `/Date(${ms})/`;
}

/** Accepts "/Date(ms)/" (optionally with an offset) and the ISO form Gateway also deserialises. */
export function parseDateTime(text: string): number | undefined {
  const match = DATE_LITERAL.exec(text);
  if (match) return Number(match[1]);
  if (!ISO_DATETIME.test(text)) return undefined;
  const ms = Date.parse(text.endsWith('Z') ? text : `${text}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function startOfUtcDay(ms: number): number {
  return ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
}

/** Edm.Time of the given instant, e.g. "PT14H03M22S". */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `PT${two(d.getUTCHours())}H${two(d.getUTCMinutes())}M${two(d.getUTCSeconds())}S`;
}

export function padNumber(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
