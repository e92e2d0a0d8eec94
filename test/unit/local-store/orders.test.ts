import { describe, expect, it } from 'vitest';
import { lastOrdersFetch, listOrders, replaceOrders } from '../../../local-store/index.js';
import { releasedOrder } from '../domain/fixtures.js';
import { countRows, openTempDb } from './tempDb.js';

describe('ERP order cache', () => {
  it('has no orders and no fetch time before the first fetch', () => {
    const db = openTempDb();
    expect(listOrders(db)).toEqual([]);
    expect(lastOrdersFetch(db)).toBeNull();
  });

  it('replaceOrders stores the list (sorted by order id) and the fetch time', () => {
    const db = openTempDb();
    const b = releasedOrder({ orderId: '1000002' });
    const a = releasedOrder({ orderId: '1000001' });
    replaceOrders(db, [b, a], 1_700_000_000_000);
    expect(listOrders(db)).toEqual([a, b]);
    expect(lastOrdersFetch(db)).toBe(1_700_000_000_000);
  });

  it('replaces the whole list, dropping orders the ERP no longer returns', () => {
    const db = openTempDb();
    replaceOrders(db, [releasedOrder({ orderId: '1' }), releasedOrder({ orderId: '2' })], 1000);
    replaceOrders(db, [releasedOrder({ orderId: '2', released: false })], 2000);
    expect(listOrders(db)).toEqual([releasedOrder({ orderId: '2', released: false })]);
    expect(lastOrdersFetch(db)).toBe(2000);
  });

  it('an empty list still records the fetch time', () => {
    const db = openTempDb();
    replaceOrders(db, [releasedOrder()], 1000);
    replaceOrders(db, [], 5000);
    expect(listOrders(db)).toEqual([]);
    expect(countRows(db, 'erp_order')).toBe(0);
    expect(lastOrdersFetch(db)).toBe(5000);
  });

  it('a failing replace leaves the previous list in place', () => {
    const db = openTempDb();
    replaceOrders(db, [releasedOrder({ orderId: '1' })], 1000);
    // Two orders with the same id violate the primary key halfway through the replace.
    expect(() => replaceOrders(db, [releasedOrder({ orderId: '2' }), releasedOrder({ orderId: '2' })], 2000)).toThrow(/UNIQUE/);
    expect(listOrders(db).map((o) => o.orderId)).toEqual(['1']);
    expect(lastOrdersFetch(db)).toBe(1000);
  });
});
