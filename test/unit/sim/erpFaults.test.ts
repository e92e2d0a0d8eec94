// The simulators' fault planner: validation that names bad knobs, seeded repeatability, scripted one-shot
// faults aimed at postings, maintenance windows with Retry-After, and the three business rejections.
import { describe, expect, it } from 'vitest';
import { parseFaultConfig } from '../../../sim/erp/faultConfig.js';
import { Faults, type PostingContext } from '../../../sim/erp/faults.js';

const posting: PostingContext = { orderId: '1000001', plant: '1010', postingDate: Date.parse('2025-05-02T00:00:00Z'), yieldQty: 10, unit: 'PC', orderQuantity: 100, confirmedYield: 0 };

describe('fault config', () => {
  it('names every bad knob', () => {
    expect(() => parseFaultConfig({ serverErrorRate: 2, retryAfterFormat: 'minutes', typo: 1 })).toThrow(/serverErrorRate.*retryAfterFormat|retryAfterFormat.*serverErrorRate/);
    expect(() => parseFaultConfig({ typo: 1 })).toThrow(/typo/);
  });
});

describe('Faults', () => {
  it('the same seed and request sequence give the same faults; another seed differs', () => {
    const sequence = (seed: number): string[] => {
      const faults = new Faults({ seed, serverErrorRate: 0.3, throttleRate: 0.2, resetAfterCommitRate: 0.2 });
      return Array.from({ length: 40 }, () => {
        const d = faults.decideRequest(true);
        return d.early ? String(d.early.status) : d.afterCommit;
      });
    };
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
    expect(new Set(sequence(7))).toEqual(new Set(['500', '429', 'reset', 'answer']));
  });

  it('scripted request faults wait for a modifying request and are used once, in order', () => {
    const faults = new Faults({ script: ['throttle', 'reset-after-commit'], throttleRetryAfterS: 9 });
    const read = faults.decideRequest(false);
    expect([read.early, read.afterCommit]).toEqual([undefined, 'answer']);
    expect(faults.decideRequest(true).early).toEqual({ status: 429, message: expect.any(String), retryAfter: '9' });
    expect(faults.decideRequest(true).afterCommit).toBe('reset');
    const after = faults.decideRequest(true);
    expect([after.early, after.afterCommit, after.fault]).toEqual([undefined, 'answer', undefined]);
    expect(faults.config.script).toEqual([]);
  });

  it('a maintenance window answers 503 with the seconds to its end, or its end as an HTTP date', () => {
    let now = Date.parse('2025-05-02T10:00:00Z');
    const windows = [{ start: '2025-05-02T09:00:00Z', end: '2025-05-02T10:05:00Z' }];
    const faults = new Faults({ maintenance: windows }, () => now);
    expect(faults.decideRequest(false).early).toMatchObject({ status: 503, retryAfter: '300' });
    faults.set({ maintenance: windows, retryAfterFormat: 'http-date' });
    expect(faults.decideRequest(false).early?.retryAfter).toBe('Fri, 02 May 2025 10:05:00 GMT');
    now = Date.parse('2025-05-02T10:05:00Z');
    expect(faults.decideRequest(false).early).toBeUndefined();
  });

  it('business rejections: technically completed, posting period closed, over tolerance, scripted', () => {
    const faults = new Faults({ technicallyCompletedOrders: ['1000002'], postingPeriodClosedBefore: '2025-05-01', overdeliveryTolerancePct: 5 });
    expect(faults.decidePosting({ ...posting, orderId: '1000002' })).toMatchObject({ code: 'RU/137', message: 'Order 1000002 is technically completed' });
    expect(faults.decidePosting({ ...posting, postingDate: Date.parse('2025-04-30T23:59:59Z') })?.message).toBe('Posting period 2025/04 is closed in company code 1010');
    // 100 PC with 5 % tolerance: 105 in total is allowed, 105.001 is not.
    expect(faults.decidePosting({ ...posting, confirmedYield: 95, yieldQty: 10.001 })?.fault).toBe('reject-over-tolerance');
    expect(faults.decidePosting({ ...posting, confirmedYield: 95, yieldQty: 10 })).toBeUndefined();
    faults.set({ script: ['reject-period-closed'] });
    expect(faults.decidePosting(posting)?.fault).toBe('reject-period-closed');
    expect(faults.decidePosting(posting)).toBeUndefined();
  });
});
