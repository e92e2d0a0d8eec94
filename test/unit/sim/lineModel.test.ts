// The demo line model counts like a real line: monotonic counters, plausible scrap, realistic
// cycle times and the occasional stop. Driven by fake timers, so an hour of production takes ms.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LineModel, type ProducedEvent, type StateEvent } from '../../../sim/plant/lineModel.js';

const HOUR_MS = 3_600_000;

function runFor(model: LineModel, realMs: number, stepMs = 1000): void {
  for (let t = 0; t < realMs; t += stepMs) vi.advanceTimersByTime(stepMs);
}

describe('LineModel', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T06:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the released demo order on each line', () => {
    const model = new LineModel({ seed: 1 });
    expect(model.lines).toEqual(['L1', 'L2', 'L3']);
    expect(model.lines.map((l) => model.snapshot(l).order.orderId)).toEqual(['1000001', '1000002', '1000003']);
    expect(model.snapshot('L1')).toMatchObject({ goodCount: 0, scrapCount: 0, state: 'running', stateReason: '' });
  });

  it('only ever increases its counters, one part at a time', () => {
    const model = new LineModel({ seed: 7 });
    const last = new Map(model.lines.map((l) => [l, { good: 0, scrap: 0 }]));
    let events = 0;
    model.on('produced', (e: ProducedEvent) => {
      const prev = last.get(e.line)!;
      // Every event is exactly one part more than the one before on that line.
      expect(e.goodCount + e.scrapCount).toBe(prev.good + prev.scrap + 1);
      expect(e.kind === 'good' ? e.goodCount - prev.good : e.scrapCount - prev.scrap).toBe(1);
      last.set(e.line, { good: e.goodCount, scrap: e.scrapCount });
      events++;
    });
    model.start();
    let prev = model.lines.map((l) => model.snapshot(l));
    for (let s = 0; s < 600; s++) {
      vi.advanceTimersByTime(1000);
      const now = model.lines.map((l) => model.snapshot(l));
      now.forEach((snap, i) => {
        expect(snap.goodCount).toBeGreaterThanOrEqual(prev[i]!.goodCount);
        expect(snap.scrapCount).toBeGreaterThanOrEqual(prev[i]!.scrapCount);
      });
      prev = now;
    }
    model.stop();
    expect(events).toBeGreaterThan(1000);
    for (const l of model.lines) expect(model.snapshot(l).goodCount).toBe(last.get(l)!.good);
  });

  it('produces at the configured cycle times, minus stops, with 2–5 % scrap', () => {
    const model = new LineModel({ seed: 42, speed: 10 });
    model.start();
    runFor(model, HOUR_MS / 10); // one simulated hour
    model.stop();
    const ideal: Record<string, number> = { L1: 3600 / 0.8, L2: 3600 / 1.2, L3: 3600 / 0.5 };
    const rate: Record<string, number> = {};
    for (const l of model.lines) {
      const s = model.snapshot(l);
      const parts = s.goodCount + s.scrapCount;
      // Stops take roughly 5–15 % of the time; more than the ideal count means cycles are too fast.
      expect(parts, l).toBeGreaterThan(ideal[l]! * 0.75);
      expect(parts, l).toBeLessThanOrEqual(ideal[l]! * 1.01);
      rate[l] = s.scrapCount / parts;
      expect(rate[l], l).toBeGreaterThan(0.01);
      expect(rate[l], l).toBeLessThan(0.07);
    }
    expect(rate.L2).toBeGreaterThan(rate.L3!);
  });

  it('jitters cycle times by about ±15 %', () => {
    const model = new LineModel({ seed: 3, lines: [{ line: 'L1', cycleSeconds: 1, scrapRate: 0 }] });
    const times: number[] = [];
    model.on('produced', (e) => times.push(e.at.getTime()));
    model.start();
    // Small ticks, so a part's timestamp is close to when it was made.
    runFor(model, 120_000, 100);
    const gaps = times.slice(1).map((t, i) => t - times[i]!).filter((g) => g < 2000); // skip gaps spanning a stop
    expect(gaps.length).toBeGreaterThan(50);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1200);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThan(150);
  });

  it('goes down and idle now and then, with a reason, and comes back', () => {
    const model = new LineModel({ seed: 11, speed: 10 });
    const events: StateEvent[] = [];
    model.on('state', (e) => events.push(e));
    model.start();
    runFor(model, HOUR_MS / 10);
    model.stop();
    expect(events.some((e) => e.state === 'down')).toBe(true);
    expect(events.some((e) => e.state === 'idle')).toBe(true);
    for (const e of events) expect(e.reason === '').toBe(e.state === 'running');
    expect(events.filter((e) => e.state === 'down').map((e) => e.reason)).toContain('jam');
    // Every stop ends: stops and restarts alternate per line.
    for (const l of model.lines) {
      const states = events.filter((e) => e.line === l).map((e) => e.state);
      states.forEach((s, i) => expect(s === 'running').toBe(i % 2 === 1));
    }
  });

  it('stops producing while down', () => {
    const model = new LineModel({ seed: 5, speed: 10 });
    let downLine: string | undefined;
    model.on('state', (e) => {
      if (e.state === 'down' && !downLine) downLine = e.line;
    });
    model.on('produced', (e) => {
      if (e.line === downLine) expect(model.snapshot(e.line).state).toBe('running');
    });
    model.start();
    runFor(model, 600_000);
    model.stop();
    expect(downLine).toBeDefined();
  });

  it('replays the same run from the same seed, and scales with speed', () => {
    const counts = (speed: number, seed: number): number[] => {
      const m = new LineModel({ seed, speed });
      m.start();
      runFor(m, 60_000);
      m.stop();
      return m.lines.map((l) => m.snapshot(l).goodCount + m.snapshot(l).scrapCount);
    };
    expect(counts(1, 9)).toEqual(counts(1, 9));
    const slow = counts(1, 9).reduce((a, b) => a + b);
    const fast = counts(10, 9).reduce((a, b) => a + b);
    expect(fast / slow).toBeGreaterThan(7);
    expect(fast / slow).toBeLessThan(13);
  });

  it('wraps counters like a UInt32 PLC counter', () => {
    const model = new LineModel({ seed: 1, lines: [{ line: 'L1', cycleSeconds: 0.5, scrapRate: 0, initialGoodCount: 2 ** 32 - 3 }] });
    model.start();
    runFor(model, 5000);
    model.stop();
    const good = model.snapshot('L1').goodCount;
    expect(good).toBeGreaterThanOrEqual(0);
    expect(good).toBeLessThan(20);
  });

  it('leaves no timer behind once stopped', () => {
    const model = new LineModel({ seed: 1 });
    model.start();
    model.start(); // idempotent: still one timer
    expect(vi.getTimerCount()).toBe(1);
    model.stop();
    expect(vi.getTimerCount()).toBe(0);
    const before = model.snapshot('L1').goodCount;
    vi.advanceTimersByTime(10_000);
    expect(model.snapshot('L1').goodCount).toBe(before);
  });

  it('does not keep the process alive', () => {
    vi.useRealTimers();
    const model = new LineModel({ seed: 1 });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    model.start();
    // An unref'd timer is not listed as an active resource.
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    model.stop();
  });
});
