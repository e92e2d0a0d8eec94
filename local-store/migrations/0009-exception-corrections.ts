// Schema 10 (exceptions workspace, issue 6):
//  - event_revision: every change of an event's body by a supervisor, with the body before and after, so the
//    original stays in the history when a correction replaces it.
//  - exception_approval: a correction or void above the four-eyes thresholds while the event waits in
//    `pending_approval` for a second supervisor; one open request per event.
//  - event_exception_rule (0006) also holds the rules of events waiting for approval, so filtering by rule finds them.
// IF NOT EXISTS: safe whatever its place among concurrently added migrations.
import type Database from 'better-sqlite3';

const CODES_OF_NEW = `SELECT DISTINCT json_extract(value, '$.code'), NEW.id
  FROM json_each(CASE WHEN json_valid(NEW.reasons) THEN NEW.reasons ELSE '[]' END)
  WHERE json_type(value, '$.code') = 'text'`;

export function migration0009(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS event_revision (
      id INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL REFERENCES event(event_id),
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      approved_by TEXT,
      before_body TEXT NOT NULL,
      after_body TEXT NOT NULL,
      reason TEXT NOT NULL,
      correlation_id TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS event_revision_event ON event_revision(event_id);

    CREATE TABLE IF NOT EXISTS exception_approval (
      event_id TEXT PRIMARY KEY REFERENCES event(event_id),
      action TEXT NOT NULL CHECK (action IN ('correct', 'void')),
      proposed_body TEXT,
      reason TEXT NOT NULL,
      why TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      requested_at INTEGER NOT NULL,
      correlation_id TEXT NOT NULL
    );

    DROP TRIGGER IF EXISTS event_exception_rule_on_update;
    CREATE TRIGGER event_exception_rule_on_update AFTER UPDATE OF status, reasons ON event
    WHEN OLD.status IN ('exception', 'pending_approval') OR NEW.status IN ('exception', 'pending_approval')
    BEGIN
      DELETE FROM event_exception_rule WHERE event_row = OLD.id;
      INSERT OR IGNORE INTO event_exception_rule (rule, event_row) ${CODES_OF_NEW} AND NEW.status IN ('exception', 'pending_approval');
    END;
    DROP TRIGGER IF EXISTS event_exception_rule_on_delete;
    CREATE TRIGGER event_exception_rule_on_delete AFTER DELETE ON event
    WHEN OLD.status IN ('exception', 'pending_approval')
    BEGIN
      DELETE FROM event_exception_rule WHERE event_row = OLD.id;
    END;
  `);
}
