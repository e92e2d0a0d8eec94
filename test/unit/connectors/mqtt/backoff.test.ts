import { afterEach, describe, expect, it, vi } from 'vitest';
import { Backoff, DEFAULT_BACKOFF, reconnectDelayMs } from '../../../../connectors/mqtt/backoff.js';

describe('reconnectDelayMs (exponential backoff, full jitter above the floor)', () => {
  it('with the defaults the ceiling doubles from 2 s and stops at 30 s', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 50].map((n) => reconnectDelayMs(n, DEFAULT_BACKOFF, () => 1));
    expect(ceilings).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('never waits less than minMs', () => {
    expect([1, 2, 10].map((n) => reconnectDelayMs(n, DEFAULT_BACKOFF, () => 0))).toEqual([1000, 1000, 1000]);
  });

  it('spreads uniformly between minMs and the ceiling', () => {
    expect(reconnectDelayMs(3, { minMs: 1000, maxMs: 30_000 }, () => 0.5)).toBe(4500);
    for (let i = 0; i < 1000; i++) {
      const delay = reconnectDelayMs(4, { minMs: 100, maxMs: 5000 });
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(1600);
    }
  });

  it('treats minMs = maxMs as a fixed delay, and attempt 0 like attempt 1', () => {
    expect(reconnectDelayMs(7, { minMs: 200, maxMs: 200 }, () => 0.9)).toBe(200);
    expect(reconnectDelayMs(0, DEFAULT_BACKOFF, () => 1)).toBe(2000);
  });
});

describe('Backoff', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts attempts and starts over after reset()', () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const backoff = new Backoff({ minMs: 500, maxMs: 3000 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([1000, 2000, 3000, 3000]);
    expect(backoff.attempt).toBe(4);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
  });
});
