// The ERP simulator's OData building blocks: $filter and key predicate parsing, Edm encodings.
import { describe, it, expect } from 'vitest';
import { formatDecimal, parseDateTime, parseDecimal } from '../../../sim/erp/edm.js';
import { ODataError } from '../../../sim/erp/odataError.js';
import { checkFilter, matchesFilter, parseFilter, parseKeyPredicate, type PropertyKinds } from '../../../sim/erp/odataFilter.js';

describe('parseFilter', () => {
  it('parses eq clauses joined by and, with escaped quotes and guid literals', () => {
    expect(parseFilter("Plant eq '1010' and Text eq 'it''s' and Id eq guid'3F2C0000-0000-0000-0000-0000000000AB' and Done eq true")).toEqual([
      { field: 'Plant', literal: { kind: 'string', value: '1010' } },
      { field: 'Text', literal: { kind: 'string', value: "it's" } },
      { field: 'Id', literal: { kind: 'guid', value: '3f2c0000-0000-0000-0000-0000000000ab' } },
      { field: 'Done', literal: { kind: 'boolean', value: true } },
    ]);
  });

  it.each([
    "Plant ne '1010'",
    "Plant eq '1010' or Plant eq '2020'",
    "(Plant eq '1010')",
    "substringof('10', Plant)",
    "Plant eq '1010",
    "Plant eq 1010",
    "Id eq guid'not-a-guid'",
    "Plant eq '1010' and",
    '',
  ])('rejects %j with a 400 ODataError', (text) => {
    const attempt = (): unknown => parseFilter(text);
    expect(attempt).toThrow(ODataError);
    try {
      attempt();
    } catch (error) {
      expect((error as ODataError).status).toBe(400);
    }
  });

  it('checks properties and literal types against the entity type', () => {
    const kinds: PropertyKinds = new Map([['Plant', 'string'], ['Id', 'guid']]);
    expect(() => checkFilter(parseFilter("Plant eq '1010'"), kinds, 'T')).not.toThrow();
    expect(() => checkFilter(parseFilter("Plnt eq '1010'"), kinds, 'T')).toThrow(/Plnt not found/);
    expect(() => checkFilter(parseFilter("Id eq '3f2c0000-0000-0000-0000-0000000000ab'"), kinds, 'T')).toThrow(/Edm.Guid/);
  });

  it('matches guids case-insensitively and strings exactly', () => {
    const entity = { Plant: '1010', Id: '3f2c0000-0000-0000-0000-0000000000ab' };
    expect(matchesFilter(entity, parseFilter("Id eq guid'3F2C0000-0000-0000-0000-0000000000AB'"))).toBe(true);
    expect(matchesFilter(entity, parseFilter("Plant eq '1010 '"))).toBe(false);
  });
});

describe('parseKeyPredicate', () => {
  it('reads single and named keys', () => {
    expect(parseKeyPredicate("'1000001'").get('')).toEqual({ kind: 'string', value: '1000001' });
    const keys = parseKeyPredicate("ConfirmationGroup='0000100001',ConfirmationCount='00000002'");
    expect(keys.get('ConfirmationGroup')?.kind === 'string' && keys.get('ConfirmationGroup')?.value).toBe('0000100001');
    expect(keys.get('ConfirmationCount')).toEqual({ kind: 'string', value: '00000002' });
  });

  it.each(["'1'junk", "A='1',", "A=1", "=''"])('rejects %j', (text) => {
    expect(() => parseKeyPredicate(text)).toThrow(ODataError);
  });
});

describe('Edm encodings', () => {
  it('keeps decimals exact in thousandths and formats them with scale 3', () => {
    expect(parseDecimal('12.5')).toBe(12_500);
    expect(parseDecimal('0.001')).toBe(1);
    expect(formatDecimal((parseDecimal('0.1') ?? 0) + (parseDecimal('0.2') ?? 0))).toBe('0.300');
    for (const bad of ['', 'abc', '-1', '1e3', '1.2345', '12345678901', ' 1', '1.']) expect(parseDecimal(bad), bad).toBeUndefined();
  });

  it('reads /Date(ms)/ with or without offset and the ISO form', () => {
    expect(parseDateTime('/Date(1735689600000)/')).toBe(1_735_689_600_000);
    expect(parseDateTime('/Date(1735689600000+0000)/')).toBe(1_735_689_600_000);
    expect(parseDateTime('2025-01-01T00:00:00')).toBe(1_735_689_600_000);
    expect(parseDateTime('yesterday')).toBeUndefined();
  });
});
