import { describe, expect, it } from 'vitest';
import { COUNTER_MAX, counterDelta } from '../../../../connectors/opcua/counterDelta.js';

const at = (value: number, sourceTime = 1000): { value: number; sourceTime: number } => ({ value, sourceTime });

describe('counterDelta (the counter rule)', () => {
  it('takes the very first value as a baseline: nothing counted', () => {
    expect(counterDelta(undefined, at(1234))).toEqual({ kind: 'baseline', delta: 0, commit: true });
  });

  it('counts new - last when the counter went up, nothing when it stayed', () => {
    expect(counterDelta(at(100), at(107, 2000))).toMatchObject({ kind: 'increase', delta: 7, commit: true });
    expect(counterDelta(at(100), at(100, 2000))).toMatchObject({ kind: 'unchanged', delta: 0, commit: true });
  });

  it('treats a decrease as a reset to zero: what it shows now was made since the reset', () => {
    expect(counterDelta(at(500), at(3, 2000))).toMatchObject({ kind: 'reset', delta: 3 });
    expect(counterDelta(at(500), at(0, 2000))).toMatchObject({ kind: 'reset', delta: 0 });
    // Last near the top but new not small: a reset, not a rollover.
    expect(counterDelta(at(COUNTER_MAX.UInt32 - 2), at(1_000_000_000, 2000))).toMatchObject({ kind: 'reset', delta: 1_000_000_000 });
    // New small but last not near the top: a reset.
    expect(counterDelta(at(3_000_000_000), at(5, 2000))).toMatchObject({ kind: 'reset', delta: 5 });
  });

  it('treats top-10 % -> bottom-10 % as a rollover: max - last + 1 + new', () => {
    expect(counterDelta(at(COUNTER_MAX.UInt32 - 4), at(3, 2000))).toEqual({ kind: 'rollover', delta: 8, commit: true });
    expect(counterDelta(at(COUNTER_MAX.UInt32), at(0, 2000))).toMatchObject({ kind: 'rollover', delta: 1 });
    expect(counterDelta(at(65_530), at(2, 2000), COUNTER_MAX.UInt16)).toMatchObject({ kind: 'rollover', delta: 8 });
    // The band edges: last 90 % of the range (58,982.4 for UInt16) and new below 10 % (6,553.6).
    expect(counterDelta(at(58_983), at(6_553, 2000), COUNTER_MAX.UInt16)).toMatchObject({ kind: 'rollover', delta: 65_535 - 58_983 + 1 + 6_553 });
    expect(counterDelta(at(58_982), at(10, 2000), COUNTER_MAX.UInt16)).toMatchObject({ kind: 'reset', delta: 10 });
    expect(counterDelta(at(65_000), at(6_554, 2000), COUNTER_MAX.UInt16)).toMatchObject({ kind: 'reset', delta: 6_554 });
    // A configured maximum, e.g. a counter that wraps at 999,999.
    expect(counterDelta(at(999_990), at(4, 2000), 999_999)).toMatchObject({ kind: 'rollover', delta: 14 });
  });

  it('ignores values that cannot be a counter and keeps the last one', () => {
    for (const value of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, COUNTER_MAX.UInt16 + 1]) {
      expect(counterDelta(at(10), at(value, 2000), COUNTER_MAX.UInt16)).toMatchObject({ kind: 'ignored', delta: 0, commit: false });
    }
    expect(counterDelta(undefined, at(-3))).toMatchObject({ kind: 'ignored', commit: false });
  });

  it('ignores an older reading redelivered after a newer one, but counts a higher one even if the clock went back', () => {
    expect(counterDelta(at(120, 5000), at(110, 4000))).toMatchObject({ kind: 'ignored', commit: false });
    expect(counterDelta(at(120, 5000), at(120, 4000))).toMatchObject({ kind: 'ignored', commit: false });
    expect(counterDelta(at(120, 5000), at(125, 4000))).toMatchObject({ kind: 'increase', delta: 5 });
  });
});
