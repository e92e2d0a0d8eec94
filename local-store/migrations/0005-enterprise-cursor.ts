// Schema 5: the cursor of enterprise publish. The changes to publish are the event_history rows (one per status
// change, written in the transaction of the change, ids only ever growing); the cursor says up to which history
// row the enterprise broker has acknowledged every published change, so intake writes nothing extra for it.
// IF NOT EXISTS: safe whatever its place among concurrently added migrations.
import type Database from 'better-sqlite3';

export function migration0005(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS enterprise_cursor (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      -- every publishable change up to this event_history.id was acknowledged (PUBACK) by the enterprise broker
      history_id INTEGER NOT NULL,
      -- the sequence (history id) of the last message acknowledged up to there; 0 before the first
      sequence INTEGER NOT NULL,
      published_at INTEGER,
      -- when enterprise publish was first configured: changes before it are not published
      started_at INTEGER NOT NULL
    );
  `);
}
