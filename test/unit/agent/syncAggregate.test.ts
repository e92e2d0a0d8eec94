// Aggregation (sync.aggregate.windowS) and reconciliation, against the fake adapter over a real SQLite file.
import { describe, expect, it } from 'vitest';
import { ErpError } from '../../../connectors/erp/index.js';
import { countEventsByStatus, getEvent, getPosting, listReconciliationFindings, postingOfEvent, transitionEvent } from '../../../local-store/index.js';
import { documentNo } from './fakeErp.js';
import { syncRig, T0 } from './syncRig.js';

describe('SyncEngine aggregation', () => {
  it('is off by default: one posting per confirmation', async () => {
    const r = syncRig();
    r.confirm();
    r.confirm();
    await r.engine.tick(T0);
    expect(r.erp.posts).toHaveLength(2);
  });

  it('sums confirmations of one order operation within the window into one posting, each source event linked to the document', async () => {
    const r = syncRig({ sync: { aggregate: { windowS: 300 } } });
    const a = [r.confirm({ yield: 5, scrap: 1 }), r.confirm({ yield: 7.25, scrap: 0 }), r.confirm({ yield: 3, scrap: 2 })];
    const otherOp = r.confirm({ operation: '20', workCenter: 'WC-20', yield: 4 });
    const final = r.confirm({ yield: 1, final: true });
    await r.engine.tick(T0);
    await r.engine.tick(T0 + 1);

    const [summed, single, last] = r.erp.posts;
    expect(summed?.confirmation).toMatchObject({ orderId: '1000001', operation: '0010', yieldQty: 15.25, scrapQty: 3, final: false });
    expect(a).not.toContain(summed?.eventId);
    expect(single?.eventId).toBe(otherOp);
    // A final is never summed, and goes after the partials before it.
    expect(last).toMatchObject({ eventId: final, confirmation: { final: true, yieldQty: 1 } });
    expect(r.erp.posts).toHaveLength(3);

    const posting = getPosting(r.db, summed!.eventId)!;
    expect(posting).toMatchObject({ status: 'posted', erpDocument: r.erp.documents.get(summed!.eventId)!.document, eventIds: a });
    for (const id of a) {
      expect(getEvent(r.db, id)).toMatchObject({ status: 'posted', erpDocument: posting.erpDocument });
      expect(postingOfEvent(r.db, id)?.postingId).toBe(posting.postingId);
    }
  });

  it('exactly once across a crash between the post and its commit: the aggregate is read back by its own id', async () => {
    const r = syncRig({ sync: { aggregate: { windowS: 300 } } });
    const a = [r.confirm(), r.confirm(), r.confirm()];
    r.erp.requestScript.push(([item]) => {
      r.erp.documents.set(item!.eventId, documentNo(55));
      return new Error('killed');
    });
    await r.engine.tick(T0);
    expect(a.map((id) => getEvent(r.db, id)?.status)).toEqual(['sending', 'sending', 'sending']);
    const postingId = postingOfEvent(r.db, a[0]!)!.postingId;

    await r.engine.tick(T0 + 5_000);
    expect(r.erp.finds).toEqual([postingId]);
    expect(r.erp.requests).toHaveLength(1);
    expect(a.map((id) => getEvent(r.db, id)?.erpDocument)).toEqual(a.map(() => documentNo(55).document));
  });

  it('an aggregate the ERP never received is dissolved and its events summed again under a new id', async () => {
    const r = syncRig({ sync: { aggregate: { windowS: 300 } } });
    const a = [r.confirm(), r.confirm()];
    r.erp.requestScript.push(() => new ErpError('timeout after the request was sent', 'ambiguous'));
    await r.engine.tick(T0);
    const first = postingOfEvent(r.db, a[0]!)!.postingId;
    await r.engine.tick(T0 + 5_000);
    expect(r.erp.finds).toEqual([first]);
    expect(r.erp.requests).toHaveLength(2);
    const second = r.erp.posts[1]!.eventId;
    expect(second).not.toBe(first);
    expect(getPosting(r.db, first)).toBeUndefined();
    expect(countEventsByStatus(r.db).posted).toBe(2);
  });

  it('a rejected aggregate makes every source event an exception with the ERP words', async () => {
    const r = syncRig({ sync: { aggregate: { windowS: 300 } } });
    const a = [r.confirm(), r.confirm()];
    r.erp.postScript.push(() => new ErpError('Quantity exceeds the overdelivery tolerance', 'business', { status: 400, erpCode: 'RU/505' }));
    await r.engine.tick(T0);
    for (const id of a) expect(getEvent(r.db, id)?.reasons).toEqual([{ code: 'ERP:RU/505', message: 'Quantity exceeds the overdelivery tolerance', fields: [] }]);
    // The supervisor releases them again: summed into a new posting and posted, linked to it alone.
    for (const id of a) transitionEvent(r.db, id, { to: 'ready', at: Date.now(), actor: 'supervisor', reason: 'quantity checked' });
    await r.engine.tick(T0 + 1);
    const second = r.erp.posts[1]!.eventId;
    expect(second).not.toBe(r.erp.posts[0]!.eventId);
    for (const id of a) expect(postingOfEvent(r.db, id)).toMatchObject({ postingId: second, status: 'posted' });
  });
});

describe('SyncEngine reconciliation', () => {
  it('flags postings missing, cancelled or different in the ERP and operation totals that differ', async () => {
    const r = syncRig();
    const [ok, cancelled, missing, changed] = [r.confirm({ yield: 10 }), r.confirm({ yield: 20 }), r.confirm({ yield: 30 }), r.confirm({ yield: 40 })];
    await r.engine.tick(T0);
    const doc = (id: string): string => getEvent(r.db, id)!.erpDocument!;
    const record = (id: string | null, yieldQty: number, extra: Record<string, unknown> = {}) => ({ document: id ? doc(id) : '0000999999/00000001', operation: '0010', yieldQty, scrapQty: 1, unit: 'PC', eventId: id, cancelled: false, ...extra });
    r.erp.totals.set('1000001', {
      orderId: '1000001',
      operations: [{ operation: '0010', confirmedYieldQty: 10 + 41 + 8 }],
      confirmations: [record(ok, 10), record(cancelled, 20, { cancelled: true }), record(changed, 41), record(null, 8)],
    });

    const run = await r.engine.reconcile();
    expect(run).toMatchObject({ orders: 1, failed: [] });
    const findings = listReconciliationFindings(r.db, '1000001');
    expect(findings.map((f) => [f.kind, f.eventId]).sort()).toEqual([
      ['cancelled_in_erp', cancelled], ['erp_total_differs', null], ['missing_in_erp', missing], ['quantity_differs', changed],
    ].sort());
    expect(findings.find((f) => f.kind === 'erp_total_differs')?.message).toBe('operation 0010: PlantDesk posted 100, the ERP\'s confirmed yield is 59 (8 confirmed outside PlantDesk, 20 of ours cancelled in the ERP)');
    expect(r.engine.status().reconciliation.mismatches).toBe(4);

    // Everything matches after the ERP is corrected: the order's findings are replaced by none.
    r.erp.totals.set('1000001', {
      orderId: '1000001', operations: [{ operation: '0010', confirmedYieldQty: 100 }],
      confirmations: [record(ok, 10), record(cancelled, 20), record(missing, 30), record(changed, 40)],
    });
    await r.engine.reconcile(['1000001']);
    expect(r.engine.status().reconciliation.mismatches).toBe(0);
  });

  it('keeps the last findings when the ERP cannot be read, and says so', async () => {
    const r = syncRig();
    r.confirm();
    await r.engine.tick(T0);
    r.erp.readOrderTotals = async () => {
      throw new ErpError('503 Service Unavailable', 'transient', { status: 503 });
    };
    const run = await r.engine.reconcile(['1000001']);
    expect(run.failed).toEqual([{ orderId: '1000001', error: '503 Service Unavailable' }]);
  });
});
