// The sync engine against sim/erp over HTTP, one fault kind at a time (issue 5): every event ends posted exactly
// once (counted by the simulator's GET /sim/counts) or as an exception carrying the ERP's words; no request
// comes before a Retry-After has elapsed; a confirmation cancelled in the ERP is found by reconciliation.
import { describe, expect, it } from 'vitest';
import { countEventsByStatus, getEvent, listReconciliationFindings } from '../../local-store/index.js';
import type { LoggedRequest } from '../../sim/erp/index.js';
import { exactlyOnce, syncHttpRig } from './syncSupport.js';

const EVENTS = 200;

async function expectExactlyOnce(r: Awaited<ReturnType<typeof syncHttpRig>>, expectedPosted = EVENTS): Promise<void> {
  const result = exactlyOnce(r.db, await r.counts());
  expect(result).toEqual({ lost: 0, duplicates: 0, posted: expectedPosted });
}

/** Requests that came before the Retry-After of an earlier 429/503 answer had elapsed. */
function earlyRequests(requests: readonly LoggedRequest[], retryAfterS: number): LoggedRequest[] {
  const early: LoggedRequest[] = [];
  let notBefore = 0;
  for (const request of requests) {
    if (request.at < notBefore) early.push(request);
    if (request.status === 429) notBefore = Math.max(notBefore, request.at + retryAfterS * 1000);
  }
  return early;
}

describe('sync engine against sim/erp, per fault kind', () => {
  it('5xx answers: retried with backoff, 0 lost, 0 duplicates', async () => {
    const r = await syncHttpRig({ faults: { seed: 11, serverErrorRate: 0.3 } });
    r.confirm(EVENTS);
    await r.settle(30_000);
    expect(r.sim.requests.filter((q) => q.status === 500).length).toBeGreaterThan(2);
    await expectExactlyOnce(r);
  });

  it('429 with Retry-After: no request before it has elapsed, 0 lost, 0 duplicates', async () => {
    // One request at a time, so every request after a 429 was sent after PlantDesk saw it.
    const r = await syncHttpRig({ faults: { seed: 12, throttleRate: 0.25, throttleRetryAfterS: 1 }, sync: { maxInFlight: 1 } });
    r.confirm(EVENTS);
    await r.settle(60_000);
    const throttled = r.sim.requests.filter((q) => q.status === 429);
    expect(throttled.length).toBeGreaterThan(1);
    expect(earlyRequests(r.sim.requests, 1)).toEqual([]);
    await expectExactlyOnce(r);
  });

  it('a 503 maintenance window: offline and probed, not hammered; posting resumes after it', async () => {
    const start = Date.now() + 300;
    const r = await syncHttpRig({ faults: { maintenance: [{ start, end: start + 2_000 }] }, sync: { offlineAfterFailures: 2 } });
    r.confirm(20);
    await r.settle(10_000);
    r.confirm(EVENTS - 20);
    while (Date.now() < start + 100) await new Promise((resolve) => setTimeout(resolve, 20));
    const states = new Set<string>();
    const watch = setInterval(() => states.add(r.engine.status().erp), 20);
    try {
      await r.settle(30_000);
    } finally {
      clearInterval(watch);
    }
    const inWindow = r.sim.requests.filter((q) => q.status === 503);
    // Retry-After names the window's end: a handful of requests in 2 s, not one per backoff step.
    expect(inWindow.length).toBeGreaterThan(0);
    expect(inWindow.length).toBeLessThanOrEqual(4);
    expect(states.has('offline') || states.has('retrying')).toBe(true);
    expect(r.engine.status().erp).toBe('online');
    await expectExactlyOnce(r);
  });

  it('connection reset after the ERP committed: read back by our key, never posted twice', async () => {
    const r = await syncHttpRig({ faults: { seed: 14, resetAfterCommitRate: 0.3 } });
    r.confirm(EVENTS);
    await r.settle(30_000);
    expect(r.sim.requests.filter((q) => q.fault === 'reset-after-commit').length).toBeGreaterThan(1);
    expect(r.sim.requests.some((q) => q.method === 'GET' && q.path.includes('ProdnOrdConf2'))).toBe(true);
    await expectExactlyOnce(r);
  });

  it('a timeout while the ERP holds the answer after committing: ambiguous, read back, never posted twice', async () => {
    const r = await syncHttpRig({ faults: { script: ['slow-after-commit'], slowAfterCommitMs: 1500 }, timeoutMs: 700 });
    r.confirm(40);
    await r.settle(30_000);
    // The held answer timed out, so the batch was read back (GETs of ProdnOrdConf2 by our key) before re-sending.
    expect(r.sim.requests.filter((q) => q.fault === 'slow-after-commit')).toHaveLength(1);
    expect(r.sim.requests.filter((q) => q.method === 'GET' && q.path.includes('ProdnOrdConf2')).length).toBeGreaterThanOrEqual(20);
    await expectExactlyOnce(r, 40);
  });

  it('CSRF token expiry: a new token, 0 lost, 0 duplicates', async () => {
    const r = await syncHttpRig({ faults: { seed: 15, csrfExpiryRate: 0.3 } });
    r.confirm(EVENTS);
    await r.settle(30_000);
    await expectExactlyOnce(r);
  });

  it('business rejections become exceptions carrying the ERP message; one failing changeset does not fail its batch', async () => {
    const r = await syncHttpRig({ faults: { seed: 16, rejectRate: 0.15 } });
    const ids = r.confirm(EVENTS);
    await r.settle(30_000);
    const counts = countEventsByStatus(r.db);
    expect(counts.exception).toBeGreaterThan(5);
    expect(counts.posted + counts.exception).toBe(EVENTS);
    for (const id of ids) {
      const event = getEvent(r.db, id)!;
      if (event.status !== 'exception') continue;
      expect(event.reasons).toHaveLength(1);
      expect(event.reasons[0]!.code).toMatch(/^ERP:(RU\/137|M7\/053|RU\/505|[A-Z0-9/_]+)$/);
      expect(event.reasons[0]!.message).toMatch(/technically completed|Posting period .* is closed|exceeds order quantity/);
    }
    // Rejected changesets rolled back: none of them is in the ERP, every posted one exactly once.
    await expectExactlyOnce(r, counts.posted);
    expect((await r.counts()).total).toBe(counts.posted);
  });

  it('aggregation with resets after commit: each aggregate read back by its own id, every source event posted once', async () => {
    const r = await syncHttpRig({ faults: { seed: 17, resetAfterCommitRate: 0.4 }, batchSize: 2, sync: { aggregate: { windowS: 1 } } });
    const ids = r.confirm(60);
    // Arrived a second ago at the earliest: wait for the window to close.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await r.settle(30_000);
    expect(r.sim.requests.filter((q) => q.fault === 'reset-after-commit').length).toBeGreaterThan(0);
    const postings = r.db.prepare("SELECT posting_id, events, erp_document FROM sync_posting WHERE status = 'posted'").all() as { posting_id: string; events: number; erp_document: string }[];
    // Three orders, one operation each: a few postings carry all 60 confirmations.
    expect(postings.reduce((n, p) => n + p.events, 0)).toBe(60);
    expect(postings.length).toBeLessThanOrEqual(6);
    const counts = await r.counts();
    expect(Object.keys(counts.byKey).sort()).toEqual(postings.map((p) => p.posting_id).sort());
    expect(counts.duplicates).toEqual({});
    const yieldInErp = r.sim.received.reduce((sum, c) => sum + Number(c.yieldQuantity), 0);
    const yieldPosted = ids.reduce((sum, id) => sum + (getEvent(r.db, id)!.body as { yieldQty: number }).yieldQty, 0);
    expect(yieldInErp).toBe(yieldPosted);
    for (const id of ids) expect(getEvent(r.db, id)).toMatchObject({ status: 'posted', erpDocument: expect.stringMatching(/^\d{10}\/\d{8}$/) });
  });

  it('a confirmation cancelled in the ERP is flagged by reconciliation', async () => {
    const r = await syncHttpRig();
    const ids = r.confirm(12);
    await r.settle(10_000);
    const victim = getEvent(r.db, ids[4]!)!;
    const res = await fetch(`${r.sim.url}/sim/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: victim.eventId }) });
    expect(res.status).toBe(200);

    const run = await r.engine.reconcile();
    expect(run.failed).toEqual([]);
    const findings = listReconciliationFindings(r.db, victim.orderId);
    expect(findings.find((f) => f.kind === 'cancelled_in_erp')).toMatchObject({ eventId: victim.eventId, erpDocument: victim.erpDocument });
    expect(findings.filter((f) => f.kind === 'cancelled_in_erp')).toHaveLength(1);
    // The other orders match.
    const others = new Set(ids.map((id) => getEvent(r.db, id)!.orderId).filter((o) => o !== victim.orderId));
    for (const orderId of others) expect(listReconciliationFindings(r.db, orderId)).toEqual([]);
    expect(r.engine.status().reconciliation.mismatches).toBe(findings.length);
  });
});
