// Words for reasons: how a value or an expression is shown when a message is rejected.

const MAX_SHOWN = 40;

/** A value as a reason shows it: JSON (Infinity and NaN by name), cut at 40 characters. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (value === undefined) text = 'nothing';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return shorten(text);
}

/** One line, cut at 40 characters. */
export function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_SHOWN ? `${oneLine.slice(0, MAX_SHOWN - 1)}…` : oneLine;
}
