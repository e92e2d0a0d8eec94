// Backups of the SQLite buffer: consistent online copies, named so their time and kind read from the name,
// written to a temporary name, synced and renamed, so a crash mid-backup never leaves a half file that looks
// like a backup. Two ways to copy:
//  - `vacuumInto` (synchronous): `VACUUM INTO` reads the database in one read transaction, so the copy is the
//    consistent state of one moment, taken while the database stays open; used before a migration, at start,
//    where blocking is fine and the caller has no await.
//  - `onlineBackup` (asynchronous): better-sqlite3's backup API, 100 pages per step with the event loop free in
//    between, so intake goes on; writes made meanwhile through the same connection are carried into the copy.
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadableDb } from './database.js';

export type BackupKind = 'scheduled' | 'premigration';

export interface BackupFile {
  readonly file: string;
  readonly kind: BackupKind;
  /** When it was taken (from its name), ms. */
  readonly at: number;
  /** For a pre-migration backup: the schema version it holds. */
  readonly schemaVersion?: number;
  readonly bytes: number;
}

const PREFIX = 'plantdesk-';
const SUFFIX = '.backup.db';
// plantdesk-20250102T030405123Z.backup.db | plantdesk-20250102T030405123Z-schema4.backup.db
const NAME = /^plantdesk-(\d{8}T\d{9}Z)(?:-schema(\d+))?\.backup\.db$/;
/** Pre-migration backups kept besides the scheduled ones (one per upgrade, so a few cover the last upgrades). */
export const PREMIGRATION_KEEP = 3;

/** 2025-01-02T03:04:05.123Z -> 20250102T030405123Z: sorts as text, no characters a file system dislikes. */
export function fileStamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:.]/g, '');
}

function parseStamp(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
}

export function backupFileName(at: number, schemaVersion?: number): string {
  return `${PREFIX}${fileStamp(at)}${schemaVersion === undefined ? '' : `-schema${schemaVersion}`}${SUFFIX}`;
}

/** The backups in `dir`, newest first; none when the folder does not exist. */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const backups: BackupFile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const at = parseStamp(m[1]!);
    if (Number.isNaN(at)) continue;
    const file = join(dir, name);
    let bytes = 0;
    try {
      bytes = statSync(file).size;
    } catch {
      continue;
    }
    backups.push({ file, kind: m[2] === undefined ? 'scheduled' : 'premigration', at, ...(m[2] === undefined ? {} : { schemaVersion: Number(m[2]) }), bytes });
  }
  return backups.sort((a, b) => b.at - a.at || b.file.localeCompare(a.file));
}

/** Deletes scheduled backups beyond the newest `keep` and pre-migration ones beyond PREMIGRATION_KEEP; returns them. */
export function pruneBackups(dir: string, keep: number): string[] {
  const removed: string[] = [];
  const counts: Record<BackupKind, number> = { scheduled: 0, premigration: 0 };
  for (const backup of listBackups(dir)) {
    counts[backup.kind] += 1;
    const limit = backup.kind === 'scheduled' ? keep : PREMIGRATION_KEEP;
    if (counts[backup.kind] <= limit) continue;
    removeDbFiles(backup.file);
    removed.push(backup.file);
  }
  return removed;
}

/** Copies the database into `dir` with VACUUM INTO (synchronous, consistent); returns the backup's path. */
export function vacuumInto(db: ReadableDb, dir: string, at: number, schemaVersion?: number): string {
  const target = join(dir, backupFileName(at, schemaVersion));
  const temp = `${target}.partial`;
  mkdirSync(dir, { recursive: true });
  removeDbFiles(temp);
  try {
    db.prepare('VACUUM INTO ?').run(temp);
    publish(temp, target);
  } catch (error) {
    removeDbFiles(temp);
    throw error;
  }
  return target;
}

export interface OnlineBackupOptions {
  /** Called between steps; true stops the backup (it then rejects and leaves no file). */
  readonly aborted?: () => boolean;
  /** Pages copied per step; default 100 (400 KB with 4 KB pages), the event loop runs between steps. */
  readonly pagesPerStep?: number;
}

export class BackupAbortedError extends Error {
  constructor() {
    super('the backup was stopped');
    this.name = 'BackupAbortedError';
  }
}

/** Copies the database into `dir` with the backup API, a step at a time; returns the backup's path. */
export async function onlineBackup(db: ReadableDb, dir: string, at: number, options: OnlineBackupOptions = {}): Promise<string> {
  const target = join(dir, backupFileName(at));
  const temp = `${target}.partial`;
  mkdirSync(dir, { recursive: true });
  removeDbFiles(temp);
  const pages = options.pagesPerStep ?? 100;
  try {
    await db.backup(temp, {
      progress: () => {
        if (options.aborted?.()) throw new BackupAbortedError();
        return pages;
      },
    });
    publish(temp, target);
  } catch (error) {
    removeDbFiles(temp);
    throw error;
  }
  return target;
}

/** Puts a copy of `backup` in place of `file` (which must be gone), through a synced temporary file. */
export function restoreBackup(backup: string, file: string): void {
  const temp = `${file}.restoring`;
  removeDbFiles(temp);
  copyFileSync(backup, temp);
  // A backup taken with the backup API may have a WAL of its own if it was ever opened; bring that along.
  try {
    copyFileSync(`${backup}-wal`, `${temp}-wal`);
  } catch {
    // none: the usual case
  }
  fsyncFile(temp);
  renameSync(temp, file);
  try {
    renameSync(`${temp}-wal`, `${file}-wal`);
  } catch {
    // none
  }
  fsyncDir(dirname(file));
}

/** A database file and its -wal, -shm and -journal companions. */
export function removeDbFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

function publish(temp: string, target: string): void {
  fsyncFile(temp);
  renameSync(temp, target);
  fsyncDir(dirname(target));
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable; directories cannot be opened for fsync on every platform (Windows), so best effort. */
function fsyncDir(path: string): void {
  try {
    fsyncFile(path);
  } catch {
    // not supported here
  }
}
