import { describe, expect, it } from 'vitest';
import { mapMesMessage, mapMesMessageInTwoSteps, peekMessageId } from '../../../domain/index.js';
import { mesConfirmation, mesQuality, without } from './fixtures.js';

function rejectionOf(type: 'confirmation' | 'quality', payload: string): { reason: string; sourceId?: string } {
  const result = mapMesMessage(type, payload);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result;
}

describe('mapMesMessage: confirmation', () => {
  it('maps a valid confirmation, padding the operation to 4 digits and upper-casing the unit', () => {
    const result = mapMesMessage('confirmation', JSON.stringify(mesConfirmation()));
    expect(result).toEqual({
      ok: true,
      sourceId: 'mes-0001',
      event: {
        kind: 'confirmation', plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', workCenter: 'WC-10',
        material: 'MAT-1', yieldQty: 120, scrapQty: 3, unit: 'PC', final: false,
        start: '2025-03-04T06:00:00Z', end: '2025-03-04T07:00:00Z',
      },
    });
  });

  it('defaults scrap to 0 and final to false when the MES leaves them out', () => {
    const result = mapMesMessage('confirmation', JSON.stringify(without(without(mesConfirmation(), 'scrap'), 'final')));
    expect(result.ok && result.event.kind === 'confirmation' && [result.event.scrapQty, result.event.final]).toEqual([0, false]);
  });

  it('rejects a payload that is not JSON, saying so', () => {
    const rejection = rejectionOf('confirmation', '{"messageId": "mes-1", ');
    expect(rejection.reason).toMatch(/^payload is not valid JSON/);
    expect(rejection.sourceId).toBeUndefined();
  });

  it('rejects a yield sent as a string, naming the MES field yield', () => {
    const rejection = rejectionOf('confirmation', JSON.stringify(mesConfirmation({ yield: '120' })));
    expect(rejection.reason).toMatch(/\byield\b/);
    expect(rejection.reason).toMatch(/number/);
    // The message id is still read, so a rejected message can be traced and de-duplicated.
    expect(rejection.sourceId).toBe('mes-0001');
  });

  it('rejects a negative quantity', () => {
    const rejection = rejectionOf('confirmation', JSON.stringify(mesConfirmation({ scrap: -1 })));
    expect(rejection.reason).toMatch(/scrap/i);
    expect(rejection.reason).toMatch(/negative/);
  });

  it('names the MES field of a negative quantity (scrap), not the canonical one the MES never sent (scrapQty)', () => {
    expect(rejectionOf('confirmation', JSON.stringify(mesConfirmation({ scrap: -1 }))).reason).toMatch(/\bscrap\b/);
    expect(rejectionOf('confirmation', JSON.stringify(mesConfirmation({ yield: -5 }))).reason).toMatch(/\byield\b/);
  });

  it('rejects Infinity (1e999 parses to Infinity; NaN cannot be written in JSON)', () => {
    const payload = JSON.stringify(mesConfirmation({ yield: 0 })).replace('"yield":0', '"yield":1e999');
    expect((JSON.parse(payload) as { yield: number }).yield).toBe(Infinity);
    expect(rejectionOf('confirmation', payload).reason).toMatch(/\byield\b/);
  });

  it('rejects an order id longer than the 12 characters the ERP allows, naming orderId', () => {
    const rejection = rejectionOf('confirmation', JSON.stringify(mesConfirmation({ orderId: '1234567890123' })));
    expect(rejection.reason).toContain('orderId');
    expect(rejection.reason).toContain('12 characters');
  });

  it('accepts an order id of exactly 12 characters', () => {
    expect(mapMesMessage('confirmation', JSON.stringify(mesConfirmation({ orderId: '123456789012' }))).ok).toBe(true);
  });

  it('accepts ISO 8601 times with a UTC offset, as a plant MES on local time sends them', () => {
    const result = mapMesMessage('confirmation', JSON.stringify(mesConfirmation({ start: '2025-03-04T07:00:00+01:00', end: '2025-03-04T08:00:00+01:00' })));
    expect(result.ok ? 'mapped' : result.reason).toBe('mapped');
  });

  it('rejects an end time that is not a date, naming end', () => {
    expect(rejectionOf('confirmation', JSON.stringify(mesConfirmation({ end: 'yesterday' }))).reason).toMatch(/\bend\b/);
  });

  it('rejects an operation that is not up to 4 digits, naming operation', () => {
    const rejection = rejectionOf('confirmation', JSON.stringify(mesConfirmation({ operation: '00010' })));
    expect(rejection.reason).toContain('operation');
  });

  it('rejects a message without messageId, naming it, and has no source id to offer', () => {
    const rejection = rejectionOf('confirmation', JSON.stringify(without(mesConfirmation(), 'messageId')));
    expect(rejection.reason).toContain('messageId');
    expect(rejection.sourceId).toBeUndefined();
  });

  it('names every wrong field in one reason', () => {
    const rejection = rejectionOf('confirmation', JSON.stringify(mesConfirmation({ yield: 'a lot', unit: 7 })));
    expect(rejection.reason).toMatch(/\byield\b.*; .*\bunit\b|\bunit\b.*; .*\byield\b/);
  });

  it('rejects a JSON value that is not an object', () => {
    expect(rejectionOf('confirmation', '42').reason).toMatch(/object/);
  });
});

describe('mapMesMessage: quality', () => {
  it('maps result pass to passed = true', () => {
    const result = mapMesMessage('quality', JSON.stringify(mesQuality({ result: 'pass' })));
    expect(result.ok && result.event).toMatchObject({ kind: 'quality', passed: true, operation: '0010', characteristic: 'DIAMETER' });
  });

  it('maps result fail to passed = false and keeps the defect code', () => {
    const result = mapMesMessage('quality', JSON.stringify(mesQuality({ result: 'fail', value: 12.4, defectCode: 'OVERSIZE' })));
    expect(result.ok && result.event).toMatchObject({ kind: 'quality', passed: false, defectCode: 'OVERSIZE', value: 12.4 });
  });

  it('rejects a result other than pass or fail, naming result', () => {
    expect(rejectionOf('quality', JSON.stringify(mesQuality({ result: 'ok' }))).reason).toContain('result');
  });

  it('rejects a confirmation payload sent on a quality topic', () => {
    const rejection = rejectionOf('quality', JSON.stringify(mesConfirmation()));
    expect(rejection.reason).toContain('characteristic');
  });
});

describe('peekMessageId', () => {
  it('reads a trimmed message id and nothing from invalid JSON or non-objects', () => {
    expect(peekMessageId(JSON.stringify({ messageId: '  m-7  ' }))).toBe('m-7');
    expect(peekMessageId('not json')).toBeUndefined();
    expect(peekMessageId('null')).toBeUndefined();
    expect(peekMessageId(JSON.stringify({ messageId: 7 }))).toBeUndefined();
  });
});

describe('mapMesMessage: the one-pass check gives what the two steps give', () => {
  // Each field replaced by values of the wrong type, out of range, empty or missing, plus extra fields: the fast
  // path may only ever accept what the two steps accept, with the same event, and must leave the reason to them.
  const oddValues: unknown[] = [undefined, null, '', '  ', 'x', '120', 0, -1, 1.5, 1e308, true, false, [], {}, 'pass', 'fail', '10', '12345', 'toolongvalue-1234567890',
    '2025-03-04T07:00:00Z', '2025-03-04 07:00', '1000000000001', ' 1000001 ', 'kg', 'KGM'];
  const variants = (base: Record<string, unknown>): Record<string, unknown>[] => [
    base,
    { ...base, extra: 'ignored', nested: { a: 1 } },
    ...Object.keys(base).flatMap((key) => oddValues.map((value) => ({ ...base, [key]: value }))),
  ];
  const payloads = (base: Record<string, unknown>): string[] => [...variants(base).map((v) => JSON.stringify(v)), '[]', 'null', '42', '"text"'];

  it('confirmations', () => {
    const all = payloads(mesConfirmation());
    let accepted = 0;
    for (const payload of all) {
      const twoSteps = mapMesMessageInTwoSteps('confirmation', payload);
      expect(mapMesMessage('confirmation', payload), payload).toEqual(twoSteps);
      if (twoSteps.ok) accepted++;
    }
    // Both outcomes are exercised: otherwise the comparison above could pass with either path broken.
    expect(accepted).toBeGreaterThan(10);
    expect(all.length - accepted).toBeGreaterThan(100);
  });

  it('quality results', () => {
    const all = payloads(mesQuality());
    let accepted = 0;
    for (const payload of all) {
      const twoSteps = mapMesMessageInTwoSteps('quality', payload);
      expect(mapMesMessage('quality', payload), payload).toEqual(twoSteps);
      if (twoSteps.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(10);
    expect(all.length - accepted).toBeGreaterThan(100);
  });
});
