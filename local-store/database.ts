// Opens PlantDesk's SQLite buffer with the durability settings every promise rests on, and migrates it.
import Database from 'better-sqlite3';
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

export function openDatabase(file: string): WritableDb {
  const db = new Database(file);
  // WAL + synchronous=FULL: a committed transaction survives a power cut, not only a crash (RELIABILITY.md).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db as WritableDb;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS.length;
  if (current > latest) {
    db.close();
    throw new NewerDatabaseError(current, latest);
  }
  for (let version = current; version < latest; version++) {
    const migration = MIGRATIONS[version]!;
    db.transaction(() => {
      migration(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
