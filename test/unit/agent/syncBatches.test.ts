// The sync engine's batching, order per order, failure classes per item, offline/probe and live share, against
// the fake adapter over a real SQLite file.
import { describe, expect, it } from 'vitest';
import { ErpError } from '../../../connectors/erp/index.js';
import { countEventsByStatus, getEvent } from '../../../local-store/index.js';
import { documentNo } from './fakeErp.js';
import { syncRig, T0 } from './syncRig.js';

const status = (r: ReturnType<typeof syncRig>, id: string): string | undefined => getEvent(r.db, id)?.status;

describe('SyncEngine batches', () => {
  it('posts in requests of at most maxBatch, oldest first', async () => {
    const r = syncRig({ maxBatch: 2 });
    const ids = [1, 2, 3, 4, 5].map((n) => r.confirm({ orderId: `100000${(n % 3) + 1}` }));
    await r.engine.tick(T0);
    expect(r.erp.requests.map((req) => req.map((i) => i.eventId))).toEqual([[ids[0], ids[1]], [ids[2], ids[3]], [ids[4]]]);
    expect(countEventsByStatus(r.db).posted).toBe(5);
  });

  it('a final confirmation waits until every earlier event of its order is posted; nothing after it overtakes it; other orders go on', async () => {
    const r = syncRig({ maxBatch: 10 });
    const p1 = r.confirm({ orderId: '1000001' });
    const p2 = r.confirm({ orderId: '1000001' });
    const final = r.confirm({ orderId: '1000001', final: true });
    const after = r.confirm({ orderId: '1000001' });
    const other = r.confirm({ orderId: '1000002' });
    // The first partial is rejected: the final must not go while it waits for a supervisor.
    r.erp.postScript.push(() => new ErpError('Posting period 2025/03 is closed', 'business', { status: 400, erpCode: 'M7/053' }));
    await r.engine.tick(T0);
    expect(r.erp.requests.map((req) => req.map((i) => i.eventId))).toEqual([[p1, p2, other]]);
    expect([status(r, p1), status(r, p2), status(r, final), status(r, after), status(r, other)]).toEqual(['exception', 'posted', 'ready', 'ready', 'posted']);

    // The supervisor voids the rejected one: the final goes alone, then what came after it.
    r.db.prepare("UPDATE event SET status = 'voided' WHERE event_id = ?").run(p1);
    await r.engine.tick(T0 + 1);
    expect(r.erp.requests.slice(1).map((req) => req.map((i) => i.eventId))).toEqual([[final], [after]]);
    expect(status(r, after)).toBe('posted');
  });

  it('with several requests in flight, a final still waits for the partials in flight before it', async () => {
    const r = syncRig({ maxBatch: 2, sync: { maxInFlight: 3 } });
    const partials = [1, 2, 3, 4].map(() => r.confirm({ orderId: '1000001' }));
    const final = r.confirm({ orderId: '1000001', final: true });
    const inFlight: string[][] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const original = r.erp.postConfirmations.bind(r.erp);
    r.erp.postConfirmations = async (items) => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      inFlight.push(items.map((i) => i.eventId));
      await new Promise((resolve) => setTimeout(resolve, 5));
      concurrent--;
      return original(items);
    };
    await r.engine.tick(T0);
    expect(maxConcurrent).toBe(2);
    expect(inFlight.slice(0, 2).flat().sort()).toEqual([...partials].sort());
    expect(inFlight[2]).toEqual([final]);
    expect(status(r, final)).toBe('posted');
  });

  it('an item that fails transiently goes back to ready and holds only its order; the rest of the batch is posted', async () => {
    const r = syncRig({ maxBatch: 10 });
    const a1 = r.confirm({ orderId: '1000001' });
    const b1 = r.confirm({ orderId: '1000002' });
    const a2 = r.confirm({ orderId: '1000001' });
    r.erp.postScript.push(() => new ErpError('lock on order 1000001', 'transient', { status: 503, retryAfterS: 20 }));
    await r.engine.tick(T0);
    expect([status(r, a1), status(r, b1), status(r, a2)]).toEqual(['ready', 'posted', 'posted']);
    expect(r.erpState().state).toBe('connected');
    const b2 = r.confirm({ orderId: '1000002' });
    await r.engine.tick(T0 + 1_000);
    // Order 1000001 waits out its Retry-After; order 1000002 goes on.
    expect(status(r, b2)).toBe('posted');
    expect(status(r, a1)).toBe('ready');
    await r.engine.tick(T0 + 20_000);
    expect(status(r, a1)).toBe('posted');
    expect(r.erp.posts.filter((p) => p.eventId === a1)).toHaveLength(2);
  });

  it('a batch that may have been posted (reset after commit) is read back item by item: no duplicates, the rest re-sent once', async () => {
    const r = syncRig({ maxBatch: 3 });
    const ids = [1, 2, 3].map(() => r.confirm());
    // The ERP committed the first two changesets, then the connection dropped.
    r.erp.requestScript.push((items) => {
      items.slice(0, 2).forEach((item, i) => r.erp.documents.set(item.eventId, documentNo(90 + i)));
      return new ErpError('socket hang up after the request was sent', 'ambiguous');
    });
    await r.engine.tick(T0);
    expect(ids.map((id) => status(r, id))).toEqual(['sending', 'sending', 'sending']);
    await r.engine.tick(T0 + 2_000);
    expect([...r.erp.finds].sort()).toEqual([...ids].sort());
    expect(ids.map((id) => getEvent(r.db, id)?.erpDocument)).toEqual([documentNo(90).document, documentNo(91).document, expect.any(String)]);
    expect(r.erp.requests.at(-1)?.map((i) => i.eventId)).toEqual([ids[2]]);
    expect(countEventsByStatus(r.db).posted).toBe(3);
  });

  it('after repeated failures the ERP is offline since the first one and only probed; a probe that answers resumes posting', async () => {
    const r = syncRig({ maxBatch: 5, sync: { offlineAfterFailures: 3, backoff: { baseMs: 1000, maxMs: 8000 } } });
    const id = r.confirm();
    await r.engine.tick(T0); // orders fetched, posted
    const waiting = r.confirm();
    const down = new ErpError('connect ECONNREFUSED 10.0.0.5:443', 'transient');
    for (let i = 0; i < 3; i++) r.erp.requestScript.push(() => down);
    let now = T0 + 10;
    const firstFailure = now;
    for (let i = 0; i < 3; i++) {
      await r.engine.tick(now);
      now = Date.parse(r.engine.status(now).nextAttemptAt!);
    }
    const offline = r.engine.status(now - 1);
    expect(offline.erp).toBe('offline');
    expect(offline.since).toBe(new Date(firstFailure).toISOString());
    expect(r.erpState().state).toBe('disconnected');
    expect(r.erpState().lastError).toContain(`offline since ${new Date(firstFailure).toISOString()}`);
    const requestsWhenOffline = r.erp.requests.length;

    // Offline: the next attempts are probes, not posts.
    r.erp.probeFailure = down;
    await r.engine.tick(now);
    expect(r.erp.probes).toBe(1);
    expect(r.erp.requests.length).toBe(requestsWhenOffline);
    expect(status(r, waiting)).toBe('ready');

    r.erp.probeFailure = undefined;
    now = Date.parse(r.engine.status(now).nextAttemptAt!);
    await r.engine.tick(now);
    expect(r.erp.probes).toBe(2);
    expect(status(r, waiting)).toBe('posted');
    expect(r.engine.status(now).erp).toBe('online');
    expect(r.erpState().state).toBe('connected');
    expect(status(r, id)).toBe('posted');
  });

  it('backs off exponentially with jitter, never before Retry-After', async () => {
    const r = syncRig({ sync: { offlineAfterFailures: 10, backoff: { baseMs: 1000, maxMs: 60_000 } }, random: () => 0 });
    r.confirm();
    await r.engine.tick(T0);
    r.confirm();
    const waits: number[] = [];
    let now = T0 + 1;
    for (const retryAfterS of [undefined, undefined, undefined, 30]) {
      r.erp.requestScript.push(() => new ErpError('503', 'transient', retryAfterS === undefined ? { status: 503 } : { status: 429, retryAfterS }));
      await r.engine.tick(now);
      const next = Date.parse(r.engine.status(now).nextAttemptAt!);
      waits.push(next - now);
      // Nothing is sent before the wait is over.
      const before = r.erp.requests.length;
      await r.engine.tick(next - 1);
      expect(r.erp.requests.length).toBe(before);
      now = next;
    }
    // random() = 0: the lower half of each doubling window (1 s x 2^n / 2), then Retry-After's 30 s over the 8 s.
    expect(waits).toEqual([1000, 2000, 4000, 30_000]);
  });

  it('while a backlog drains, events that arrive keep a share of every batch, and progress and ETA are reported', async () => {
    const r = syncRig({ maxBatch: 4, sync: { drainThreshold: 5, liveShare: 0.25 } });
    const backlog = Array.from({ length: 20 }, () => r.confirm());
    const live: string[] = [];
    const drains: (number | null)[] = [];
    const original = r.erp.postConfirmations.bind(r.erp);
    r.erp.postConfirmations = async (items) => {
      if (r.erp.requests.length === 1) live.push(r.confirm(), r.confirm());
      drains.push(r.engine.status().drain?.total ?? null);
      return original(items);
    };
    // Validation of the new live events happens at the start of a pass.
    await r.engine.tick(T0);
    await r.engine.tick(T0 + 1);
    const requests = r.erp.requests.map((req) => req.map((i) => i.eventId));
    const firstWithLive = requests.findIndex((req) => req.some((id) => live.includes(id)));
    const lastBacklog = requests.findLastIndex((req) => req.some((id) => backlog.includes(id)));
    // Live events went before the backlog was through, one per batch (a quarter of 4).
    expect(firstWithLive).toBeGreaterThan(-1);
    expect(firstWithLive).toBeLessThan(lastBacklog);
    expect(requests[firstWithLive]!.filter((id) => live.includes(id))).toHaveLength(1);
    expect(drains[0]).toBe(20);
    expect(r.engine.status().drain).toBeNull();
    expect(countEventsByStatus(r.db).posted).toBe(22);
  });
});
