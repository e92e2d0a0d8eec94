// Migration 0009 (exceptions workspace) on a real file built at the schema before it: an open exception keeps its
// rule rows, events waiting for approval stay findable by rule, and revision lookups use their index.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countExceptionsByRule, listOpenExceptions, moveEvent, openDatabase, type WritableDb } from '../../../local-store/index.js';
import { MIGRATIONS } from '../../../local-store/migrations/index.js';
import { migration0009 } from '../../../local-store/migrations/0009-exception-corrections.js';
import { confirmation } from '../domain/fixtures.js';
import { tempDir } from './tempDb.js';

const BEFORE_0009 = MIGRATIONS.indexOf(migration0009);
const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);

function buildBefore0009(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (let v = 0; v < BEFORE_0009; v++) {
    db.transaction(() => {
      MIGRATIONS[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  db.prepare(`INSERT INTO raw_message (id, idempotency_key, source, channel, payload, received_at, correlation_id, status) VALUES (1, 'k1', 'mes', 'c', '{}', ?, 'corr-1', 'mapped')`).run(T0);
  db.prepare(`INSERT INTO event (event_id, raw_id, kind, status, order_id, body, reasons, correlation_id, created_at, updated_at)
    VALUES ('ev-1', 1, 'confirmation', 'exception', '1000001', ?, ?, 'corr-1', ?, ?)`)
    .run(JSON.stringify(confirmation({ unit: 'KG' })), JSON.stringify([{ code: 'UNIT_MISMATCH', message: 'unit', fields: ['unit'] }]), T0, T0);
  db.close();
}

describe('migration 0010', () => {
  it('is the last migration, after the one before it', () => {
    expect(BEFORE_0009).toBeGreaterThan(0);
    expect(BEFORE_0009).toBe(MIGRATIONS.length - 1);
  });

  it('keeps an open exception and its rule, and keeps rules while it waits for approval', () => {
    const file = join(tempDir(), 'plantdesk.db');
    buildBefore0009(file);
    const db: WritableDb = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(countExceptionsByRule(db)).toEqual([{ rule: 'UNIT_MISMATCH', count: 1 }]);
      moveEvent(db, 'ev-1', { to: 'pending_approval', at: T0 + 1, actor: 'anna', reason: 'void requested' });
      expect(countExceptionsByRule(db)).toEqual([{ rule: 'UNIT_MISMATCH', count: 1 }]);
      expect(listOpenExceptions(db, { rule: 'UNIT_MISMATCH', status: 'pending_approval', limit: 10 }).map((e) => e.eventId)).toEqual(['ev-1']);
      moveEvent(db, 'ev-1', { to: 'voided', at: T0 + 2, actor: 'ben', reason: 'approved' });
      expect(countExceptionsByRule(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('finds an event\'s revisions through event_revision_event', () => {
    const file = join(tempDir(), 'plantdesk.db');
    const db = openDatabase(file);
    try {
      const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT * FROM event_revision WHERE event_id = ? ORDER BY id').all('ev-1') as { detail: string }[]).map((r) => r.detail).join(' ');
      expect(plan).toContain('USING INDEX event_revision_event');
    } finally {
      db.close();
    }
  });
});
