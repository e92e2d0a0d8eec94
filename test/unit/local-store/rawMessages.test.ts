import { describe, expect, it } from 'vitest';
import { countRawByKey, countRawByStatus, insertRawMessage, type RawMessageInput } from '../../../local-store/index.js';
import { openTempDb } from './tempDb.js';

function raw(overrides: Partial<RawMessageInput> = {}): RawMessageInput {
  return {
    idempotencyKey: 'mqtt:mes:m-1', source: 'mes', channel: 'plant/1010/L1/confirmation', payload: '{"messageId":"m-1"}',
    receivedAt: 1_700_000_000_000, correlationId: 'corr-1', status: 'mapped', ...overrides,
  };
}

describe('raw messages', () => {
  it('returns the new row id, and null for a key seen before, storing it once', () => {
    const db = openTempDb();
    const id = insertRawMessage(db, raw());
    expect(id).toEqual(expect.any(Number));
    expect(insertRawMessage(db, raw({ payload: 'redelivered', correlationId: 'corr-2' }))).toBeNull();
    expect(countRawByKey(db, 'mqtt:mes:m-1')).toBe(1);
    expect(db.prepare('SELECT payload, correlation_id FROM raw_message WHERE id = ?').get(id)).toEqual({ payload: '{"messageId":"m-1"}', correlation_id: 'corr-1' });
  });

  it('stores a different key as a new row, with its reject reason', () => {
    const db = openTempDb();
    const first = insertRawMessage(db, raw());
    const second = insertRawMessage(db, raw({ idempotencyKey: 'mqtt:mes:m-2', status: 'rejected', rejectReason: 'payload is not valid JSON' }));
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect(countRawByStatus(db, 'rejected')).toBe(1);
    expect(countRawByStatus(db, 'mapped')).toBe(1);
    expect(db.prepare('SELECT reject_reason FROM raw_message WHERE id = ?').get(second)).toEqual({ reject_reason: 'payload is not valid JSON' });
    expect(db.prepare('SELECT reject_reason FROM raw_message WHERE id = ?').get(first)).toEqual({ reject_reason: null });
  });
});
