// Opens PlantDesk's SQLite buffer with the durability settings every promise rests on, and migrates it: forward
// only, one file per schema version (migrations/), a consistent backup before an existing file is changed, and
// a database written by a newer PlantDesk refused untouched. Integrity check and recovery: integrity.ts.
import Database from 'better-sqlite3';
import { dirname, join } from 'node:path';
import { vacuumInto } from './backup.js';
import { MIGRATIONS } from './migrations/index.js';

/** A handle that may only be read from; writes need a WritableDb (STYLE.md 3: branded handles). */
export type ReadableDb = Database.Database & { readonly __readable_db: never };
export type WritableDb = ReadableDb & { readonly __writable_db: never };

export class NewerDatabaseError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(`The database was written by a newer PlantDesk (schema ${found}; this version knows up to ${supported}). Install the newer version or restore a backup.`);
    this.name = 'NewerDatabaseError';
  }
}

/** The backup before a migration could not be written: nothing was migrated, the file is as it was. */
export class MigrationBackupError extends Error {
  constructor(readonly file: string, readonly backupDir: string, cause: unknown) {
    super(`${file}: schema upgrade stopped before it began, because the backup into ${backupDir} failed (${(cause as Error).message}). Free disk space or set store.backup.dir, then start again.`, { cause });
    this.name = 'MigrationBackupError';
  }
}

export interface OpenDatabaseOptions {
  /** Where the backup taken before a migration goes; default `backups/` next to the file. */
  readonly backupDir?: string;
  /** Clock for backup names (tests). */
  readonly now?: () => number;
}

export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  /** The backup taken before the first migration ran; null for a new file (nothing to keep). */
  readonly backupFile: string | null;
  /** The file was converted to auto_vacuum = INCREMENTAL by a VACUUM after migrating (see convertAutoVacuum). */
  readonly autoVacuumConverted: boolean;
}

export interface OpenedDatabase {
  readonly db: WritableDb;
  /** What migrating did; null when the file was already at the current schema. */
  readonly migration: MigrationReport | null;
}

export function defaultBackupDir(file: string): string {
  return join(dirname(file), 'backups');
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): WritableDb {
  return openAndMigrate(file, options).db;
}

export function openAndMigrate(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  return configureAndMigrate(new Database(file), file, options);
}

/** Sets the pragmas on a connection already open on `file` and migrates it; closes it when that fails. */
export function configureAndMigrate(db: Database.Database, file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  try {
    // A newer PlantDesk's file is refused before anything is written to it, pragmas included.
    const found = schemaVersion(db);
    if (found > MIGRATIONS.length) throw new NewerDatabaseError(found, MIGRATIONS.length);
    const fresh = (db.prepare('SELECT COUNT(*) AS n FROM sqlite_master').get() as { n: number }).n === 0;
    // Incremental auto-vacuum lets retention give purged pages back to the file system a few at a time
    // (PRAGMA incremental_vacuum). It can only be chosen before the first table, and before journal_mode = WAL,
    // which writes the header; an existing file is converted by a VACUUM when it is migrated (below).
    if (fresh) db.pragma('auto_vacuum = INCREMENTAL');
    // WAL + synchronous=FULL: a committed transaction survives a power cut, not only a crash (RELIABILITY.md).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const migration = migrate(db, file, fresh, options);
    return { db: db as WritableDb, migration };
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
}

export function schemaVersion(db: ReadableDb | Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database, file: string, fresh: boolean, options: OpenDatabaseOptions): MigrationReport | null {
  const current = schemaVersion(db);
  const latest = MIGRATIONS.length;
  if (current >= latest) return null;
  // An existing file is copied before the first change: a migration that fails half-way, or a version that turns
  // out wrong, can be undone by restoring it. VACUUM INTO is one read transaction: a consistent copy.
  let backupFile: string | null = null;
  if (!fresh) {
    const dir = options.backupDir ?? defaultBackupDir(file);
    try {
      backupFile = vacuumInto(db as ReadableDb, dir, (options.now ?? Date.now)(), current);
    } catch (error) {
      throw new MigrationBackupError(file, dir, error);
    }
  }
  for (let version = current; version < latest; version++) {
    const migration = MIGRATIONS[version]!;
    db.transaction(() => {
      migration(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { from: current, to: latest, backupFile, autoVacuumConverted: !fresh && convertAutoVacuum(db) };
}

/**
 * A file created before incremental auto-vacuum (every file of schema 5 and older) is converted once, on the
 * upgrade that migrates it: the setting takes effect only through a VACUUM, which rewrites the file (it needs
 * free space about the size of the database and takes as long as the backup did). A VACUUM that fails (disk
 * full) changes nothing; the file then keeps working without auto-vacuum and is tried again on the next upgrade.
 */
function convertAutoVacuum(db: Database.Database): boolean {
  if ((db.pragma('auto_vacuum', { simple: true }) as number) !== 0) return false;
  try {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  } catch {
    return false;
  }
  return (db.pragma('auto_vacuum', { simple: true }) as number) === 2;
}
