// One block per validation rule (domain/rules): each passes the good case and names its code, message and fields.
import { describe, expect, it } from 'vitest';
import {
  checkConfirmation, checkWithConversion, RULE_CODES, RULES, type CachedOrder, type ProductionOrder, type RuleContext,
} from '../../../domain/index.js';
import { createUnitTable } from '../../../domain/units.js';
import { confirmation, releasedOrder } from './fixtures.js';

function context(order: CachedOrder | ProductionOrder, extra: Partial<RuleContext> = {}): RuleContext {
  return { findOrder: (id) => (id === order.orderId ? order : undefined), ...extra };
}

function codes(...args: Parameters<typeof checkConfirmation>): string[] {
  return checkConfirmation(...args).map((v) => v.code);
}

describe('the rule catalogue', () => {
  it('has a title and the fields of every code', () => {
    for (const code of RULE_CODES) {
      expect(RULES[code].title.length).toBeGreaterThan(5);
      expect(RULES[code].fields.length).toBeGreaterThan(0);
    }
  });

  it('a clean confirmation of a released order passes every rule', () => {
    expect(checkConfirmation(confirmation({ workCenter: 'WC-10', material: 'MAT-1' }), context(releasedOrder()))).toEqual([]);
  });
});

describe('ORDER_UNKNOWN and ORDER_NOT_RELEASED', () => {
  it('an unknown order is the only violation', () => {
    expect(codes(confirmation({ orderId: '42', unit: 'KG' }), context(releasedOrder()))).toEqual(['ORDER_UNKNOWN']);
  });

  it('a closed order takes no confirmations, and the message says closed', () => {
    const [v] = checkConfirmation(confirmation(), context({ ...releasedOrder(), closed: true }));
    expect(v).toMatchObject({ code: 'ORDER_NOT_RELEASED', fields: ['orderId'] });
    expect(v?.message).toContain('closed');
  });
});

describe('OPERATION_UNKNOWN and WORK_CENTER_MISMATCH', () => {
  it('an operation the order does not have', () => {
    expect(codes(confirmation({ operation: '0099' }), context(releasedOrder()))).toEqual(['OPERATION_UNKNOWN']);
  });

  it('an operation reported from another work centre names both', () => {
    const [v] = checkConfirmation(confirmation({ workCenter: 'WC-20' }), context(releasedOrder()));
    expect(v).toMatchObject({ code: 'WORK_CENTER_MISMATCH', fields: ['workCenter', 'operation'] });
    expect(v?.message).toMatch(/WC-10.*WC-20/);
  });

  it('no work centre given: nothing to compare', () => {
    expect(codes(confirmation(), context(releasedOrder()))).toEqual([]);
  });
});

describe('MATERIAL_NOT_IN_ORDER', () => {
  const order: CachedOrder = { ...releasedOrder(), components: [{ material: 'COMP-7' }] };

  it('passes the header material and a component', () => {
    expect(codes(confirmation({ material: 'MAT-1' }), context(order))).toEqual([]);
    expect(codes(confirmation({ material: 'COMP-7' }), context(order))).toEqual([]);
  });

  it('refuses a material that is neither', () => {
    const [v] = checkConfirmation(confirmation({ material: 'MAT-9' }), context(order));
    expect(v).toMatchObject({ code: 'MATERIAL_NOT_IN_ORDER', fields: ['material'] });
    expect(v?.message).toContain('MAT-9');
  });
});

describe('UNIT_MISMATCH with the plant table and the material units', () => {
  it('a unit that no table converts stays a violation', () => {
    const check = checkWithConversion(confirmation({ unit: 'KG' }), context(releasedOrder()));
    expect(check.violations.map((v) => v.code)).toEqual(['UNIT_MISMATCH']);
    expect(check.converted).toBe(false);
  });

  it('the material units from the ERP convert BOX into PC for this order', () => {
    const order: CachedOrder = { ...releasedOrder(), materialUnits: [{ from: 'BOX', to: 'PC', factor: 12 }] };
    const check = checkWithConversion(confirmation({ unit: 'BOX', yieldQty: 3, scrapQty: 0 }), context(order));
    expect(check.violations).toEqual([]);
    expect(check.event).toMatchObject({ unit: 'PC', yieldQty: 36 });
  });

  it('material units chain with the plant table (BOX -> PC -> DZ)', () => {
    const plant = createUnitTable([{ from: 'DZ', to: 'PC', factor: 12 }]);
    if (!plant.ok) throw new Error('table');
    const order: CachedOrder = {
      ...releasedOrder({ unit: 'DZ', operations: [{ operation: '0010', workCenter: 'WC-10', unit: 'DZ', plannedQty: 100, confirmedYieldQty: 0 }] }),
      materialUnits: [{ from: 'BOX', to: 'PC', factor: 24 }],
    };
    const check = checkWithConversion(confirmation({ unit: 'BOX', yieldQty: 1, scrapQty: 0 }), context(order), plant.table);
    expect(check.violations).toEqual([]);
    expect(check.event).toMatchObject({ unit: 'DZ', yieldQty: 2 });
  });
});

describe('QUANTITY_ZERO', () => {
  it('yield and scrap both zero', () => {
    expect(codes(confirmation({ yieldQty: 0, scrapQty: 0 }), context(releasedOrder()))).toEqual(['QUANTITY_ZERO']);
  });
});

describe('QUANTITY_OVER_TOLERANCE', () => {
  const order = (confirmed: number): CachedOrder => ({
    ...releasedOrder({ operations: [{ operation: '0010', workCenter: 'WC-10', unit: 'PC', plannedQty: 1000, confirmedYieldQty: confirmed }] }),
    overDeliveryTolerancePct: 10,
  });

  it('passes up to planned x (1 + tolerance), counting what is confirmed and pending', () => {
    expect(codes(confirmation({ yieldQty: 100 }), context(order(900), { pendingYield: () => 100 }))).toEqual([]);
  });

  it('refuses beyond it, naming confirmed, pending and the limit', () => {
    const [v] = checkConfirmation(confirmation({ yieldQty: 101 }), context(order(900), { pendingYield: () => 100 }));
    expect(v).toMatchObject({ code: 'QUANTITY_OVER_TOLERANCE', fields: ['yieldQty'] });
    expect(v?.message).toMatch(/900 confirmed.*100 on the way.*1100/);
  });

  it('uses the configured default when the ERP gives no tolerance, and is off without either', () => {
    const plain = releasedOrder();
    expect(codes(confirmation({ yieldQty: 1001 }), context(plain))).toEqual([]);
    expect(codes(confirmation({ yieldQty: 1001 }), context(plain, { defaultOverDeliveryPct: 0 }))).toEqual(['QUANTITY_OVER_TOLERANCE']);
  });
});

describe('BATCH_MISSING', () => {
  const order: CachedOrder = { ...releasedOrder(), batchManaged: true };

  it('a batch-managed material needs a batch', () => {
    expect(checkConfirmation(confirmation(), context(order))).toEqual([expect.objectContaining({ code: 'BATCH_MISSING', fields: ['batch'] })]);
    expect(codes(confirmation({ batch: '   ' }), context(order))).toEqual(['BATCH_MISSING']);
  });

  it('passes with one, and never asks for a material that is not batch-managed', () => {
    expect(codes(confirmation({ batch: 'B-0001' }), context(order))).toEqual([]);
    expect(codes(confirmation(), context(releasedOrder()))).toEqual([]);
  });
});

describe('FINAL_ALREADY_CONFIRMED', () => {
  it('a second final on its way', () => {
    expect(codes(confirmation({ final: true }), context(releasedOrder(), { otherFinal: () => true }))).toEqual(['FINAL_ALREADY_CONFIRMED']);
  });

  it('a final the ERP already holds', () => {
    const order: CachedOrder = { ...releasedOrder(), finallyConfirmedOperations: ['0010'] };
    const [v] = checkConfirmation(confirmation({ final: true }), context(order));
    expect(v?.message).toContain('in the ERP');
  });

  it('a partial confirmation after a final is no second final', () => {
    expect(codes(confirmation({ final: false }), context(releasedOrder(), { otherFinal: () => true }))).toEqual([]);
    expect(codes(confirmation({ final: true }), context(releasedOrder(), { otherFinal: () => false }))).toEqual([]);
  });
});

describe('QUALITY_RESULT_MISSING', () => {
  it('a final without a quality result where the plant requires one', () => {
    const ctx = context(releasedOrder(), { qualityBeforeFinal: true, qualityRecorded: () => false });
    expect(checkConfirmation(confirmation({ final: true }), ctx)).toEqual([expect.objectContaining({ code: 'QUALITY_RESULT_MISSING', fields: ['final'] })]);
  });

  it('passes with a result, without the plant switch, or for a partial confirmation', () => {
    expect(codes(confirmation({ final: true }), context(releasedOrder(), { qualityBeforeFinal: true, qualityRecorded: () => true }))).toEqual([]);
    expect(codes(confirmation({ final: true }), context(releasedOrder(), { qualityBeforeFinal: false, qualityRecorded: () => false }))).toEqual([]);
    expect(codes(confirmation({ final: false }), context(releasedOrder(), { qualityBeforeFinal: true, qualityRecorded: () => false }))).toEqual([]);
  });
});
