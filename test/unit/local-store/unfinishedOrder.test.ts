// What holds an order's final confirmation back (the sync engine's order rule, local-store/events.ts): every
// event not yet posted or voided, including a correction waiting for a second supervisor's approval.
import { describe, expect, it } from 'vitest';
import type { EventStatus } from '../../../domain/index.js';
import { firstUnfinishedFinalId, getEvent, hasUnfinishedBefore, insertEvent, insertRawMessage, moveEvent, type WritableDb } from '../../../local-store/index.js';
import { confirmation } from '../domain/fixtures.js';
import { openTempDb } from './tempDb.js';

let seq = 0;
function add(db: WritableDb, orderId: string, final: boolean, path: readonly EventStatus[]): number {
  seq++;
  const rawId = insertRawMessage(db, { idempotencyKey: `uf-${seq}`, source: 'mes', channel: 't', payload: '{}', receivedAt: seq, correlationId: `c-${seq}`, status: 'mapped' });
  const eventId = `uf-ev-${seq}`;
  const [first, ...rest] = path;
  const reasons = first === 'exception' ? [{ code: 'UNIT_MISMATCH', message: 'unit', fields: ['unit'] }] : [];
  insertEvent(db, { eventId, rawId: rawId!, body: confirmation({ orderId, final }), status: first!, reasons, correlationId: `c-${seq}`, at: seq });
  for (const to of rest) moveEvent(db, eventId, { to, at: seq, actor: 'test', reason: `to ${to}`, ...(to === 'posted' ? { erpDocument: `D-${seq}` } : {}) });
  return getEvent(db, eventId)!.id;
}

describe('the order rule in the store', () => {
  it.each([
    [['mapped'], true], [['ready'], true], [['ready', 'sending'], true], [['exception'], true],
    [['exception', 'pending_approval'], true], [['ready', 'sending', 'posted'], false], [['exception', 'voided'], false],
  ] as const)('an earlier event that went %j holds the final back: %s', (path, holds) => {
    const db = openTempDb();
    add(db, '1000001', false, path);
    add(db, '1000002', false, ['ready']); // another order never holds this one
    const finalId = add(db, '1000001', true, ['ready']);
    expect(hasUnfinishedBefore(db, '1000001', finalId)).toBe(holds);
    expect(firstUnfinishedFinalId(db, '1000001')).toBe(finalId);
    db.close();
  });

  it('a final awaiting approval is still the order\'s first unfinished final', () => {
    const db = openTempDb();
    const finalId = add(db, '1000003', true, ['exception', 'pending_approval']);
    add(db, '1000003', false, ['ready']);
    expect(firstUnfinishedFinalId(db, '1000003')).toBe(finalId);
    db.close();
  });
});
