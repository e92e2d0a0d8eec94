import { describe, expect, it } from 'vitest';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';

const BUCKET_MS = 10_000;
/** A bucket boundary, so "T + n seconds" stays in a known bucket. */
const T = 1_700_000_000_000 - (1_700_000_000_000 % BUCKET_MS);

function monitorAt(now: number, ...lines: string[]): LineMonitor {
  const monitor = new LineMonitor(() => now);
  for (const line of lines) monitor.addLine(line, 'plc1');
  return monitor;
}

/** Good parts counted for a line in the bucket starting at t. */
function rateAt(monitor: LineMonitor, line: string, t: number): number | undefined {
  return monitor.rate().points.find((p) => p.t === t)?.perLine[line];
}

describe('LineMonitor', () => {
  it('starts every line unknown with no data', () => {
    expect(monitorAt(T, 'L1').statuses()).toEqual([
      { line: 'L1', source: 'plc1', state: 'unknown', stateReason: '', orderId: null, good: null, scrap: null, lastDataAt: null, fresh: true, staleSignals: [] },
    ]);
  });

  it('turns good-counter deltas into parts per 10 s bucket; the first value is only a baseline', () => {
    const monitor = monitorAt(T + 25_000, 'L1', 'L2');
    monitor.apply('L1', 'good', 1000, T + 1_000);
    monitor.apply('L1', 'good', 1004, T + 3_000);
    monitor.apply('L1', 'good', 1010, T + 9_000);
    monitor.apply('L1', 'good', 1013, T + 12_000);
    monitor.apply('L2', 'good', 50, T + 12_000);

    expect(rateAt(monitor, 'L1', T)).toBe(10);
    expect(rateAt(monitor, 'L1', T + BUCKET_MS)).toBe(3);
    expect(rateAt(monitor, 'L1', T + 2 * BUCKET_MS)).toBe(0);
    expect(rateAt(monitor, 'L2', T + BUCKET_MS)).toBe(0);
    expect(monitor.statuses().find((s) => s.line === 'L1')).toMatchObject({ good: 1013, lastDataAt: new Date(T + 12_000).toISOString() });
  });

  it('counts the new value of a counter that was reset', () => {
    const monitor = monitorAt(T + 5_000, 'L1');
    monitor.apply('L1', 'good', 5000, T + 1_000);
    monitor.apply('L1', 'good', 4, T + 2_000);
    monitor.apply('L1', 'good', 6, T + 3_000);
    // 4 made since the reset + 2 more.
    expect(rateAt(monitor, 'L1', T)).toBe(6);
  });

  it('has a fixed window of 60 points, newest last, zero-filled, covering the current bucket', () => {
    const monitor = monitorAt(T + 4_000, 'L1');
    const rate = monitor.rate();
    expect(rate.bucketS).toBe(10);
    expect(rate.lines).toEqual(['L1']);
    expect(rate.points).toHaveLength(60);
    expect(rate.points.at(-1)?.t).toBe(T);
    expect(rate.points[0]?.t).toBe(T - 59 * BUCKET_MS);
    expect(rate.points.every((p, i) => i === 0 || p.t - (rate.points[i - 1]?.t ?? 0) === BUCKET_MS)).toBe(true);
    expect(rate.points.every((p) => p.perLine.L1 === 0)).toBe(true);
  });

  it('drops counts that fall out of the window', () => {
    const monitor = monitorAt(T + 60 * BUCKET_MS, 'L1');
    monitor.apply('L1', 'good', 0, T - 1_000);
    monitor.apply('L1', 'good', 10, T + 1_000);
    expect(monitor.rate().points.reduce((sum, p) => sum + (p.perLine.L1 ?? 0), 0)).toBe(0);
  });

  it('maps machine states case-insensitively and anything else to unknown', () => {
    const monitor = monitorAt(T, 'L1');
    const stateAfter = (value: string | number | null): string => {
      monitor.apply('L1', 'state', value, T);
      return monitor.statuses()[0]?.state ?? 'missing';
    };
    expect(stateAfter('RUNNING')).toBe('running');
    expect(stateAfter('idle')).toBe('idle');
    expect(stateAfter('Down')).toBe('down');
    expect(stateAfter('blocked')).toBe('unknown');
    expect(stateAfter('running')).toBe('running');
    expect(stateAfter(3)).toBe('unknown');
    expect(stateAfter(null)).toBe('unknown');
  });

  it('keeps state reason, order and scrap; an empty order means none', () => {
    const monitor = monitorAt(T, 'L1');
    monitor.apply('L1', 'stateReason', 'Jam at infeed', T);
    monitor.apply('L1', 'order', '1000001', T);
    monitor.apply('L1', 'scrap', 12, T);
    expect(monitor.statuses()[0]).toMatchObject({ stateReason: 'Jam at infeed', orderId: '1000001', scrap: 12 });
    monitor.apply('L1', 'order', '', T);
    monitor.apply('L1', 'stateReason', null, T);
    expect(monitor.statuses()[0]).toMatchObject({ stateReason: '', orderId: null });
  });

  it('ignores signals for a line it does not know', () => {
    const monitor = monitorAt(T, 'L1');
    monitor.apply('L9', 'good', 10, T);
    expect(monitor.statuses().map((s) => s.line)).toEqual(['L1']);
    expect(monitor.rate().lines).toEqual(['L1']);
  });
});
