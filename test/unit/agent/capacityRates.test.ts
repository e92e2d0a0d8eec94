// RateMeter: measured rates over a sliding window, with the clock injected.
import { describe, expect, it } from 'vitest';
import { RateMeter } from '../../../main/agent/capacityRates.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

describe('RateMeter', () => {
  it('divides by the time since measuring began while that is shorter than the window', () => {
    let now = T0;
    const meter = new RateMeter({ windowMs: 10 * MIN, now: () => now });
    expect(meter.perMinute()).toBe(0);
    now = T0 + 2 * MIN;
    meter.add(30);
    expect(meter.perMinute()).toBe(15);
    expect(meter.perHour()).toBe(900);
  });

  it('divides by the window once it is full, and forgets what fell out of it', () => {
    let now = T0;
    const meter = new RateMeter({ windowMs: 10 * MIN, now: () => now });
    for (let minute = 1; minute <= 10; minute++) {
      now = T0 + minute * MIN;
      meter.add(minute <= 5 ? 100 : 20);
    }
    // 5 x 100 + 5 x 20 over 10 minutes
    expect(meter.perMinute()).toBe(60);
    now = T0 + 15 * MIN;
    // minutes 1 to 5 fell out: 5 x 20 over 10 minutes
    expect(meter.perMinute()).toBe(10);
    now = T0 + 30 * MIN;
    expect(meter.perMinute()).toBe(0);
  });

  it('asks at a given time without looking at amounts recorded later', () => {
    const meter = new RateMeter({ windowMs: 10 * MIN, startedAt: T0, now: () => T0 });
    meter.add(10, T0 + MIN);
    meter.add(50, T0 + 3 * MIN);
    expect(meter.perMinute(T0 + 2 * MIN)).toBe(5);
    expect(meter.perMinute(T0 + 4 * MIN)).toBe(15);
  });

  it('ignores amounts that are not positive numbers, and starts over on reset', () => {
    let now = T0 + MIN;
    const meter = new RateMeter({ windowMs: 10 * MIN, startedAt: T0, now: () => now });
    meter.add(0);
    meter.add(-5);
    meter.add(Number.NaN);
    expect(meter.perMinute()).toBe(0);
    meter.add(6);
    expect(meter.perMinute()).toBe(6);
    meter.reset();
    now = T0 + 2 * MIN;
    expect(meter.perMinute()).toBe(0);
  });
});
