// Schema 2: the audit log (append-only, hash-chained) and the last committed value of every OPC UA counter.
import type Database from 'better-sqlite3';

export function migration0002(db: Database.Database): void {
  db.exec(`
    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      subject TEXT NOT NULL,
      before TEXT,
      after TEXT,
      reason TEXT,
      correlation_id TEXT,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    -- Append-only: the agent never changes or removes an entry; verify finds it if anything else does.
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

    CREATE TABLE counter_state (
      source TEXT NOT NULL,
      node_id TEXT NOT NULL,
      value REAL NOT NULL,
      source_time INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (source, node_id)
    );
  `);
}
