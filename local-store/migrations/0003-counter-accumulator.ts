// Schema 3: OPC UA counter increments counted but not yet confirmed, per line, with the line's current order.
// They change in the same transaction as the counter's raw value and its counter_state row, and are emptied in
// the same transaction as the confirmation made of them: a crash between two confirmations loses nothing.
// IF NOT EXISTS: safe whatever its place among concurrently added migrations.
import type Database from 'better-sqlite3';

export function migration0003(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS counter_accumulator (
      source TEXT NOT NULL,
      line TEXT NOT NULL,
      -- the last committed value of the line's order node; NULL when it has none
      order_id TEXT,
      good INTEGER NOT NULL DEFAULT 0,
      scrap INTEGER NOT NULL DEFAULT 0,
      -- agent clock when the first unconfirmed increment was committed: the interval is due confirmEveryS later
      first_received_at INTEGER,
      -- server source times of the first and last unconfirmed increments: start and end of the confirmation
      first_source_time INTEGER,
      last_source_time INTEGER,
      -- confirmations made so far; the next one's idempotency key carries seq + 1
      seq INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (source, line)
    );
  `);
}
