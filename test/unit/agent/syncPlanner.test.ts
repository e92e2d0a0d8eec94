// The planner's rules as pure functions: batch size, order per order, live share, aggregation windows.
import { describe, expect, it } from 'vitest';
import type { ProductionConfirmation } from '../../../domain/index.js';
import type { StoredEvent } from '../../../local-store/index.js';
import { liveSlots, planBatch, summedConfirmation, type OrderRules } from '../../../main/agent/sync/planner.js';

function event(id: number, orderId: string, extra: Partial<ProductionConfirmation> & { createdAt?: number } = {}): StoredEvent {
  const { createdAt, ...body } = extra;
  const confirmation: ProductionConfirmation = {
    kind: 'confirmation', plant: '1010', line: 'L1', orderId, operation: '0010', yieldQty: 1, scrapQty: 0, unit: 'PC', final: false, end: '2026-01-01T10:00:00Z', ...body,
  };
  return { id, eventId: `e${id}`, kind: 'confirmation', status: 'ready', orderId, body: confirmation, reasons: [], erpDocument: null, correlationId: `c${id}`, createdAt: createdAt ?? 0, updatedAt: 0 };
}

/** Order rules over an in-memory list of unfinished events (what the store answers from its indexes). */
function rulesOver(unfinished: readonly StoredEvent[]): OrderRules {
  return {
    firstUnfinishedFinalId: (orderId) => unfinished.filter((e) => e.orderId === orderId && (e.body as ProductionConfirmation).final).map((e) => e.id).sort((a, b) => a - b)[0] ?? null,
    hasUnfinishedBefore: (orderId, id) => unfinished.some((e) => e.orderId === orderId && e.id < id),
  };
}

const ids = (plan: ReturnType<typeof planBatch>): number[][] => plan.map((p) => p.events.map((e) => e.id));

describe('planBatch', () => {
  it('takes at most maxBatch, oldest first', () => {
    const backlog = [1, 2, 3, 4, 5].map((id) => event(id, 'A'));
    expect(ids(planBatch({ backlog, live: [], maxBatch: 3, liveShare: 0, rules: rulesOver(backlog) }))).toEqual([[1], [2], [3]]);
  });

  it('holds a final until nothing older of its order is unfinished, and what follows it; other orders go', () => {
    const backlog = [event(1, 'A'), event(2, 'A', { final: true }), event(3, 'A'), event(4, 'B'), event(5, 'B', { final: true })];
    expect(ids(planBatch({ backlog, live: [], maxBatch: 10, liveShare: 0, rules: rulesOver(backlog) }))).toEqual([[1], [4]]);
    // Once 1 and 4 are posted, the finals go; 3 still waits for A's final.
    const rest = backlog.filter((e) => e.id !== 1 && e.id !== 4);
    expect(ids(planBatch({ backlog: rest, live: [], maxBatch: 10, liveShare: 0, rules: rulesOver(rest) }))).toEqual([[2], [5]]);
  });

  it('skips held orders only', () => {
    const backlog = [event(1, 'A'), event(2, 'B'), event(3, 'A')];
    expect(ids(planBatch({ backlog, live: [], maxBatch: 10, liveShare: 0, rules: rulesOver(backlog), isHeld: (o) => o === 'A' }))).toEqual([[2]]);
  });

  it('keeps a share of the batch for live events while a backlog drains, and fills with either side', () => {
    const backlog = Array.from({ length: 20 }, (_, i) => event(i + 1, 'A'));
    const live = [event(100, 'B'), event(101, 'B'), event(102, 'B')];
    const all = [...backlog, ...live];
    const plan = planBatch({ backlog, live, maxBatch: 8, liveShare: 0.25, rules: rulesOver(all) });
    expect(plan.filter((p) => p.live).map((p) => p.events[0]!.id)).toEqual([100, 101]);
    expect(plan).toHaveLength(8);
    // Little backlog left: the live events fill the batch.
    const short = planBatch({ backlog: backlog.slice(0, 2), live, maxBatch: 8, liveShare: 0.25, rules: rulesOver(all) });
    expect(short.map((p) => p.events[0]!.id)).toEqual([100, 101, 1, 2, 102]);
  });

  it('gives live events at least one slot and never more than the batch', () => {
    expect(liveSlots(100, 0.25, 3)).toBe(25);
    expect(liveSlots(2, 0.1, 3)).toBe(1);
    expect(liveSlots(10, 0.25, 0)).toBe(0);
    expect(liveSlots(10, 0, 5)).toBe(0);
  });

  it('aggregates partials of one order operation and unit within a window that has closed', () => {
    const now = 1_000_000;
    const backlog = [
      event(1, 'A', { createdAt: 0, yieldQty: 2 }), event(2, 'A', { createdAt: 10_000, yieldQty: 3 }), event(3, 'A', { createdAt: 70_000, yieldQty: 4 }),
      event(4, 'A', { createdAt: 20_000, operation: '0020' }), event(5, 'A', { createdAt: 30_000, final: true }), event(6, 'B', { createdAt: now - 1_000 }),
    ];
    const plan = planBatch({ backlog, live: [], maxBatch: 10, liveShare: 0, rules: rulesOver(backlog), aggregate: { windowMs: 60_000, maxEvents: 100, now } });
    // 1+2 in one window, 3 opens the next, 4 is another operation, 5 is a final (waits), 6's window is still open.
    expect(ids(plan)).toEqual([[1, 2], [3], [4]]);
    expect(summedConfirmation(plan[0]!.events)).toMatchObject({ yieldQty: 5, final: false });
  });
});
