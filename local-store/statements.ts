// Prepared statements cached per connection (preparing SQL costs more than running it on the hot path), and
// transactions that join the caller's instead of nesting.
import type Database from 'better-sqlite3';

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function statement(db: Database.Database, sql: string): Database.Statement {
  let perDb = cache.get(db);
  if (!perDb) {
    perDb = new Map();
    cache.set(db, perDb);
  }
  let prepared = perDb.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    perDb.set(sql, prepared);
  }
  return prepared;
}

/** Runs fn in a transaction, or inside the caller's: a nested one would be a savepoint, costly per row. */
export function inTransaction<R>(db: Database.Database, fn: () => R): R {
  return db.inTransaction ? fn() : db.transaction(fn)();
}
