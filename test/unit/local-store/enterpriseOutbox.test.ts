// The enterprise outbox: event history after a durable cursor. Which changes are published, what a change carries,
// a cursor that starts at the newest change when publishing is first configured and moves forward only.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, EventStatus } from '../../../domain/index.js';
import {
  countPublishableAfter, insertEvent, insertRawMessage, isPublishable, moveEnterpriseCursor, openDatabase, openEnterpriseCursor, readChangesAfter,
  readEnterpriseCursor, transitionEvent, updateEventBody, type EnterpriseFilter, type HistoryChange, type WritableDb,
} from '../../../local-store/index.js';
import { migration0005 } from '../../../local-store/migrations/0005-enterprise-cursor.js';
import { confirmation, quality } from '../domain/fixtures.js';
import { openTempDb, tempDir } from './tempDb.js';

const DEFAULT: EnterpriseFilter = { statuses: ['ready', 'exception', 'recorded'], kinds: ['confirmation', 'quality'] };

let n = 0;
function addEvent(db: WritableDb, status: EventStatus, at: number, body: CanonicalEvent = confirmation()): string {
  n++;
  const rawId = insertRawMessage(db, { idempotencyKey: `k-${n}`, source: 'mes', channel: 't', payload: '{}', receivedAt: at, correlationId: `corr-${n}`, status: 'mapped' });
  if (rawId === null) throw new Error('duplicate key in test setup');
  insertEvent(db, { eventId: `ev-${n}`, rawId, body, status, correlationId: `corr-${n}`, at });
  return `ev-${n}`;
}

const published = (db: WritableDb, filter: EnterpriseFilter = DEFAULT, after = 0): [string, string][] =>
  readChangesAfter(db, after, 1000).filter((c) => isPublishable(c, filter)).map((c) => [c.eventId, c.to]);

describe('enterprise outbox: the changes', () => {
  it('carries every status change in history order, with the event as stored now', () => {
    const db = openTempDb();
    const id = addEvent(db, 'mapped', 1000);
    updateEventBody(db, id, confirmation({ yieldQty: 7 }), 1500);
    transitionEvent(db, id, { to: 'ready', at: 2000, actor: 'system', reasons: [] });
    transitionEvent(db, id, { to: 'sending', at: 3000, actor: 'system' });
    transitionEvent(db, id, { to: 'posted', at: 4000, actor: 'erp', erpDocument: '0000000012/00000003' });

    const changes = readChangesAfter(db, 0, 10);
    expect(changes.map((c) => [c.eventId, c.from, c.to, c.at])).toEqual([
      [id, null, 'mapped', 1000], [id, 'mapped', 'ready', 2000], [id, 'ready', 'sending', 3000], [id, 'sending', 'posted', 4000],
    ]);
    expect(changes.map((c) => c.id)).toEqual([...changes.map((c) => c.id)].sort((a, b) => a - b));
    expect(new Set(changes.map((c) => c.id)).size).toBe(4);
    expect(changes[3]).toMatchObject({ correlationId: `corr-${n}`, event: { kind: 'confirmation', erpDocument: '0000000012/00000003', receivedAt: 1000, reasons: '[]' } });
    expect(JSON.parse(changes[1]!.event!.body)).toEqual(confirmation({ yieldQty: 7 }));
    expect(readChangesAfter(db, changes[1]!.id, 1).map((c) => c.to)).toEqual(['sending']);
  });

  it('publishes reaching the configured statuses, never sending, nor the retry sending -> ready', () => {
    const db = openTempDb();
    const id = addEvent(db, 'mapped', 1000);
    transitionEvent(db, id, { to: 'ready', at: 2000, actor: 'system', reasons: [] });
    transitionEvent(db, id, { to: 'sending', at: 3000, actor: 'system' });
    transitionEvent(db, id, { to: 'ready', at: 4000, actor: 'system', reason: 'transient ERP failure' });
    transitionEvent(db, id, { to: 'sending', at: 5000, actor: 'system' });
    transitionEvent(db, id, { to: 'exception', at: 6000, actor: 'erp', reasons: [{ code: 'ERP:X', message: 'no', fields: [] }] });
    transitionEvent(db, id, { to: 'ready', at: 7000, actor: 'local-console', reason: 'corrected', reasons: [] });
    const q = addEvent(db, 'recorded', 8000, quality());
    expect(published(db)).toEqual([[id, 'ready'], [id, 'exception'], [id, 'ready'], [q, 'recorded']]);
    expect(published(db, { statuses: ['posted', 'sending', 'mapped'], kinds: ['confirmation'] })).toEqual([[id, 'mapped']]);
    expect(published(db, { statuses: ['ready', 'recorded'], kinds: ['quality'] })).toEqual([[q, 'recorded']]);
  });

  it('shows a change whose event was purged with no event, and does not publish it', () => {
    const db = openTempDb();
    const id = addEvent(db, 'recorded', 1000, quality());
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM event WHERE event_id = ?').run(id);
    const [change] = readChangesAfter(db, 0, 10);
    expect(change).toMatchObject({ eventId: id, to: 'recorded', event: null });
    expect(isPublishable(change as HistoryChange, DEFAULT)).toBe(false);
  });

  it('counts the publishable changes after a position and dates the oldest', () => {
    const db = openTempDb();
    const a = addEvent(db, 'ready', 1000);
    transitionEvent(db, a, { to: 'sending', at: 1500, actor: 'system' });
    transitionEvent(db, a, { to: 'ready', at: 1600, actor: 'system' });
    addEvent(db, 'mapped', 2000);
    addEvent(db, 'recorded', 3000, quality());
    addEvent(db, 'exception', 4000);
    expect(countPublishableAfter(db, 0, DEFAULT)).toEqual({ count: 3, oldestAt: 1000 });
    const first = readChangesAfter(db, 0, 1)[0]!.id;
    expect(countPublishableAfter(db, first, DEFAULT)).toEqual({ count: 2, oldestAt: 3000 });
    expect(countPublishableAfter(db, first, { statuses: ['exception'], kinds: ['confirmation'] })).toEqual({ count: 1, oldestAt: 4000 });
    expect(countPublishableAfter(db, 10_000, DEFAULT)).toEqual({ count: 0, oldestAt: null });
  });
});

describe('enterprise cursor', () => {
  it('starts at the newest change when publishing is first configured, and stays where it is after that', () => {
    const db = openTempDb();
    expect(readEnterpriseCursor(db)).toBeNull();
    addEvent(db, 'recorded', 1000, quality());
    const newest = readChangesAfter(db, 0, 10).at(-1)!.id;
    expect(openEnterpriseCursor(db, 5000)).toEqual({ historyId: newest, sequence: 0, publishedAt: null, startedAt: 5000 });
    const later = addEvent(db, 'recorded', 6000, quality());
    expect(openEnterpriseCursor(db, 7000)).toEqual({ historyId: newest, sequence: 0, publishedAt: null, startedAt: 5000 });
    expect(published(db, DEFAULT, newest)).toEqual([[later, 'recorded']]);
  });

  it('moves forward only', () => {
    const db = openTempDb();
    openEnterpriseCursor(db, 1000);
    moveEnterpriseCursor(db, 10, 9, 2000);
    moveEnterpriseCursor(db, 5, 5, 3000);
    expect(readEnterpriseCursor(db)).toEqual({ historyId: 10, sequence: 9, publishedAt: 2000, startedAt: 1000 });
    moveEnterpriseCursor(db, 12, 9, 4000);
    expect(readEnterpriseCursor(db)).toEqual({ historyId: 12, sequence: 9, publishedAt: 4000, startedAt: 1000 });
  });

  it('survives a reopen of the file', () => {
    const file = join(tempDir(), 'plantdesk.db');
    const first = openDatabase(file);
    openEnterpriseCursor(first, 1000);
    moveEnterpriseCursor(first, 3, 2, 2000);
    first.close();
    const second = openDatabase(file);
    try {
      expect(openEnterpriseCursor(second, 9000)).toEqual({ historyId: 3, sequence: 2, publishedAt: 2000, startedAt: 1000 });
    } finally {
      second.close();
    }
  });

  it('migration 0005 can run twice, and the outbox read walks the history by its primary key', () => {
    const db = new Database(join(tempDir(), 'x.db'));
    try {
      db.exec('CREATE TABLE event (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, kind TEXT, body TEXT, reasons TEXT, erp_document TEXT, created_at INTEGER);'
        + 'CREATE TABLE event_history (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, from_status TEXT, to_status TEXT NOT NULL, at INTEGER NOT NULL, correlation_id TEXT NOT NULL);'
        + 'CREATE INDEX event_history_event ON event_history(event_id);');
      migration0005(db);
      expect(() => migration0005(db)).not.toThrow();
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT h.id, e.kind, e.body FROM event_history h LEFT JOIN event e ON e.event_id = h.event_id
        WHERE h.id > ? ORDER BY h.id LIMIT ?`).all(0, 10) as { detail: string }[]).map((p) => p.detail).join(' | ');
      expect(plan).toMatch(/SEARCH h USING INTEGER PRIMARY KEY \(rowid>\?\)/);
      expect(plan).toMatch(/SEARCH e USING INDEX sqlite_autoindex_event_1/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    } finally {
      db.close();
    }
  });
});
