// A real SQLite file in a fresh temp directory per test (STYLE.md 6: no I/O beyond a temp SQLite file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openDatabase, type WritableDb } from '../../../local-store/index.js';

/** A temp directory removed when the current test finishes; call only inside a test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-unit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens (and migrates) a database file in a temp directory; closed and removed when the test finishes. */
export function openTempDb(): WritableDb {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-unit-'));
  const db = openDatabase(join(dir, 'plantdesk.db'));
  onTestFinished(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

export function countRows(db: WritableDb, table: 'raw_message' | 'event' | 'event_history' | 'erp_order'): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}
