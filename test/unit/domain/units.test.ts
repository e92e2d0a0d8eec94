import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_UNITS, convertConfirmation, createUnitTable, describeConversion, expectedUnitOf, roundQuantity, UnitConversionSchema,
  validateInOrderUnit, type UnitTable,
} from '../../../domain/units.js';
import { confirmation, releasedOrder } from './fixtures.js';

function table(lines: Parameters<typeof createUnitTable>[0]): UnitTable {
  const result = createUnitTable(lines);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.table;
}

describe('unit table', () => {
  it('knows the SI basics in both directions and through chains', () => {
    expect(BUILT_IN_UNITS.factor('G', 'KG')).toBe(0.001);
    expect(BUILT_IN_UNITS.factor('KG', 'G')).toBe(1000);
    expect(BUILT_IN_UNITS.factor('MG', 'KG')).toBeCloseTo(1e-6, 15);
    expect(BUILT_IN_UNITS.factor('TO', 'G')).toBeCloseTo(1e6, 6);
    expect(BUILT_IN_UNITS.factor('H', 'S')).toBeCloseTo(3600, 9);
    expect(BUILT_IN_UNITS.factor('ML', 'M3')).toBeCloseTo(1e-6, 15);
  });

  it('converts a unit into itself with factor 1, case-insensitively, and refuses different dimensions', () => {
    expect(BUILT_IN_UNITS.factor('kg', 'KG')).toBe(1);
    expect(BUILT_IN_UNITS.factor('kg', 'g')).toBe(1000);
    expect(BUILT_IN_UNITS.factor('KG', 'L')).toBeUndefined();
    expect(BUILT_IN_UNITS.factor('PC', 'KG')).toBeUndefined();
  });

  it("adds the plant's lines and chains them with the built-in ones", () => {
    const t = table([{ from: 'DZ', to: 'PC', factor: 12 }, { from: 'BAG', to: 'KG', factor: 25 }]);
    expect(t.factor('DZ', 'PC')).toBe(12);
    expect(t.factor('PC', 'DZ')).toBeCloseTo(1 / 12, 12);
    expect(t.factor('BAG', 'G')).toBeCloseTo(25_000, 6);
    expect(BUILT_IN_UNITS.factor('DZ', 'PC')).toBeUndefined();
  });

  it('reports a plant line that contradicts the table, or converts a unit into itself, by its index', () => {
    const result = createUnitTable([{ from: 'DZ', to: 'PC', factor: 12 }, { from: 'G', to: 'KG', factor: 0.01 }, { from: 'PC', to: 'PC', factor: 1 }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { index: 1, message: '1 G is already 0.001 KG in the table, not 0.01' },
      { index: 2, message: 'converts PC into itself' },
    ]);
  });

  it('accepts a plant line that repeats what the table says (within floating point)', () => {
    expect(createUnitTable([{ from: 'KG', to: 'MG', factor: 1e6 }]).ok).toBe(true);
  });

  it('validates configuration lines: positive finite factor, codes of up to 3 characters upper-cased', () => {
    expect(UnitConversionSchema.parse({ from: 'g', to: 'kg', factor: 0.001 })).toEqual({ from: 'G', to: 'KG', factor: 0.001 });
    expect(UnitConversionSchema.safeParse({ from: 'G', to: 'KG', factor: 0 }).success).toBe(false);
    expect(UnitConversionSchema.safeParse({ from: 'GRAM', to: 'KG', factor: 0.001 }).success).toBe(false);
    expect(UnitConversionSchema.safeParse({ from: 'G', to: 'KG', factor: 0.001, note: 'x' }).success).toBe(false);
  });
});

describe('convertConfirmation', () => {
  it('converts yield and scrap, keeping what was sent under original', () => {
    const converted = convertConfirmation(confirmation({ yieldQty: 1500, scrapQty: 20, unit: 'G' }), 'KG', BUILT_IN_UNITS);
    expect(converted).toMatchObject({ yieldQty: 1.5, scrapQty: 0.02, unit: 'KG', original: { yieldQty: 1500, scrapQty: 20, unit: 'G', factor: 0.001 } });
    expect(describeConversion(converted!)).toBe('1500 G as 1.5 KG (scrap 20 G as 0.02 KG)');
  });

  it('rounds to the 3 decimals the ERP takes', () => {
    expect(roundQuantity(0.0015)).toBe(0.002);
    expect(convertConfirmation(confirmation({ yieldQty: 1, scrapQty: 0, unit: 'G' }), 'KG', BUILT_IN_UNITS)?.yieldQty).toBe(0.001);
    expect(convertConfirmation(confirmation({ yieldQty: 7, scrapQty: 0, unit: 'MIN' }), 'H', BUILT_IN_UNITS)?.yieldQty).toBe(0.117);
  });

  it('does nothing when the unit already fits or no conversion exists', () => {
    expect(convertConfirmation(confirmation({ unit: 'PC' }), 'PC', BUILT_IN_UNITS)).toBeUndefined();
    expect(convertConfirmation(confirmation({ unit: 'PC' }), 'KG', BUILT_IN_UNITS)).toBeUndefined();
  });

  it('converting again starts from what was sent, so rounding never compounds', () => {
    const once = convertConfirmation(confirmation({ yieldQty: 1234, scrapQty: 0, unit: 'G' }), 'KG', BUILT_IN_UNITS)!;
    const twice = convertConfirmation(once, 'TO', BUILT_IN_UNITS)!;
    expect(twice).toMatchObject({ yieldQty: 0.001, unit: 'TO', original: { yieldQty: 1234, unit: 'G' } });
    expect(twice.original?.factor).toBeCloseTo(1e-6, 15);
  });
});

describe('validateInOrderUnit', () => {
  const kgOrder = releasedOrder({ unit: 'KG', operations: [{ operation: '0010', workCenter: 'WC-10', unit: 'KG', plannedQty: 100, confirmedYieldQty: 0 }] });

  it('converts a confirmation in a convertible unit instead of raising UNIT_MISMATCH', () => {
    const result = validateInOrderUnit(confirmation({ yieldQty: 1500, scrapQty: 0, unit: 'G' }), () => kgOrder);
    expect(result.violations).toEqual([]);
    expect(result.converted).toBe(true);
    expect(result.event).toMatchObject({ yieldQty: 1.5, unit: 'KG', original: { yieldQty: 1500, unit: 'G' } });
  });

  it('keeps UNIT_MISMATCH when the unit cannot be converted', () => {
    const result = validateInOrderUnit(confirmation({ unit: 'PC' }), () => kgOrder);
    expect(result.converted).toBe(false);
    expect(result.violations.map((v) => v.code)).toEqual(['UNIT_MISMATCH']);
    expect(result.event.unit).toBe('PC');
  });

  it("uses the plant's table, and the operation's unit before the order's", () => {
    const order = releasedOrder({ unit: 'KG', operations: [{ operation: '0010', workCenter: 'WC-10', unit: 'PC', plannedQty: 100, confirmedYieldQty: 0 }] });
    expect(expectedUnitOf(order, '0010')).toBe('PC');
    expect(expectedUnitOf(order, '0099')).toBe('KG');
    const plant = table([{ from: 'DZ', to: 'PC', factor: 12 }]);
    const result = validateInOrderUnit(confirmation({ yieldQty: 2, scrapQty: 0, unit: 'DZ' }), () => order, plant);
    expect(result.violations).toEqual([]);
    expect(result.event).toMatchObject({ yieldQty: 24, unit: 'PC' });
  });

  it('leaves an unknown order as ORDER_UNKNOWN without converting', () => {
    const result = validateInOrderUnit(confirmation({ unit: 'G' }), () => undefined);
    expect(result.converted).toBe(false);
    expect(result.violations.map((v) => v.code)).toEqual(['ORDER_UNKNOWN']);
  });
});
