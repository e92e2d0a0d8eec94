import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NewerDatabaseError, openDatabase } from '../../../local-store/index.js';
import { MIGRATIONS } from '../../../local-store/migrations/index.js';
import { openTempDb, tempDir } from './tempDb.js';

describe('openDatabase', () => {
  it('uses WAL and synchronous=FULL, so a commit survives a power cut', () => {
    const db = openTempDb();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('migrates a new file to user_version = number of migrations', () => {
    const db = openTempDb();
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['app_session', 'app_user', 'audit_log', 'counter_accumulator', 'counter_state', 'enterprise_cursor', 'erp_order', 'event', 'event_exception_rule', 'event_history', 'event_revision', 'exception_approval', 'raw_message', 'reconciliation_finding', 'reconciliation_run', 'setting', 'sync_posting', 'sync_posting_event']);
  });

  it('reopens a migrated file without running the migrations again, keeping its data', () => {
    const file = join(tempDir(), 'plantdesk.db');
    const first = openDatabase(file);
    first.prepare("INSERT INTO setting (key, value) VALUES ('k', 'v')").run();
    first.close();
    // A second run of migration 0001 would fail on CREATE TABLE of an existing table.
    const second = openDatabase(file);
    try {
      expect(second.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(second.prepare("SELECT value FROM setting WHERE key = 'k'").get()).toEqual({ value: 'v' });
    } finally {
      second.close();
    }
  });

  it('refuses a database written by a newer PlantDesk, and leaves it untouched', () => {
    const file = join(tempDir(), 'plantdesk.db');
    const newer = new Database(file);
    newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    newer.close();

    let thrown: unknown;
    try {
      openDatabase(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NewerDatabaseError);
    expect((thrown as NewerDatabaseError).message).toMatch(/newer/);
    expect((thrown as NewerDatabaseError).found).toBe(MIGRATIONS.length + 1);
    expect((thrown as NewerDatabaseError).supported).toBe(MIGRATIONS.length);

    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
      expect(check.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
  });
});

describe('migration 0001: the hot queries use their index', () => {
  function plan(sql: string, ...params: unknown[]): string {
    const db = openTempDb();
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
  }

  const NEXT_BY_STATUS = 'SELECT * FROM event WHERE status = ? ORDER BY id LIMIT ?';

  it('the sync engine\'s "oldest N of a status" query searches event_status_order', () => {
    expect(plan(NEXT_BY_STATUS, 'ready', 50)).toMatch(/USING (COVERING )?INDEX event_status_order/);
  });

  it('the sync engine\'s "oldest N of a status" query needs no sort of every row of that status', () => {
    // event_status_order is (status, order_id, id): ordering by id after status = ? cannot come from it,
    // so each call sorts the whole backlog of that status in a temp B-tree to return the first N.
    expect(plan(NEXT_BY_STATUS, 'ready', 50)).not.toContain('TEMP B-TREE');
  });
});
