// Schema 6: the hot queries of issue 4 without scans.
//  - Exceptions by rule: the rule codes live as JSON in event.reasons, which no index reaches. event_exception_rule
//    holds one row per (rule code, event) while the event is an exception, kept by triggers in the transaction
//    that changes the event, so every path (intake, validation, sync, corrections) is covered without code.
//  - Retention: finished events (posted, voided) by the time they finished, in a partial index that costs a write
//    only when an event finishes, so the purge never walks the backlog or quality results kept for good.
// IF NOT EXISTS: safe whatever its place among concurrently added migrations.
import type Database from 'better-sqlite3';

// The codes of an event's reasons; a reasons text that is not JSON adds none rather than failing the write.
const CODES_OF_NEW = `SELECT DISTINCT json_extract(value, '$.code'), NEW.id
  FROM json_each(CASE WHEN json_valid(NEW.reasons) THEN NEW.reasons ELSE '[]' END)
  WHERE json_type(value, '$.code') = 'text'`;

export function migration0006(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS event_exception_rule (
      rule TEXT NOT NULL,
      event_row INTEGER NOT NULL,
      PRIMARY KEY (rule, event_row)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS event_exception_rule_event ON event_exception_rule(event_row);

    CREATE TRIGGER IF NOT EXISTS event_exception_rule_on_insert AFTER INSERT ON event
    WHEN NEW.status = 'exception'
    BEGIN
      INSERT OR IGNORE INTO event_exception_rule (rule, event_row) ${CODES_OF_NEW};
    END;
    CREATE TRIGGER IF NOT EXISTS event_exception_rule_on_update AFTER UPDATE OF status, reasons ON event
    WHEN OLD.status = 'exception' OR NEW.status = 'exception'
    BEGIN
      DELETE FROM event_exception_rule WHERE event_row = OLD.id;
      INSERT OR IGNORE INTO event_exception_rule (rule, event_row) ${CODES_OF_NEW} AND NEW.status = 'exception';
    END;
    CREATE TRIGGER IF NOT EXISTS event_exception_rule_on_delete AFTER DELETE ON event
    WHEN OLD.status = 'exception'
    BEGIN
      DELETE FROM event_exception_rule WHERE event_row = OLD.id;
    END;

    INSERT OR IGNORE INTO event_exception_rule (rule, event_row)
      SELECT DISTINCT json_extract(r.value, '$.code'), e.id
      FROM event e, json_each(CASE WHEN json_valid(e.reasons) THEN e.reasons ELSE '[]' END) r
      WHERE e.status = 'exception' AND json_type(r.value, '$.code') = 'text';

    CREATE INDEX IF NOT EXISTS event_finished_updated ON event(updated_at) WHERE status IN ('posted', 'voided');
  `);
}
