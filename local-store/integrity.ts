// Opening the store at start: PRAGMA quick_check first; a damaged file is moved aside (never deleted) and the
// newest backup that passes its own check takes its place, else the store starts empty. Then the usual pragmas
// and migrations (database.ts). The caller logs and shows what happened (Health.store).
import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { listBackups, removeDbFiles, restoreBackup, fileStamp } from './backup.js';
import { configureAndMigrate, defaultBackupDir, schemaVersion, type MigrationReport, type OpenDatabaseOptions, type ReadableDb, type WritableDb } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { statement } from './statements.js';

export interface StoreRecovery {
  /** When the damage was found, ms. */
  readonly at: number;
  /** What quick_check (or opening the file) said, shortened. */
  readonly problem: string;
  /** Where the damaged file now is; its -wal and -shm sit next to it with the same name plus -wal, -shm. */
  readonly damagedFileKeptAt: string;
  /** The backup restored in its place, or null: no usable backup, the store started empty. */
  readonly recoveredFrom: string | null;
  /** When that backup was taken, ms. */
  readonly backupTakenAt: number | null;
  /** Backups tried first that failed their own check or came from a newer version. */
  readonly unusableBackups: readonly string[];
  /**
   * Events that were `ready` in the backup, moved to `sending` so the sync engine reads each back from the ERP
   * before posting it: any of them may have been posted after the backup was taken.
   */
  readonly readBack: number;
}

export interface OpenStoreOptions extends OpenDatabaseOptions {
  readonly backupDir?: string;
}

export interface OpenedStore {
  readonly db: WritableDb;
  readonly migration: MigrationReport | null;
  /** Null when the file was sound (or new). */
  readonly recovery: StoreRecovery | null;
  /** How long quick_check took, ms. */
  readonly checkMs: number;
}

/** quick_check's findings (up to `max`); empty when the file is sound. */
export function quickCheck(db: Database.Database, max = 10): string[] {
  const rows = db.pragma(`quick_check(${max})`) as { quick_check: string }[];
  const messages = rows.map((r) => r.quick_check);
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

/** SQLite's words for a damaged file, as opposed to a busy, locked or unreadable one (never moved aside). */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

interface Checked {
  /** Null when the file is sound; else what is wrong. */
  readonly problem: string | null;
  readonly schemaVersion: number;
  readonly ms: number;
}

/**
 * quick_check on a read-only connection: closing it never checkpoints, so the WAL of a damaged file stays as it
 * was (it holds the newest commits) and moves aside with it.
 */
function check(file: string): Checked {
  const started = performance.now();
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true });
    const problems = quickCheck(db);
    const version = problems.length === 0 ? schemaVersion(db) : 0;
    return { problem: problems.length === 0 ? null : shorten(problems.join('; ')), schemaVersion: version, ms: performance.now() - started };
  } catch (error) {
    if (isCorruption(error)) return { problem: shorten((error as Error).message), schemaVersion: 0, ms: performance.now() - started };
    throw error;
  } finally {
    if (db?.open) db.close();
  }
}

/** One line, at most 500 characters: quick_check's findings come as lines headed by '*** in database main ***'. */
function shorten(text: string): string {
  const line = text.replace(/\*\*\* in database \w+ \*\*\*/g, '').replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

export function openStore(file: string, options: OpenStoreOptions = {}): OpenedStore {
  const now = options.now ?? Date.now;
  const backupDir = options.backupDir ?? defaultBackupDir(file);
  if (!existsSync(file)) {
    // A missing file is a new installation (or one deliberately emptied): start empty, never restore by guess.
    removeDbFiles(file);
    const opened = configureAndMigrate(new Database(file), file, { ...options, backupDir });
    return { ...opened, recovery: null, checkMs: 0 };
  }
  const checked = check(file);
  if (checked.problem === null) return { ...configureAndMigrate(new Database(file), file, { ...options, backupDir }), recovery: null, checkMs: checked.ms };

  const at = now();
  const damagedFileKeptAt = `${file}.damaged-${fileStamp(at)}`;
  moveAside(file, damagedFileKeptAt);
  const unusableBackups: string[] = [];
  let restored: { readonly file: string; readonly at: number } | null = null;
  for (const backup of listBackups(backupDir)) {
    restoreBackup(backup.file, file);
    const candidate = check(file);
    if (candidate.problem === null && candidate.schemaVersion <= MIGRATIONS.length) {
      restored = { file: backup.file, at: backup.at };
      break;
    }
    removeDbFiles(file);
    unusableBackups.push(backup.file);
  }
  const opened = configureAndMigrate(new Database(file), file, { ...options, backupDir });
  const readBack = restored ? readBackReadyEvents(opened.db, at, restored.file) : 0;
  const recovery: StoreRecovery = {
    at, problem: checked.problem, damagedFileKeptAt, recoveredFrom: restored?.file ?? null, backupTakenAt: restored?.at ?? null, unusableBackups, readBack,
  };
  saveRecovery(opened.db, recovery);
  return { ...opened, recovery, checkMs: checked.ms };
}

function moveAside(file: string, target: string): void {
  renameSync(file, target);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${target}${suffix}`);
  }
}

/**
 * A restored backup is older than what the ERP has seen: an event `ready` in it may have been posted after the
 * backup. Moving it to `sending` makes the sync engine read it back by its id before anything is sent (found:
 * posted; not found: ready again), the same path as after a crash mid-post, so nothing is posted twice.
 */
function readBackReadyEvents(db: WritableDb, at: number, backup: string): number {
  return db.transaction(() => {
    const reason = `restored from backup ${backup}; read back from the ERP before posting, it may have been posted after the backup`;
    statement(db, `INSERT INTO event_history (event_id, from_status, to_status, at, actor, reason, correlation_id)
      SELECT event_id, 'ready', 'sending', ?, 'system', ?, correlation_id FROM event WHERE status = 'ready' ORDER BY id`).run(at, reason);
    return statement(db, "UPDATE event SET status = 'sending', updated_at = ? WHERE status = 'ready'").run(at).changes;
  })();
}

const RECOVERY_SETTING = 'store.lastRecovery';

/** The last recovery is kept in the store itself, so the console can still say what happened after a restart. */
function saveRecovery(db: WritableDb, recovery: StoreRecovery): void {
  statement(db, 'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(RECOVERY_SETTING, JSON.stringify(recovery));
}

export function lastRecovery(db: ReadableDb): StoreRecovery | null {
  const row = statement(db, 'SELECT value FROM setting WHERE key = ?').get(RECOVERY_SETTING) as { value: string } | undefined;
  if (!row) return null;
  try {
    return JSON.parse(row.value) as StoreRecovery;
  } catch {
    return null;
  }
}
