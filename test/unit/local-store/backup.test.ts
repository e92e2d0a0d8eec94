// Backups: consistent copies while the store is in use, named by time and kind, written whole or not at all,
// pruned to `keep`; and the agent's schedule around them (main/agent/maintenance.ts).
import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BackupAbortedError, backupFileName, listBackups, onlineBackup, openDatabase, PREMIGRATION_KEEP, pruneBackups, vacuumInto, type WritableDb,
} from '../../../local-store/index.js';
import { StoreSchema } from '../../../main/agent/config/storeSchema.js';
import { createLogger } from '../../../main/agent/logger.js';
import { StoreMaintenance } from '../../../main/agent/maintenance.js';
import { addEvent, count } from './storeRows.js';
import { openTempDb, tempDir } from './tempDb.js';

const T0 = Date.UTC(2025, 2, 4, 6, 0, 0);
const HOUR = 3_600_000;

function rowsIn(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    return (db.prepare('SELECT COUNT(*) AS n FROM event').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function fill(db: WritableDb, n: number, at = T0): void {
  db.transaction(() => {
    for (let i = 0; i < n; i++) addEvent(db, 'ready', at + i, 1000);
  })();
}

describe('backup files', () => {
  it('names backups by time and kind, and lists them newest first, ignoring anything else', () => {
    const dir = tempDir();
    expect(backupFileName(T0)).toBe('plantdesk-20250304T060000000Z.backup.db');
    expect(backupFileName(T0, 4)).toBe('plantdesk-20250304T060000000Z-schema4.backup.db');
    for (const name of [backupFileName(T0), backupFileName(T0 + HOUR, 3), backupFileName(T0 + 2 * HOUR), 'notes.txt', `${backupFileName(T0 + 3 * HOUR)}.partial`, `${backupFileName(T0)}-wal`]) {
      writeFileSync(join(dir, name), 'x');
    }
    expect(listBackups(dir).map((b) => [b.kind, b.at, b.schemaVersion])).toEqual([
      ['scheduled', T0 + 2 * HOUR, undefined], ['premigration', T0 + HOUR, 3], ['scheduled', T0, undefined],
    ]);
    expect(listBackups(join(dir, 'missing'))).toEqual([]);
  });

  it('VACUUM INTO: a consistent copy of the open store, synced and renamed into place', () => {
    const db = openTempDb();
    fill(db, 300);
    const dir = tempDir();
    const file = vacuumInto(db, join(dir, 'backups'), T0);
    expect(file).toBe(join(dir, 'backups', backupFileName(T0)));
    expect(rowsIn(file)).toBe(300);
    expect(readdirSync(join(dir, 'backups'))).toEqual([backupFileName(T0)]);
  });

  it('the backup API copies a step at a time while intake goes on, and the copy is consistent', async () => {
    const db = openTempDb();
    fill(db, 2000);
    const dir = tempDir();
    let steps = 0;
    let writesDuring = 0;
    // Intake between steps: the event loop is free while the backup runs.
    const writer = setInterval(() => {
      addEvent(db, 'ready', T0 + 10_000 + writesDuring, 1000);
      writesDuring += 1;
    }, 0);
    let file: string;
    try {
      file = await onlineBackup(db, dir, T0, {
        pagesPerStep: 5,
        aborted: () => {
          steps += 1;
          return false;
        },
      });
    } finally {
      clearInterval(writer);
    }
    expect(steps).toBeGreaterThan(10);
    expect(writesDuring).toBeGreaterThan(0);
    // Writes through the same connection are carried into the copy: it holds at least what was there at the start.
    const copied = rowsIn(file);
    expect(copied).toBeGreaterThanOrEqual(2000);
    expect(copied).toBeLessThanOrEqual(2000 + writesDuring);
    expect(count(db, 'SELECT COUNT(*) AS n FROM event')).toBe(2000 + writesDuring);
  });

  it('a stopped backup leaves no file behind', async () => {
    const db = openTempDb();
    fill(db, 500);
    const dir = tempDir();
    let steps = 0;
    await expect(onlineBackup(db, dir, T0, { pagesPerStep: 2, aborted: () => ++steps > 3 })).rejects.toBeInstanceOf(BackupAbortedError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prunes scheduled backups to `keep` and pre-migration backups to a few, oldest first', () => {
    const dir = tempDir();
    for (let i = 0; i < 10; i++) writeFileSync(join(dir, backupFileName(T0 + i * HOUR)), 'x');
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, backupFileName(T0 + i * HOUR + 1, i + 1)), 'x');
    const removed = pruneBackups(dir, 7);
    expect(removed).toHaveLength(3 + 5 - PREMIGRATION_KEEP);
    const left = listBackups(dir);
    expect(left.filter((b) => b.kind === 'scheduled').map((b) => b.at)).toEqual([9, 8, 7, 6, 5, 4, 3].map((i) => T0 + i * HOUR));
    expect(left.filter((b) => b.kind === 'premigration').map((b) => b.schemaVersion)).toEqual([5, 4, 3]);
  });
});

describe('scheduled backups (StoreMaintenance)', () => {
  const logger = createLogger('silent');

  function maintenance(db: WritableDb, backupDir: string, config: Record<string, unknown>, now: () => number, timing = {}): StoreMaintenance {
    return new StoreMaintenance({ db, config: StoreSchema.parse(config), backupDir, logger, migration: null, recovery: null, now, timing });
  }

  it('takes the first backup soon after start, then one every `everyHours`, keeping `keep`', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'plantdesk.db'));
    fill(db, 100);
    const backupDir = join(dir, 'backups');
    let now = T0;
    const m = maintenance(db, backupDir, { backup: { everyHours: 1, keep: 2 } }, () => now, { firstCheckMs: 5, checkEveryMs: 5 });
    expect(m.health()).toMatchObject({ lastBackupAt: null, lastBackupFile: null, warning: null });
    m.start();
    try {
      await waitUntil(() => listBackups(backupDir).length === 1);
      expect(m.health()).toMatchObject({ lastBackupAt: new Date(T0).toISOString(), lastBackupError: null });
      // Not due again within the hour, however often it checks.
      await new Promise((r) => setTimeout(r, 50));
      expect(listBackups(backupDir)).toHaveLength(1);
      for (const step of [1, 2, 3]) {
        now = T0 + step * HOUR;
        await waitUntil(() => listBackups(backupDir)[0]?.at === now);
      }
      expect(listBackups(backupDir).map((b) => b.at)).toEqual([T0 + 3 * HOUR, T0 + 2 * HOUR]);
      expect(rowsIn(listBackups(backupDir)[0]!.file)).toBe(100);
    } finally {
      await m.stop();
      db.close();
    }
  });

  it('takes no backup at start when a recent one exists (e.g. the one before a migration)', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'plantdesk.db'));
    const backupDir = join(dir, 'backups');
    vacuumInto(db, backupDir, T0 - HOUR, 5);
    const m = maintenance(db, backupDir, {}, () => T0, { firstCheckMs: 1, checkEveryMs: 5 });
    m.start();
    await new Promise((r) => setTimeout(r, 40));
    await m.stop();
    db.close();
    expect(listBackups(backupDir)).toHaveLength(1);
  });

  it('reports a failing backup, and warns once backups are overdue', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'plantdesk.db'));
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'x');
    const m = maintenance(db, blocked, {}, () => T0);
    await expect(m.runBackup()).rejects.toThrow();
    const health = m.health();
    expect(health.lastBackupError).toMatch(/EEXIST|ENOTDIR/);
    expect(health.warning).toMatch(/^No backup of the buffer yet: /);
    await m.stop();
    db.close();
  });

  it('stop() abandons a backup under way and leaves no partial file', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'plantdesk.db'));
    fill(db, 3000);
    const backupDir = join(dir, 'backups');
    const m = maintenance(db, backupDir, {}, () => T0);
    const running = m.runBackup();
    await m.stop();
    await expect(running).resolves.toBeNull();
    expect(existsSync(backupDir) ? readdirSync(backupDir) : []).toEqual([]);
    db.close();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
