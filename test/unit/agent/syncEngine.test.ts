import { describe, expect, it } from 'vitest';
import { ErpError } from '../../../connectors/erp/index.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { SyncEngine } from '../../../main/agent/syncEngine.js';
import { countEventsByStatus, getEvent, lastOrdersFetch, listOrders, type WritableDb } from '../../../local-store/index.js';
import { mesConfirmation, releasedOrder } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';
import { documentNo, fakeErp, type FakeErp } from './fakeErp.js';
import { OrderCache } from '../../../main/agent/orderCache.js';
import { SyncSchema } from '../../../main/agent/config/syncSchema.js';

const logger = createLogger('silent');
/** A realistic clock value: the engine refreshes orders when now - lastFetch >= ordersRefreshS. */
const T0 = 1_700_000_000_000;
/** Longer than any backoff after one failure (1 s * 2^1, full jitter). */
const AFTER_FIRST_BACKOFF = 2_000;

interface Rig { db: WritableDb; erp: FakeErp; engine: SyncEngine; connections: ConnectionRegistry; connectionId: string; changes: () => number }

function rig(erp: FakeErp = fakeErp([releasedOrder(), releasedOrder({ orderId: '1000002' })]), sync: Record<string, unknown> = {}): Rig {
  const db = openTempDb();
  const connections = new ConnectionRegistry();
  const connectionId = connections.register('erp', 'sap', erp.endpoint);
  let changes = 0;
  const engine = new SyncEngine({
    db, erp, orders: new OrderCache(db), plant: '1010', ordersRefreshS: 300, postIntervalMs: 1000, logger, connections, connectionId, onChange: () => changes++,
    // One request at a time unless a test says otherwise: the order of calls is then exact.
    sync: SyncSchema.parse({ maxInFlight: 1, ...sync }), monotonicMs: () => 0,
  });
  return { db, erp, engine, connections, connectionId, changes: () => changes };
}

let messageNo = 0;
/** Commits a confirmation through the real intake; returns its event id. */
function confirm(db: WritableDb, overrides: Record<string, unknown> = {}): string {
  messageNo++;
  const payload = JSON.stringify(mesConfirmation({ messageId: `m-${messageNo}`, ...overrides }));
  new Ingest(db, logger).commitMqtt({ source: 'mes', topic: 'plant/1010/L1/confirmation', type: 'confirmation', payload: Buffer.from(payload), receivedAt: T0 - 60_000 });
  return (db.prepare('SELECT event_id FROM event ORDER BY id DESC LIMIT 1').get() as { event_id: string }).event_id;
}

function erpState(r: Rig): { state: string; lastError: string | null } {
  const status = r.connections.list().find((c) => c.id === r.connectionId);
  return { state: status?.state ?? 'missing', lastError: status?.lastError ?? null };
}

describe('SyncEngine', () => {
  it('refreshes the order cache, validates, and posts ready events oldest first with their ERP documents', async () => {
    const r = rig();
    const first = confirm(r.db, { orderId: '1000002' });
    const second = confirm(r.db);
    const third = confirm(r.db, { orderId: '1000002', yield: 7 });

    await r.engine.tick(T0);

    expect(r.erp.fetches).toEqual(['1010']);
    expect(listOrders(r.db).map((o) => o.orderId)).toEqual(['1000001', '1000002']);
    expect(lastOrdersFetch(r.db)).toBe(T0);
    expect(r.erp.posts.map((p) => p.eventId)).toEqual([first, second, third]);
    expect(r.erp.posts[2]?.confirmation).toMatchObject({ orderId: '1000002', yieldQty: 7, operation: '0010', unit: 'PC' });
    expect(r.erp.posts[0]?.correlationId).toBe(getEvent(r.db, first)?.correlationId);
    expect([first, second, third].map((id) => [getEvent(r.db, id)?.status, getEvent(r.db, id)?.erpDocument])).toEqual([
      ['posted', documentNo(1).document],
      ['posted', documentNo(2).document],
      ['posted', documentNo(3).document],
    ]);
    expect(erpState(r).state).toBe('connected');
    expect(r.changes()).toBeGreaterThan(0);
  });

  it('does not post confirmations that fail validation', async () => {
    const r = rig();
    const bad = confirm(r.db, { orderId: '9999999' });
    await r.engine.tick(T0);
    expect(r.erp.posts).toEqual([]);
    expect(getEvent(r.db, bad)?.status).toBe('exception');
  });

  it('does not refresh orders again before ordersRefreshS has passed', async () => {
    const r = rig();
    await r.engine.tick(T0);
    await r.engine.tick(T0 + 299_999);
    expect(r.erp.fetches).toHaveLength(1);
    await r.engine.tick(T0 + 300_000);
    expect(r.erp.fetches).toHaveLength(2);
  });

  it('a business rejection becomes an exception carrying the ERP message, and the next event is still posted', async () => {
    const r = rig();
    const rejected = confirm(r.db);
    const next = confirm(r.db);
    r.erp.postScript.push(() => new ErpError('Order 1000001 is locked by user MEIER', 'business', { status: 400, erpCode: 'CO/471' }));

    await r.engine.tick(T0);

    const event = getEvent(r.db, rejected);
    expect(event?.status).toBe('exception');
    expect(event?.reasons).toEqual([{ code: 'ERP:CO/471', message: 'Order 1000001 is locked by user MEIER', fields: [] }]);
    expect(event?.erpDocument).toBeNull();
    expect(getEvent(r.db, next)?.status).toBe('posted');
    expect(r.erp.posts).toHaveLength(2);
    expect(erpState(r).state).toBe('connected');
  });

  it('a business rejection without an ERP code is ERP_REJECTED', async () => {
    const r = rig();
    const rejected = confirm(r.db);
    r.erp.postScript.push(() => new ErpError('Quantity exceeds tolerance', 'business', { status: 400 }));
    await r.engine.tick(T0);
    expect(getEvent(r.db, rejected)?.reasons.map((v) => [v.code, v.message])).toEqual([['ERP_REJECTED', 'Quantity exceeds tolerance']]);
  });

  it('a transient failure puts the event back to ready, marks the ERP disconnected, and waits for the backoff', async () => {
    const r = rig();
    const id = confirm(r.db);
    const later = confirm(r.db);
    r.erp.requestScript.push(() => new ErpError('connect ECONNREFUSED 10.0.0.5:443', 'transient'));

    await r.engine.tick(T0);

    expect(getEvent(r.db, id)?.status).toBe('ready');
    expect(getEvent(r.db, later)?.status).toBe('ready');
    expect(r.erp.posts).toHaveLength(1);
    expect(erpState(r)).toEqual({ state: 'disconnected', lastError: 'connect ECONNREFUSED 10.0.0.5:443' });

    await r.engine.tick(T0);
    expect(r.erp.posts).toHaveLength(1);
    expect(r.erp.fetches).toHaveLength(1);

    await r.engine.tick(T0 + AFTER_FIRST_BACKOFF);
    expect(r.erp.posts.map((p) => p.eventId)).toEqual([id, id, later]);
    expect(countEventsByStatus(r.db).posted).toBe(2);
    expect(erpState(r).state).toBe('connected');
  });

  it('honours Retry-After: no ERP call before it has passed', async () => {
    const r = rig();
    const id = confirm(r.db);
    r.erp.requestScript.push(() => new ErpError('429 Too Many Requests', 'transient', { status: 429, retryAfterS: 30 }));

    await r.engine.tick(T0);
    await r.engine.tick(T0 + 29_999);
    expect(r.erp.posts).toHaveLength(1);
    expect(r.erp.fetches).toHaveLength(1);
    expect(getEvent(r.db, id)?.status).toBe('ready');

    await r.engine.tick(T0 + 30_000);
    expect(r.erp.posts).toHaveLength(2);
    expect(getEvent(r.db, id)?.status).toBe('posted');
  });

  it('an ambiguous failure stays sending; read-back finds it posted, so it is never posted twice', async () => {
    const r = rig();
    const id = confirm(r.db);
    // The ERP commits the posting, then the response is lost.
    r.erp.requestScript.push(([item]) => {
      r.erp.documents.set(item!.eventId, documentNo(41));
      return new ErpError('socket hang up after request was sent', 'ambiguous');
    });

    await r.engine.tick(T0);
    expect(getEvent(r.db, id)?.status).toBe('sending');
    expect(erpState(r).state).toBe('disconnected');

    await r.engine.tick(T0);
    expect(r.erp.finds).toEqual([]);

    await r.engine.tick(T0 + AFTER_FIRST_BACKOFF);
    expect(r.erp.finds).toEqual([id]);
    expect(r.erp.posts).toHaveLength(1);
    expect(getEvent(r.db, id)).toMatchObject({ status: 'posted', erpDocument: documentNo(41).document });
    expect(erpState(r).state).toBe('connected');
  });

  it('an ambiguous failure the ERP never received is found missing by read-back, then posted once more', async () => {
    const r = rig();
    const id = confirm(r.db);
    r.erp.requestScript.push(() => new ErpError('timeout after 30 s', 'ambiguous'));

    await r.engine.tick(T0);
    expect(getEvent(r.db, id)?.status).toBe('sending');

    await r.engine.tick(T0 + AFTER_FIRST_BACKOFF);
    expect(r.erp.finds).toEqual([id]);
    expect(r.erp.posts.map((p) => p.eventId)).toEqual([id, id]);
    expect(getEvent(r.db, id)?.status).toBe('posted');
    const path = r.db.prepare('SELECT from_status, to_status FROM event_history WHERE event_id = ? ORDER BY id').all(id);
    expect(path).toEqual([
      { from_status: null, to_status: 'mapped' },
      { from_status: 'mapped', to_status: 'ready' },
      { from_status: 'ready', to_status: 'sending' },
      { from_status: 'sending', to_status: 'ready' },
      { from_status: 'ready', to_status: 'sending' },
      { from_status: 'sending', to_status: 'posted' },
    ]);
  });

  it('an event left sending by a crash is read back before anything is posted', async () => {
    const r = rig();
    const id = confirm(r.db);
    // Simulate the previous run: validated, marked sending, posted, then killed before recording it.
    await new SyncEngine({
      db: r.db, erp: { ...r.erp, postConfirmations: async () => { throw new Error('killed'); } }, orders: new OrderCache(r.db), plant: '1010', ordersRefreshS: 300,
      postIntervalMs: 1000, logger, connections: r.connections, connectionId: r.connectionId, onChange: () => undefined,
    }).tick(T0 - 1);
    expect(getEvent(r.db, id)?.status).toBe('sending');
    r.erp.documents.set(id, documentNo(77));

    await r.engine.tick(T0);
    expect(r.erp.finds).toEqual([id]);
    expect(r.erp.posts).toEqual([]);
    expect(getEvent(r.db, id)?.erpDocument).toBe(documentNo(77).document);
  });

  it('a failed order refresh marks the ERP disconnected and posts nothing', async () => {
    const r = rig();
    confirm(r.db);
    r.erp.fetchFailure = new ErpError('503 Service Unavailable (maintenance)', 'transient', { status: 503 });
    await r.engine.tick(T0);
    expect(r.erp.posts).toEqual([]);
    expect(erpState(r)).toEqual({ state: 'disconnected', lastError: '503 Service Unavailable (maintenance)' });
  });

  it('while the ERP is unreachable, still validates mapped events against the cached orders', async () => {
    const r = rig();
    await r.engine.tick(T0);
    expect(listOrders(r.db)).toHaveLength(2);

    // WAN goes down; new confirmations keep arriving. The cache is there to validate them offline, so the
    // supervisor can fix what the ERP would reject before it comes back.
    r.erp.fetchFailure = new ErpError('connect ETIMEDOUT', 'transient');
    const bad = confirm(r.db, { orderId: '9999999' });
    const good = confirm(r.db);
    await r.engine.tick(T0 + 600_000);

    expect(getEvent(r.db, bad)?.status).toBe('exception');
    expect(getEvent(r.db, good)?.status).toBe('ready');
  });
});
