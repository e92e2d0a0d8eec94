// Opening the store at start: PRAGMA quick_check first; a damaged file is moved aside (never deleted) and the
// newest backup that passes its own check takes its place, else the store starts empty. Then the usual pragmas
// and migrations (database.ts). The caller logs and shows what happened (Health.store). The agent runs the same
// check on a worker thread instead when no migration is due (backgroundCheck.ts), and recovers through
// recoverDamagedStore when that check finds damage.
import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { listBackups, removeDbFiles, restoreBackup, fileStamp } from './backup.js';
import { configureAndMigrate, defaultBackupDir, schemaVersion, type MigrationReport, type OpenDatabaseOptions, type ReadableDb, type WritableDb } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { appendAudit } from './audit.js';
import { setCountersAsideAfterRestore, type DroppedIncrements } from './counters.js';
import { liftSequencesAbove } from './enterpriseOutbox.js';
import { readSequenceCeiling, sequenceCeilingFile } from './sequenceCeiling.js';
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
  /**
   * OPC UA counters whose last value came from the backup: their next reading is a new baseline and the gap is
   * reported then (counters.ts). Absent in records written before this was kept.
   */
  readonly countersRebaselined?: number;
  /** Unconfirmed counter increments found in the backup, dropped rather than maybe confirmed twice (audited). */
  readonly droppedIncrements?: readonly DroppedIncrements[];
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
    return { problem: problems.length === 0 ? null : shortenFindings(problems.join('; ')), schemaVersion: version, ms: performance.now() - started };
  } catch (error) {
    if (isCorruption(error)) return { problem: shortenFindings((error as Error).message), schemaVersion: 0, ms: performance.now() - started };
    throw error;
  } finally {
    if (db?.open) db.close();
  }
}

/** One line, at most 500 characters: quick_check's findings come as lines headed by '*** in database main ***'. */
export function shortenFindings(text: string): string {
  const line = text.replace(/\*\*\* in database \w+ \*\*\*/g, '').replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

export function openStore(file: string, options: OpenStoreOptions = {}): OpenedStore {
  const backupDir = options.backupDir ?? defaultBackupDir(file);
  if (!existsSync(file)) {
    // A missing file is a new installation (or one deliberately emptied): start empty, never restore by guess.
    removeDbFiles(file);
    const opened = configureAndMigrate(new Database(file), file, { ...options, backupDir });
    return { ...opened, recovery: null, checkMs: 0 };
  }
  const checked = check(file);
  if (checked.problem === null) return { ...configureAndMigrate(new Database(file), file, { ...options, backupDir }), recovery: null, checkMs: checked.ms };
  return { ...recoverDamagedStore(file, checked.problem, { ...options, backupDir }), checkMs: checked.ms };
}

/**
 * A damaged file found (by the check above, or by the background check once the agent closed its connection):
 * the file moves aside with its -wal and -shm, the newest backup passing its own check is restored (else the
 * store starts empty), then the pragmas and migrations, the read-back of `ready` events and the record of it all.
 */
export function recoverDamagedStore(file: string, problem: string, options: OpenStoreOptions = {}): OpenedStore {
  const now = options.now ?? Date.now;
  const backupDir = options.backupDir ?? defaultBackupDir(file);
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
  // Before the first write to the restored file: its history ids after the backup will be handed out again, to
  // other changes, so their enterprise sequences start above the mark kept outside the file (enterpriseOutbox.ts).
  if (restored) liftSequencesAbove(opened.db, readSequenceCeiling(sequenceCeilingFile(file)));
  const readBack = restored ? readBackReadyEvents(opened.db, at, restored.file) : 0;
  const counters = restored ? setCountersAside(opened.db, at, restored.file) : { counters: 0, dropped: [] };
  const recovery: StoreRecovery = {
    at, problem, damagedFileKeptAt, recoveredFrom: restored?.file ?? null, backupTakenAt: restored?.at ?? null, unusableBackups, readBack,
    countersRebaselined: counters.counters, droppedIncrements: counters.dropped,
  };
  saveRecovery(opened.db, recovery);
  return { ...opened, recovery, checkMs: 0 };
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

/**
 * The backup's counter values are older than what was counted (and maybe posted) since: set aside so each
 * counter's next reading is a baseline (counters.ts); the backup's unconfirmed increments are dropped, each with
 * an audit entry naming what to reconcile against the ERP.
 */
function setCountersAside(db: WritableDb, at: number, backup: string): { counters: number; dropped: DroppedIncrements[] } {
  return db.transaction(() => {
    const result = setCountersAsideAfterRestore(db, backup, at);
    for (const d of result.dropped) {
      appendAudit(db, {
        at, actor: 'system', action: 'counter.increments.dropped', subject: `${d.source}/${d.line}`, before: { good: d.good, scrap: d.scrap, orderId: d.orderId },
        reason: `restored from backup ${backup}: these counted parts were not confirmed in the backup but may have been confirmed and posted after it; reconcile with the ERP`,
      });
    }
    return result;
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
