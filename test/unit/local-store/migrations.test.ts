// Migration from every earlier schema version, on real files: a database is built at version k the way the
// PlantDesk of that version built it (migrations 1..k, WAL), filled with representative rows, then opened by the
// current code. Its rows must be intact, the new columns and tables must work, and a backup of the file as it was
// must exist. Plus the hot queries of issue 4 and their plans (STYLE.md 3: EXPLAIN QUERY PLAN ... USING INDEX).
import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendAudit, countExceptionsByRule, getEvent, insertEvent, insertRawMessage, listBackups, listEventsByStatus, listExceptionsByRule,
  MigrationBackupError, moveEvent, NewerDatabaseError, oldestPendingCreatedAt, openAndMigrate, openDatabase, readChangesAfter, readEnterpriseCursor, verifyAudit,
  type WritableDb,
} from '../../../local-store/index.js';
import { MIGRATIONS } from '../../../local-store/migrations/index.js';
import { confirmation } from '../domain/fixtures.js';
import { openTempDb, tempDir } from './tempDb.js';

const LATEST = MIGRATIONS.length;
const T0 = Date.UTC(2025, 0, 6, 6, 0, 0);
const UNIT_MISMATCH = [{ code: 'UNIT_MISMATCH', message: 'Unit KG does not match the order unit PC.', fields: ['unit'] }];

/** A file at schema `version`, made as that version's PlantDesk made it (no auto_vacuum, WAL, one transaction per step). */
function buildAtVersion(file: string, version: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  for (let v = 0; v < version; v++) {
    db.transaction(() => {
      MIGRATIONS[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

function tableColumns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/** Rows of every kind the schema at `version` holds, written with SQL of that schema. */
function fillRepresentativeRows(db: Database.Database, version: number): void {
  const raw = db.prepare(`INSERT INTO raw_message (id, idempotency_key, source, channel, payload, received_at, correlation_id, status, reject_reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  raw.run(1, 'mqtt:mes:m-1', 'mes', 'plant/1010/L1/confirmation', '{"orderId":"1000001"}', T0, 'corr-1', 'mapped', null);
  raw.run(2, 'mqtt:mes:m-2', 'mes', 'plant/1010/L1/confirmation', '{"orderId":"1000001","unit":"KG"}', T0 + 1, 'corr-2', 'mapped', null);
  raw.run(3, 'mqtt:mes:m-3', 'mes', 'plant/1010/L1/confirmation', '{"orderId":"1000002"}', T0 + 2, 'corr-3', 'mapped', null);
  raw.run(4, 'mqtt:mes:m-4', 'mes', 'plant/1010/L1/confirmation', 'not json', T0 + 3, 'corr-4', 'rejected', 'payload is not JSON');
  raw.run(5, 'opcua:plc-1:ns=1;s=L1.GoodCount:1736143200000', 'plc-1', 'ns=1;s=L1.GoodCount', '1234', T0 + 4, 'corr-5', 'telemetry', null);
  const event = db.prepare(`INSERT INTO event (event_id, raw_id, kind, status, order_id, body, reasons, erp_document, correlation_id, created_at, updated_at)
    VALUES (?, ?, 'confirmation', ?, ?, ?, ?, ?, ?, ?, ?)`);
  event.run('ev-ready', 1, 'ready', '1000001', JSON.stringify(confirmation()), '[]', null, 'corr-1', T0, T0 + 10);
  event.run('ev-exception', 2, 'exception', '1000001', JSON.stringify(confirmation({ unit: 'KG' })), JSON.stringify(UNIT_MISMATCH), null, 'corr-2', T0 + 1, T0 + 11);
  event.run('ev-posted', 3, 'posted', '1000002', JSON.stringify(confirmation({ orderId: '1000002' })), '[]', '00000123/0001', 'corr-3', T0 + 2, T0 + 12);
  const history = db.prepare('INSERT INTO event_history (event_id, from_status, to_status, at, actor, reason, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
  history.run('ev-ready', null, 'ready', T0, 'system', 'received and validated', 'corr-1');
  history.run('ev-exception', null, 'exception', T0 + 1, 'system', 'received and validated', 'corr-2');
  history.run('ev-posted', null, 'ready', T0 + 2, 'system', 'received and validated', 'corr-3');
  history.run('ev-posted', 'ready', 'sending', T0 + 12, 'system', 'posting to the ERP', 'corr-3');
  history.run('ev-posted', 'sending', 'posted', T0 + 12, 'erp', 'posted', 'corr-3');
  db.prepare("INSERT INTO setting (key, value) VALUES ('orders_fetched_at', ?)").run(String(T0));
  db.prepare('INSERT INTO erp_order (order_id, body, fetched_at) VALUES (?, ?, ?)').run('1000001', '{"orderId":"1000001","unit":"PC"}', T0);
  if (version >= 2) {
    appendAudit(db as WritableDb, { at: T0, actor: 'local-console', action: 'certificate.trust', subject: 'sha256:ab12', after: { endpoint: 'opc.tcp://plc:4840' }, reason: 'checked on the HMI' });
    db.prepare('INSERT INTO counter_state (source, node_id, value, source_time, updated_at) VALUES (?, ?, ?, ?, ?)').run('plc-1', 'ns=1;s=L1.GoodCount', 1234, T0, T0);
  }
  if (version >= 3) {
    db.prepare('INSERT INTO counter_accumulator (source, line, order_id, good, scrap, first_received_at, first_source_time, last_source_time, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('plc-1', 'L1', '1000001', 17, 2, T0, T0, T0 + 5, 4);
  }
  if (version >= 4) {
    db.prepare("UPDATE raw_message SET mapping_version = 'mes-json-v1', payload_bytes = length(payload) WHERE id IN (1, 2, 3)").run();
    db.prepare("INSERT INTO raw_message (id, idempotency_key, source, channel, payload, received_at, correlation_id, status, reject_reason, payload_encoding, payload_bytes, payload_truncated) VALUES (6, 'mqtt:mes:m-6', 'mes', 'x', '//79', ?, 'corr-6', 'rejected', 'not UTF-8', 'base64', 3, 0)").run(T0 + 5);
    db.prepare("UPDATE event SET mapping_version = 'mes-json-v1'").run();
  }
  if (version >= 5) {
    db.prepare('INSERT INTO enterprise_cursor (id, history_id, sequence, published_at, started_at) VALUES (1, 1, 1, ?, ?)').run(T0 + 20, T0);
  }
}

type Snapshot = Record<string, Record<string, unknown>[]>;

/** rowid, or the primary key's columns for a WITHOUT ROWID table (event_exception_rule, schema 6). */
function rowOrder(db: Database.Database, table: string): string {
  const withoutRowid = (db.prepare('SELECT wr FROM pragma_table_list WHERE name = ?').get(table) as { wr: number } | undefined)?.wr === 1;
  if (!withoutRowid) return 'rowid';
  return (db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').all(table) as { name: string }[]).map((c) => c.name).join(', ');
}

function snapshot(db: Database.Database): Snapshot {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY ${rowOrder(db, t)}`).all() as Record<string, unknown>[]]));
}

/** The rows of `before`, read now with only the columns they had then. */
function sameColumnsNow(db: Database.Database, before: Snapshot): Snapshot {
  return Object.fromEntries(Object.entries(before).map(([table, rows]) => {
    const columns = rows[0] ? Object.keys(rows[0]) : tableColumns(db, table);
    return [table, db.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${rowOrder(db, table)}`).all() as Record<string, unknown>[]];
  }));
}

describe('migration from every earlier schema version, data preserved', () => {
  // Every version a file in the field can have: 1 .. LATEST - 1 (0 is a new file, see database.test.ts).
  const earlier = Array.from({ length: LATEST - 1 }, (_, i) => i + 1);

  it.each(earlier)('schema %i -> current', (version) => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const old = buildAtVersion(file, version);
    fillRepresentativeRows(old, version);
    const before = snapshot(old);
    expect(old.pragma('auto_vacuum', { simple: true })).toBe(0);
    old.close();

    const { db, migration } = openAndMigrate(file, { now: () => T0 + 60_000 });
    try {
      expect(migration).toMatchObject({ from: version, to: LATEST, autoVacuumConverted: true });
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      // Converted once by the VACUUM after migrating, so retention can give pages back.
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);

      // Every row of every table, with the columns it had, unchanged.
      expect(sameColumnsNow(db, before)).toEqual(before);

      // New columns read their defaults on old rows (schema 4).
      const kept = db.prepare('SELECT payload_encoding, payload_truncated FROM raw_message WHERE id = 1').get();
      expect(kept).toEqual({ payload_encoding: 'utf8', payload_truncated: 0 });

      // The current code reads and writes the migrated file.
      expect(listEventsByStatus(db, 'ready', 10).map((e) => [e.eventId, e.body])).toEqual([['ev-ready', confirmation()]]);
      expect(getEvent(db, 'ev-posted')?.erpDocument).toBe('00000123/0001');
      expect(oldestPendingCreatedAt(db)).toBe(T0);
      // Schema 6 found the rule codes in the JSON reasons of the existing exception.
      expect(countExceptionsByRule(db)).toEqual([{ rule: 'UNIT_MISMATCH', count: 1 }]);
      expect(listExceptionsByRule(db, 'UNIT_MISMATCH', 10).map((e) => e.eventId)).toEqual(['ev-exception']);
      moveEvent(db, 'ev-exception', { to: 'ready', at: T0 + 100, actor: 'local-console', reason: 'unit corrected', reasons: [] });
      expect(countExceptionsByRule(db)).toEqual([]);
      const rawId = insertRawMessage(db, {
        idempotencyKey: 'mqtt:mes:m-new', source: 'mes', channel: 'plant/1010/L1/confirmation', payload: '{}', receivedAt: T0 + 200,
        correlationId: 'corr-new', status: 'mapped', mappingVersion: 'mes-json-v1', payloadBytes: 2,
      });
      expect(rawId).not.toBeNull();
      insertEvent(db, { eventId: 'ev-new', rawId: rawId!, body: confirmation(), status: 'exception', reasons: UNIT_MISMATCH, correlationId: 'corr-new', at: T0 + 200 });
      expect(countExceptionsByRule(db)).toEqual([{ rule: 'UNIT_MISMATCH', count: 1 }]);
      // A redelivery is still stored once: the idempotency key stayed unique.
      expect(insertRawMessage(db, { idempotencyKey: 'mqtt:mes:m-1', source: 'mes', channel: 'c', payload: '{}', receivedAt: T0, correlationId: 'x', status: 'mapped' })).toBeNull();
      if (version >= 2) expect(verifyAudit(db)).toEqual({ ok: true, entries: 1 });
      if (version >= 5) {
        // The enterprise cursor kept its place: the changes after it are still to be published.
        expect(readEnterpriseCursor(db)).toEqual({ historyId: 1, sequence: 1, publishedAt: T0 + 20, startedAt: T0 });
        expect(readChangesAfter(db, 1, 2).map((r) => [r.id, r.eventId, r.to])).toEqual([[2, 'ev-exception', 'exception'], [3, 'ev-posted', 'ready']]);
      }
    } finally {
      db.close();
    }

    // The file as it was, before the first migration ran: schema `version`, every row.
    const backups = listBackups(join(dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatchObject({ kind: 'premigration', schemaVersion: version, at: T0 + 60_000 });
    expect(migration?.backupFile).toBe(backups[0]!.file);
    const copy = new Database(backups[0]!.file, { readonly: true });
    try {
      expect(copy.pragma('user_version', { simple: true })).toBe(version);
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      expect(snapshot(copy)).toEqual(before);
    } finally {
      copy.close();
    }
  });

  it('takes no backup for a new file or one already current', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const first = openAndMigrate(file);
    expect(first.migration).toMatchObject({ from: 0, to: LATEST, backupFile: null });
    // A new file gets incremental auto-vacuum from its first page, no VACUUM needed.
    expect(first.db.pragma('auto_vacuum', { simple: true })).toBe(2);
    first.db.close();
    const second = openAndMigrate(file);
    expect(second.migration).toBeNull();
    second.db.close();
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('does not migrate when the backup cannot be written, and leaves the file as it was', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const old = buildAtVersion(file, 2);
    fillRepresentativeRows(old, 2);
    old.close();
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the backup folder should be');

    expect(() => openDatabase(file, { backupDir: blocked })).toThrow(MigrationBackupError);
    expect(() => openDatabase(file, { backupDir: blocked })).toThrow(/schema upgrade stopped before it began/);
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(2);
      expect((check.prepare('SELECT COUNT(*) AS n FROM event').get() as { n: number }).n).toBe(3);
    } finally {
      check.close();
    }
  });

  it('refuses a file of a newer schema with data, writing nothing and taking no backup', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const newer = buildAtVersion(file, LATEST);
    fillRepresentativeRows(newer, LATEST);
    newer.pragma(`user_version = ${LATEST + 1}`);
    newer.close();

    expect(() => openDatabase(file)).toThrow(NewerDatabaseError);
    expect(() => openDatabase(file)).toThrow(`schema ${LATEST + 1}; this version knows up to ${LATEST}`);
    expect(listBackups(join(dir, 'backups'))).toEqual([]);
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(LATEST + 1);
      expect(check.pragma('auto_vacuum', { simple: true })).toBe(0);
    } finally {
      check.close();
    }
  });
});

describe('hot queries use their indexes (EXPLAIN QUERY PLAN)', () => {
  function plan(db: WritableDb, sql: string, ...params: unknown[]): string {
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
  }

  // The statements exactly as local-store runs them.
  const QUERIES = {
    nextReady: 'SELECT * FROM event WHERE status = ? ORDER BY id LIMIT ?',
    countsPerStatus: 'SELECT status, COUNT(*) AS n FROM event GROUP BY status',
    oldestPending: `SELECT MIN(t) AS t FROM (
      SELECT (SELECT created_at FROM event WHERE status = 'mapped' ORDER BY id LIMIT 1) AS t
      UNION ALL SELECT (SELECT created_at FROM event WHERE status = 'ready' ORDER BY id LIMIT 1)
      UNION ALL SELECT (SELECT created_at FROM event WHERE status = 'sending' ORDER BY id LIMIT 1))`,
    exceptionsByRule: 'SELECT rule, COUNT(*) AS count FROM event_exception_rule GROUP BY rule ORDER BY rule',
    exceptionsOfRule: `SELECT e.event_id FROM event_exception_rule r JOIN event e ON e.id = r.event_row
    WHERE r.rule = ? ORDER BY r.event_row LIMIT ?`,
    purgeFinished: `SELECT id, event_id, raw_id FROM event INDEXED BY event_finished_updated
      WHERE status IN ('posted', 'voided') AND updated_at < ? ORDER BY updated_at LIMIT ?`,
    purgeTelemetry: "SELECT id, received_at FROM raw_message WHERE status = 'telemetry' ORDER BY id LIMIT ?",
    purgeHistory: 'DELETE FROM event_history WHERE event_id = ?',
    purgeRaw: "DELETE FROM raw_message WHERE id = ? AND status <> 'rejected' AND NOT EXISTS (SELECT 1 FROM event WHERE raw_id = ?)",
  };

  it('next ready events, in arrival order (so per production order too): event_status_order, no sort', () => {
    const p = plan(openTempDb(), QUERIES.nextReady, 'ready', 50);
    expect(p).toMatch(/SEARCH event USING INDEX event_status_order \(status=\?\)/);
    expect(p).not.toContain('TEMP B-TREE');
  });

  it('counts per status: the covering index, grouped in index order', () => {
    const p = plan(openTempDb(), QUERIES.countsPerStatus);
    expect(p).toMatch(/USING COVERING INDEX event_status_order/);
    expect(p).not.toContain('TEMP B-TREE');
  });

  it('oldest pending age: one index lookup per pending status', () => {
    const p = plan(openTempDb(), QUERIES.oldestPending);
    expect(p.match(/SEARCH event USING INDEX event_status_order \(status=\?\)/g)).toHaveLength(3);
    expect(p).not.toMatch(/SCAN event\b|TEMP B-TREE/);
  });

  it('exceptions by rule: counted from event_exception_rule in key order; one rule\'s exceptions by key', () => {
    const db = openTempDb();
    const counts = plan(db, QUERIES.exceptionsByRule);
    expect(counts).toMatch(/SCAN event_exception_rule/);
    expect(counts).not.toContain('TEMP B-TREE');
    const one = plan(db, QUERIES.exceptionsOfRule, 'UNIT_MISMATCH', 20);
    expect(one).toMatch(/SEARCH r USING PRIMARY KEY \(rule=\?\)/);
    expect(one).toMatch(/SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(one).not.toContain('TEMP B-TREE');
  });

  it('retention visits finished events only (partial index), telemetry in id order, and deletes by key', () => {
    const db = openTempDb();
    const finished = plan(db, QUERIES.purgeFinished, T0, 500);
    expect(finished).toMatch(/SEARCH event USING INDEX event_finished_updated \(updated_at<\?\)/);
    expect(finished).not.toContain('TEMP B-TREE');
    const telemetry = plan(db, QUERIES.purgeTelemetry, 500);
    expect(telemetry).toMatch(/SEARCH raw_message USING (COVERING )?INDEX raw_message_status \(status=\?\)/);
    expect(telemetry).not.toContain('TEMP B-TREE');
    expect(plan(db, QUERIES.purgeHistory, 'ev-1')).toMatch(/USING (COVERING )?INDEX event_history_event \(event_id=\?\)/);
    const raw = plan(db, QUERIES.purgeRaw, 1, 1);
    expect(raw).toMatch(/SEARCH raw_message USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(raw).toMatch(/SEARCH event USING COVERING INDEX event_raw_id \(raw_id=\?\)/);
  });
});
