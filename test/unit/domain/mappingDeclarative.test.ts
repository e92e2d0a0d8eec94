import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildCanonicalEvent, declarativeMappingSchema, type BuildContext } from '../../../domain/mapping/declarative.js';

const context: BuildContext = {
  type: 'confirmation',
  plant: '1010',
  expressions: { line: '$topicLevels[2]', orderId: 'order.id', operation: 'op', yieldQty: 'qty.good', scrapQty: 'qty.bad', unit: 'qty.uom', end: 'ts' },
  units: { pcs: 'PC', stk: 'PC' },
};

function values(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { line: 'L1', orderId: '1000001', operation: '10', yieldQty: 12, scrapQty: 1, unit: 'pcs', end: '2026-11-25T10:00:00Z', ...overrides };
}

function reasonOf(result: ReturnType<typeof buildCanonicalEvent>): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

describe('buildCanonicalEvent', () => {
  it('builds a confirmation: plant from the configuration, unit alias applied, defaults filled, operation padded', () => {
    const result = buildCanonicalEvent(values({ scrapQty: undefined }), context, 'msg-1');
    expect(result).toEqual({
      ok: true, sourceId: 'msg-1',
      event: { kind: 'confirmation', plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', yieldQty: 12, scrapQty: 0, unit: 'PC', final: false, end: '2026-11-25T10:00:00Z' },
    });
  });

  it('leaves sourceId out when the mapping reads no message id', () => {
    const result = buildCanonicalEvent(values(), context);
    expect(result.ok && 'sourceId' in result).toBe(false);
  });

  it('treats JSON null as absent, so an optional field may be null and a required one is missing', () => {
    expect(buildCanonicalEvent(values({ workCenter: null }), context).ok).toBe(true);
    expect(reasonOf(buildCanonicalEvent(values({ orderId: null }), context))).toBe('orderId (order.id) is missing in the message');
  });

  it('names field, expression and value of every problem in one reason', () => {
    const reason = reasonOf(buildCanonicalEvent(values({ yieldQty: 'NaN', scrapQty: -1, end: 'yesterday' }), context, 'm'));
    expect(reason).toContain('yieldQty (qty.good) Invalid input: expected number, received string, got "NaN"');
    expect(reason).toContain('scrapQty (qty.bad) must not be negative, got -1');
    expect(reason).toContain('end (ts)');
    expect(reason.split('; ')).toHaveLength(3);
  });

  it('rejects Infinity and NaN values by name', () => {
    expect(reasonOf(buildCanonicalEvent(values({ yieldQty: Infinity }), context))).toMatch(/yieldQty \(qty\.good\) .*Infinity/);
    expect(reasonOf(buildCanonicalEvent(values({ yieldQty: Number.NaN }), context))).toMatch(/yieldQty \(qty\.good\) .*NaN/);
  });

  it('keeps the source id on a rejection, so a rejected message is still de-duplicated', () => {
    const result = buildCanonicalEvent(values({ yieldQty: -5 }), context, 'msg-9');
    expect(result).toMatchObject({ ok: false, sourceId: 'msg-9' });
  });

  it('builds a quality result, keeping a null defect code', () => {
    const result = buildCanonicalEvent(
      { line: 'L1', orderId: '1000001', operation: '0010', characteristic: 'DIAMETER', value: 12.01, passed: true, defectCode: null, inspectedAt: '2026-11-25T10:00:00Z' },
      { type: 'quality', plant: '1010', expressions: {}, units: {} },
    );
    expect(result.ok && result.event).toMatchObject({ kind: 'quality', passed: true, defectCode: null, plant: '1010' });
  });
});

describe('declarativeMappingSchema', () => {
  const schema = declarativeMappingSchema(z.string().min(1));

  it('accepts a mapping with the required fields and fills units', () => {
    const parsed = schema.parse({ version: 2, type: 'confirmation', fields: context.expressions });
    expect(parsed).toMatchObject({ version: 2, type: 'confirmation', units: {} });
  });

  it('names an unknown field with the fields it could be, and every missing required field', () => {
    const result = schema.safeParse({ version: 1, type: 'confirmation', fields: { orderId: 'a', qty: 'b' } });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues[0]).toMatch(/^fields\.qty: is not a field of a confirmation \(fields: plant, line, orderId/);
    expect(issues[1]).toBe('fields: has no line; a confirmation needs line, orderId, operation, yieldQty, unit, end');
    expect(issues).toHaveLength(6);
  });

  it('refuses unknown keys and a version that is not a positive integer or a short name', () => {
    expect(schema.safeParse({ version: 1, type: 'quality', fields: {}, extra: 1 }).success).toBe(false);
    expect(schema.safeParse({ version: 0, type: 'confirmation', fields: context.expressions }).success).toBe(false);
    expect(schema.safeParse({ version: '2026-11 fix', type: 'confirmation', fields: context.expressions }).success).toBe(false);
    expect(schema.safeParse({ version: '2026-11.fix', type: 'confirmation', fields: context.expressions }).success).toBe(true);
  });
});
