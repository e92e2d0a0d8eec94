// Schema 4: which mapping produced each event or rejection, how a raw payload is kept (encoding, size, cut),
// at most one event per raw message (a replay can never map a message twice), rejected messages by time.
// Written to be safe to run on a schema that already has its columns, so its place among concurrently
// added migrations does not matter.
import type Database from 'better-sqlite3';

function addColumn(db: Database.Database, table: string, column: string, definition: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

export function migration0004(db: Database.Database): void {
  addColumn(db, 'raw_message', 'mapping_version', 'TEXT');
  // 'utf8': payload is the text as received; 'base64': the bytes were not UTF-8 and are kept exactly.
  addColumn(db, 'raw_message', 'payload_encoding', "TEXT NOT NULL DEFAULT 'utf8'");
  addColumn(db, 'raw_message', 'payload_bytes', 'INTEGER');
  // 1: only a prefix of an oversized payload is kept; such a message cannot be mapped again.
  addColumn(db, 'raw_message', 'payload_truncated', 'INTEGER NOT NULL DEFAULT 0');
  addColumn(db, 'event', 'mapping_version', 'TEXT');
  db.exec(`
    -- One raw message makes at most one event: replaying a message that already has one fails here.
    CREATE UNIQUE INDEX IF NOT EXISTS event_raw_id ON event(raw_id);
    -- Rejected messages newest first (listRejected, replay selection), without indexing telemetry.
    CREATE INDEX IF NOT EXISTS raw_message_rejected ON raw_message(received_at, id) WHERE status = 'rejected';
  `);
}
