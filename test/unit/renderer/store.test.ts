// The console store: snapshots land through module-level actions; the rate chart is windowed and throttled.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applySnapshot, RATE_MIN_INTERVAL_MS, resetConsoleState, setLinkState } from '../../../renderer/src/state/actions.js';
import { RATE_WINDOW, toChartData } from '../../../renderer/src/state/rateWindow.js';
import { useConsoleStore } from '../../../renderer/src/state/store.js';
import { line, snapshot } from './fixtures.js';

const T0 = Date.parse('2026-01-05T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const state = () => useConsoleStore.getState();

/** A rate series of `n` complete 10 s buckets ending at `endMs`, L1 making `count(i)` parts per bucket. */
function rate(n: number, endMs: number, count: (i: number) => number = () => 5) {
  const points = Array.from({ length: n }, (_, i) => ({ t: endMs - (n - i) * 10_000, perLine: { L1: count(i) } }));
  return { bucketS: 10, lines: ['L1'], points };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  resetConsoleState();
});
afterEach(() => vi.useRealTimers());

describe('applySnapshot', () => {
  it('puts lines, queue, connections and recent records in the store', () => {
    applySnapshot(snapshot(iso(T0), { lines: [line({ line: 'L7', state: 'down' })] }));
    expect(state().snapshotAt).toBe(iso(T0));
    expect(state().lines.map((l) => [l.line, l.state])).toEqual([['L7', 'down']]);
    expect(state().queue?.posted).toBe(50);
    expect(state().connections).toHaveLength(1);
    expect(state().recent[0]?.erpDocument).toBe('0000000012/00000003');
  });

  it('ignores a snapshot older than the one shown (a slow getDashboard answer after a push)', () => {
    applySnapshot(snapshot(iso(T0 + 1000), { lines: [line({ good: 2 })] }));
    applySnapshot(snapshot(iso(T0), { lines: [line({ good: 1 })] }));
    expect(state().lines[0]?.good).toBe(2);
  });

  it('keeps the reference of parts that did not change, so their components do not re-render', () => {
    applySnapshot(snapshot(iso(T0)));
    const { lines, connections, recent } = state();
    applySnapshot(snapshot(iso(T0 + 250), { recent: [] }));
    expect(state().lines).toBe(lines);
    expect(state().connections).toBe(connections);
    expect(state().recent).not.toBe(recent);
  });

  it('records the agent clock offset, so ages are computed in agent time', () => {
    applySnapshot(snapshot(iso(T0 + 4000)));
    expect(state().clockOffsetMs).toBe(4000);
  });
});

describe('rate chart', () => {
  it('builds per-minute rows with string keys, leaving out the bucket still filling', () => {
    const chart = toChartData({ bucketS: 10, lines: ['L1', 'L2.A'], points: [
      { t: T0 - 20_000, perLine: { L1: 5, 'L2.A': 1 } },
      { t: T0 - 10_000, perLine: { L1: 6 } },
      { t: T0, perLine: { L1: 1 } },
    ] }, T0 + 3000);
    expect(chart.series).toEqual([{ key: 's0', line: 'L1' }, { key: 's1', line: 'L2.A' }]);
    expect(chart.rows).toEqual([{ t: T0 - 20_000, s0: 30, s1: 6 }, { t: T0 - 10_000, s0: 36, s1: 0 }]);
  });

  it(`keeps a fixed window of ${RATE_WINDOW} points`, () => {
    const chart = toChartData(rate(100, T0, (i) => i), T0);
    expect(chart.rows).toHaveLength(RATE_WINDOW);
    expect(chart.rows.at(-1)?.s0).toBe(99 * 6);
  });

  it(`builds a new array at most every ${RATE_MIN_INTERVAL_MS} ms, with the newest data`, () => {
    applySnapshot(snapshot(iso(T0), { rate: rate(3, T0, () => 1) }));
    const first = state().chart;
    expect(first.rows).toHaveLength(3);
    vi.advanceTimersByTime(50);
    applySnapshot(snapshot(iso(T0 + 50), { rate: rate(3, T0, () => 2) }));
    vi.advanceTimersByTime(50);
    applySnapshot(snapshot(iso(T0 + 100), { rate: rate(3, T0, () => 3) }));
    expect(state().chart).toBe(first);
    vi.advanceTimersByTime(RATE_MIN_INTERVAL_MS - 100);
    expect(state().chart).not.toBe(first);
    expect(state().chart.rows[0]?.s0).toBe(18);
  });

  it('keeps the same array when the rate did not change', () => {
    applySnapshot(snapshot(iso(T0), { rate: rate(3, T0) }));
    const first = state().chart;
    vi.advanceTimersByTime(1000);
    applySnapshot(snapshot(iso(T0 + 1000), { rate: rate(3, T0) }));
    vi.advanceTimersByTime(1000);
    expect(state().chart).toBe(first);
  });
});

describe('setLinkState', () => {
  it('records the state and since when, once per change', () => {
    setLinkState('open');
    const since = state().linkSince;
    vi.advanceTimersByTime(1000);
    setLinkState('open');
    expect(state().linkSince).toBe(since);
    setLinkState('closed');
    expect(state()).toMatchObject({ link: 'closed', linkSince: since + 1000 });
  });
});
