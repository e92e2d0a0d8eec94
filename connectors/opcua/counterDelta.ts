// The counter rule: how many parts a PLC counter counted between the last committed value and a new one,
// including resets and rollover. Pure; the agent persists the last value (docs/ARCHITECTURE.md, "Counters").

/** Largest value of the usual PLC counter types; a counter of type UInt32 rolls over from this to 0. */
export const COUNTER_MAX = { UInt16: 0xffff, UInt32: 0xffff_ffff } as const;

/** The last committed value of a counter and the source time it carried. */
export interface CounterReading {
  readonly value: number;
  readonly sourceTime: number;
}

export type CounterChangeKind = 'baseline' | 'unchanged' | 'increase' | 'reset' | 'rollover' | 'ignored';

export interface CounterChange {
  readonly kind: CounterChangeKind;
  /** Parts counted since the last committed value; 0 unless increase, reset or rollover. */
  readonly delta: number;
  /** Whether the new reading becomes the last committed value (false only for 'ignored'). */
  readonly commit: boolean;
  /** Why a value was ignored, in plain words. */
  readonly reason?: string;
}

/** The top and bottom tenth of the range decide between a rollover and a reset. */
const ROLLOVER_BAND = 0.1;

/**
 * Delta of a counter reading against the last committed one.
 * - first reading ever (no last): a baseline, delta 0;
 * - new >= last: delta = new - last;
 * - new < last: a rollover when last is in the top 10 % of the range and new in the bottom 10 %
 *   (delta = max - last + 1 + new); otherwise a reset to zero (delta = new);
 * - a value that is not a whole number in 0..max, or an older reading (earlier source time, not higher)
 *   redelivered after a newer one, is ignored and does not replace the last value.
 * @example counterDelta({ value: 4294967290, sourceTime: 1 }, { value: 3, sourceTime: 2 }, COUNTER_MAX.UInt32) // rollover, delta 9
 */
export function counterDelta(last: CounterReading | undefined, next: CounterReading, max: number = COUNTER_MAX.UInt32): CounterChange {
  if (!Number.isInteger(next.value) || next.value < 0 || next.value > max) {
    return { kind: 'ignored', delta: 0, commit: false, reason: `value ${next.value} is not a whole number between 0 and ${max}` };
  }
  if (last === undefined) return { kind: 'baseline', delta: 0, commit: true };
  if (next.sourceTime < last.sourceTime && next.value <= last.value) {
    return { kind: 'ignored', delta: 0, commit: false, reason: 'older than the last committed value (redelivered)' };
  }
  if (next.value === last.value) return { kind: 'unchanged', delta: 0, commit: true };
  if (next.value > last.value) return { kind: 'increase', delta: next.value - last.value, commit: true };
  const band = (max + 1) * ROLLOVER_BAND;
  if (last.value >= max + 1 - band && next.value < band) return { kind: 'rollover', delta: max - last.value + 1 + next.value, commit: true };
  return { kind: 'reset', delta: next.value, commit: true };
}
