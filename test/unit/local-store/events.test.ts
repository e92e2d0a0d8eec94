import { describe, expect, it } from 'vitest';
import {
  countEventsByStatus, getEvent, IllegalTransitionError, insertEvent, insertRawMessage, listEventsByStatus, listRecentEvents,
  oldestPendingCreatedAt, transitionEvent, type WritableDb,
} from '../../../local-store/index.js';
import type { CanonicalEvent, EventStatus } from '../../../domain/index.js';
import { confirmation } from '../domain/fixtures.js';
import { countRows, openTempDb } from './tempDb.js';

let seq = 0;
function addEvent(db: WritableDb, status: EventStatus, at: number, body: CanonicalEvent = confirmation()): string {
  seq++;
  const rawId = insertRawMessage(db, {
    idempotencyKey: `k-${seq}`, source: 'mes', channel: 't', payload: '{}', receivedAt: at, correlationId: `corr-${seq}`, status: 'mapped',
  });
  if (rawId === null) throw new Error('duplicate key in test setup');
  const eventId = `ev-${seq}`;
  insertEvent(db, { eventId, rawId, body, status, correlationId: `corr-${seq}`, at });
  return eventId;
}

interface HistoryRow { from_status: string | null; to_status: string; at: number; actor: string; reason: string | null; correlation_id: string }
function history(db: WritableDb, eventId: string): HistoryRow[] {
  return db.prepare('SELECT from_status, to_status, at, actor, reason, correlation_id FROM event_history WHERE event_id = ? ORDER BY id').all(eventId) as HistoryRow[];
}

describe('events', () => {
  it('insertEvent stores the body and a first history row', () => {
    const db = openTempDb();
    const id = addEvent(db, 'mapped', 1000);
    const stored = getEvent(db, id);
    expect(stored).toMatchObject({ eventId: id, kind: 'confirmation', status: 'mapped', orderId: '1000001', reasons: [], erpDocument: null, createdAt: 1000, updatedAt: 1000 });
    expect(stored?.body).toEqual(confirmation());
    expect(history(db, id)).toEqual([{ from_status: null, to_status: 'mapped', at: 1000, actor: 'system', reason: 'received', correlation_id: stored?.correlationId }]);
  });

  it('transitionEvent writes a history row for every change, with reasons and the ERP document', () => {
    const db = openTempDb();
    const id = addEvent(db, 'mapped', 1000);
    transitionEvent(db, id, { to: 'ready', at: 2000, actor: 'system', reason: 'validated', reasons: [] });
    transitionEvent(db, id, { to: 'sending', at: 3000, actor: 'system' });
    const posted = transitionEvent(db, id, { to: 'posted', at: 4000, actor: 'erp', reason: 'posted', erpDocument: '0000000012/00000003' });

    expect(posted).toMatchObject({ status: 'posted', updatedAt: 4000, createdAt: 1000, erpDocument: '0000000012/00000003' });
    expect(history(db, id).map((h) => [h.from_status, h.to_status, h.at, h.actor, h.reason])).toEqual([
      [null, 'mapped', 1000, 'system', 'received'],
      ['mapped', 'ready', 2000, 'system', 'validated'],
      ['ready', 'sending', 3000, 'system', null],
      ['sending', 'posted', 4000, 'erp', 'posted'],
    ]);
  });

  it('keeps earlier reasons unless a transition brings new ones', () => {
    const db = openTempDb();
    const id = addEvent(db, 'mapped', 1000);
    const reasons = [{ code: 'UNIT_MISMATCH', message: 'Unit KG does not match', fields: ['unit'] }];
    transitionEvent(db, id, { to: 'exception', at: 2000, actor: 'system', reasons });
    expect(transitionEvent(db, id, { to: 'voided', at: 3000, actor: 'supervisor', reason: 'duplicate' }).reasons).toEqual(reasons);
  });

  it('refuses an illegal transition with IllegalTransitionError, leaving the row and history unchanged', () => {
    const db = openTempDb();
    const id = addEvent(db, 'ready', 1000);
    const before = getEvent(db, id);
    const historyBefore = countRows(db, 'event_history');

    expect(() => transitionEvent(db, id, { to: 'posted', at: 2000, actor: 'erp', erpDocument: 'X' })).toThrow(IllegalTransitionError);
    expect(() => transitionEvent(db, id, { to: 'posted', at: 2000, actor: 'erp' })).toThrow(/cannot move from ready to posted/);
    expect(getEvent(db, id)).toEqual(before);
    expect(countRows(db, 'event_history')).toBe(historyBefore);
  });

  it('refuses any transition out of posted', () => {
    const db = openTempDb();
    const id = addEvent(db, 'posted', 1000);
    expect(() => transitionEvent(db, id, { to: 'ready', at: 2000, actor: 'system' })).toThrow(IllegalTransitionError);
    expect(getEvent(db, id)?.status).toBe('posted');
  });

  it('refuses to transition an event that does not exist', () => {
    const db = openTempDb();
    expect(() => transitionEvent(db, 'nope', { to: 'ready', at: 1, actor: 'system' })).toThrow(/does not exist/);
    expect(countRows(db, 'event_history')).toBe(0);
  });

  it('countEventsByStatus returns every status, zero-filled', () => {
    const db = openTempDb();
    expect(countEventsByStatus(db)).toEqual({ mapped: 0, ready: 0, exception: 0, sending: 0, posted: 0, voided: 0, recorded: 0, pending_approval: 0 });
    addEvent(db, 'ready', 1);
    addEvent(db, 'ready', 2);
    addEvent(db, 'exception', 3);
    expect(countEventsByStatus(db)).toEqual({ mapped: 0, ready: 2, exception: 1, sending: 0, posted: 0, voided: 0, recorded: 0, pending_approval: 0 });
  });

  it('listEventsByStatus returns the oldest first, only that status, up to the limit', () => {
    const db = openTempDb();
    const a = addEvent(db, 'ready', 100, confirmation({ orderId: '2000002' }));
    addEvent(db, 'exception', 150);
    const b = addEvent(db, 'ready', 200, confirmation({ orderId: '1000001' }));
    const c = addEvent(db, 'ready', 300, confirmation({ orderId: '2000002' }));
    expect(listEventsByStatus(db, 'ready', 10).map((e) => e.eventId)).toEqual([a, b, c]);
    expect(listEventsByStatus(db, 'ready', 2).map((e) => e.eventId)).toEqual([a, b]);
    expect(listEventsByStatus(db, 'posted', 10)).toEqual([]);
  });

  it('listRecentEvents returns the most recently updated first, optionally by status', () => {
    const db = openTempDb();
    const a = addEvent(db, 'mapped', 100);
    const b = addEvent(db, 'mapped', 200);
    transitionEvent(db, a, { to: 'ready', at: 300, actor: 'system' });
    expect(listRecentEvents(db, 10).map((e) => e.eventId)).toEqual([a, b]);
    expect(listRecentEvents(db, 10, 'mapped').map((e) => e.eventId)).toEqual([b]);
    expect(listRecentEvents(db, 1).map((e) => e.eventId)).toEqual([a]);
  });

  it('oldestPendingCreatedAt counts mapped, ready and sending only', () => {
    const db = openTempDb();
    expect(oldestPendingCreatedAt(db)).toBeNull();
    addEvent(db, 'posted', 50);
    addEvent(db, 'exception', 60);
    expect(oldestPendingCreatedAt(db)).toBeNull();
    addEvent(db, 'sending', 300);
    addEvent(db, 'ready', 200);
    expect(oldestPendingCreatedAt(db)).toBe(200);
  });
});
