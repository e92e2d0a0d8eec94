import { describe, expect, it } from 'vitest';
import { validateConfirmation, type ProductionOrder } from '../../../domain/index.js';
import { confirmation, releasedOrder } from './fixtures.js';

function lookup(...orders: ProductionOrder[]): (id: string) => ProductionOrder | undefined {
  return (id) => orders.find((o) => o.orderId === id);
}

function codes(...args: Parameters<typeof validateConfirmation>): string[] {
  return validateConfirmation(...args).map((v) => v.code);
}

describe('validateConfirmation', () => {
  it('passes a confirmation that matches a released order', () => {
    expect(validateConfirmation(confirmation(), lookup(releasedOrder()))).toEqual([]);
  });

  it('ORDER_UNKNOWN when the order is not in the cache, and nothing else', () => {
    const violations = validateConfirmation(confirmation({ orderId: '9999999' }), lookup(releasedOrder()));
    expect(violations).toEqual([{ code: 'ORDER_UNKNOWN', message: expect.stringContaining('9999999') as unknown, fields: ['orderId'] }]);
  });

  it('ORDER_NOT_RELEASED when the order is not released', () => {
    const violations = validateConfirmation(confirmation(), lookup(releasedOrder({ released: false })));
    expect(violations.map((v) => v.code)).toEqual(['ORDER_NOT_RELEASED']);
    expect(violations[0]?.message).toContain('not released');
  });

  it('ORDER_NOT_RELEASED when the order is technically completed, saying so', () => {
    const violations = validateConfirmation(confirmation(), lookup(releasedOrder({ technicallyCompleted: true })));
    expect(violations.map((v) => v.code)).toEqual(['ORDER_NOT_RELEASED']);
    expect(violations[0]?.message).toContain('technically completed');
  });

  it('OPERATION_UNKNOWN when the order has no such operation', () => {
    const violations = validateConfirmation(confirmation({ operation: '0030' }), lookup(releasedOrder()));
    expect(violations.map((v) => v.code)).toEqual(['OPERATION_UNKNOWN']);
    expect(violations[0]?.fields).toEqual(['operation']);
    expect(violations[0]?.message).toContain('0030');
  });

  it("UNIT_MISMATCH against the operation's unit", () => {
    const order = releasedOrder({ operations: [{ operation: '0010', workCenter: 'WC-10', unit: 'KG', plannedQty: 10, confirmedYieldQty: 0 }] });
    const violations = validateConfirmation(confirmation({ unit: 'PC' }), lookup(order));
    expect(violations.map((v) => v.code)).toEqual(['UNIT_MISMATCH']);
    expect(violations[0]?.message).toContain('KG');
  });

  it("UNIT_MISMATCH falls back to the order's unit when the operation is unknown", () => {
    expect(codes(confirmation({ operation: '0030', unit: 'KG' }), lookup(releasedOrder()))).toEqual(['OPERATION_UNKNOWN', 'UNIT_MISMATCH']);
    expect(codes(confirmation({ operation: '0030', unit: 'PC' }), lookup(releasedOrder()))).toEqual(['OPERATION_UNKNOWN']);
  });

  it('QUANTITY_ZERO when yield and scrap are both zero, but not when only scrap is reported', () => {
    const violations = validateConfirmation(confirmation({ yieldQty: 0, scrapQty: 0 }), lookup(releasedOrder()));
    expect(violations.map((v) => v.code)).toEqual(['QUANTITY_ZERO']);
    expect(violations[0]?.fields).toEqual(['yieldQty', 'scrapQty']);
    expect(codes(confirmation({ yieldQty: 0, scrapQty: 2 }), lookup(releasedOrder()))).toEqual([]);
  });

  it('reports every violation of a known order at once', () => {
    const event = confirmation({ operation: '0030', unit: 'KG', yieldQty: 0, scrapQty: 0 });
    expect(codes(event, lookup(releasedOrder({ released: false })))).toEqual(['ORDER_NOT_RELEASED', 'OPERATION_UNKNOWN', 'UNIT_MISMATCH', 'QUANTITY_ZERO']);
  });
});
