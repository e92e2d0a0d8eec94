// The queue counts kept by TEMP triggers (statusCounts.ts) always equal a fresh COUNT(*) GROUP BY status.
import { describe, expect, it } from 'vitest';
import {
  countEventsByStatus, insertEvent, insertRawMessage, maintainStatusCounts, transitionEvent, type WritableDb,
} from '../../../local-store/index.js';
import type { EventStatus } from '../../../domain/index.js';
import { confirmation } from '../domain/fixtures.js';
import { openTempDb } from './tempDb.js';

let seq = 0;
function addEvent(db: WritableDb, status: EventStatus): string {
  seq++;
  const rawId = insertRawMessage(db, { idempotencyKey: `sc-${seq}`, source: 'mes', channel: 't', payload: '{}', receivedAt: seq, correlationId: `c-${seq}`, status: 'mapped' });
  const eventId = `sc-ev-${seq}`;
  insertEvent(db, { eventId, rawId: rawId!, body: confirmation(), status, correlationId: `c-${seq}`, at: seq });
  return eventId;
}

function scanned(db: WritableDb): Record<string, number> {
  const counts: Record<string, number> = { mapped: 0, ready: 0, exception: 0, sending: 0, posted: 0, voided: 0, recorded: 0, pending_approval: 0 };
  for (const row of db.prepare('SELECT status, COUNT(*) AS n FROM event GROUP BY status').all() as { status: string; n: number }[]) counts[row.status] = row.n;
  return counts;
}

describe('maintained status counts', () => {
  it('start from the rows already there and follow inserts, transitions, deletes and rollbacks', () => {
    const db = openTempDb();
    addEvent(db, 'mapped');
    const ready = addEvent(db, 'ready');
    maintainStatusCounts(db);
    maintainStatusCounts(db); // idempotent
    expect(countEventsByStatus(db)).toEqual(scanned(db));
    expect(countEventsByStatus(db)).toMatchObject({ mapped: 1, ready: 1 });

    const more = [addEvent(db, 'ready'), addEvent(db, 'exception')];
    transitionEvent(db, ready, { to: 'sending', at: 10, actor: 'system' });
    transitionEvent(db, ready, { to: 'posted', at: 11, actor: 'erp', erpDocument: '1/1' });
    expect(countEventsByStatus(db)).toEqual(scanned(db));
    expect(countEventsByStatus(db)).toMatchObject({ mapped: 1, ready: 1, exception: 1, posted: 1 });

    // A write that rolls back takes its count with it.
    expect(() => db.transaction(() => {
      addEvent(db, 'ready');
      transitionEvent(db, more[0]!, { to: 'sending', at: 12, actor: 'system' });
      throw new Error('rolled back');
    })()).toThrow('rolled back');
    expect(countEventsByStatus(db)).toEqual(scanned(db));

    db.prepare("DELETE FROM event_history WHERE event_id IN (SELECT event_id FROM event WHERE status = 'posted')").run();
    db.prepare("DELETE FROM event WHERE status = 'posted'").run();
    expect(countEventsByStatus(db)).toEqual(scanned(db));
    expect(countEventsByStatus(db).posted).toBe(0);
  });

  it('are not used by a connection that did not ask for them', () => {
    const db = openTempDb();
    addEvent(db, 'ready');
    expect(countEventsByStatus(db).ready).toBe(1);
    expect(db.prepare("SELECT COUNT(*) AS n FROM temp.sqlite_master WHERE name = 'event_status_count'").get()).toEqual({ n: 0 });
  });
});
