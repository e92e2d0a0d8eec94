// Schema 1: raw messages as received, canonical events with their lifecycle and history, the ERP order cache, settings.
import type Database from 'better-sqlite3';

export function migration0001(db: Database.Database): void {
  db.exec(`
    CREATE TABLE raw_message (
      id INTEGER PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      source TEXT NOT NULL,
      channel TEXT NOT NULL,
      payload TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      correlation_id TEXT NOT NULL,
      status TEXT NOT NULL,
      reject_reason TEXT
    );
    CREATE INDEX raw_message_status ON raw_message(status);

    CREATE TABLE event (
      id INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL UNIQUE,
      raw_id INTEGER NOT NULL REFERENCES raw_message(id),
      kind TEXT NOT NULL,
      status TEXT NOT NULL,
      order_id TEXT NOT NULL,
      body TEXT NOT NULL,
      reasons TEXT NOT NULL DEFAULT '[]',
      erp_document TEXT,
      correlation_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    -- (status, id): "the oldest N of a status" reads in index order without sorting every row of the status.
    CREATE INDEX event_status_order ON event(status, id);
    CREATE INDEX event_order ON event(order_id, id);
    CREATE INDEX event_updated ON event(updated_at);

    CREATE TABLE event_history (
      id INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL REFERENCES event(event_id),
      from_status TEXT,
      to_status TEXT NOT NULL,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      reason TEXT,
      correlation_id TEXT NOT NULL
    );
    CREATE INDEX event_history_event ON event_history(event_id);

    CREATE TABLE setting (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );

    CREATE TABLE erp_order (
      order_id TEXT PRIMARY KEY,
      body TEXT NOT NULL,
      fetched_at INTEGER NOT NULL
    );
  `);
}
