// Event counts per status, kept current by TEMP triggers on the agent's own connection. COUNT(*) GROUP BY status
// reads the whole (status, id) index: about 50 ms at 1,000,000 events (bench/startup.ts), on every dashboard push
// (up to 4 a second) and every /api/v1/queue. The triggers cost one small UPDATE per insert, status change or
// delete, in the same transaction (a rolled-back write rolls its count back). TEMP: no schema change, nothing on
// disk; counted afresh once per connection. Only writes through this connection are seen, so only the agent's
// single writing connection turns it on; every other connection keeps the plain count.
import { EVENT_STATUSES, type EventStatus } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

const maintained = new WeakSet<ReadableDb>();

/** Counts every status once and keeps the counts current from now on (idempotent). */
export function maintainStatusCounts(db: WritableDb): void {
  if (maintained.has(db)) return;
  db.transaction(() => {
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS event_status_count (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      DELETE FROM temp.event_status_count;
      CREATE TEMP TRIGGER IF NOT EXISTS event_status_count_insert AFTER INSERT ON main.event BEGIN
        UPDATE event_status_count SET n = n + 1 WHERE status = NEW.status;
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS event_status_count_update AFTER UPDATE OF status ON main.event WHEN OLD.status <> NEW.status BEGIN
        UPDATE event_status_count SET n = n - 1 WHERE status = OLD.status;
        UPDATE event_status_count SET n = n + 1 WHERE status = NEW.status;
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS event_status_count_delete AFTER DELETE ON main.event BEGIN
        UPDATE event_status_count SET n = n - 1 WHERE status = OLD.status;
      END;
    `);
    const seed = db.prepare('INSERT OR IGNORE INTO temp.event_status_count (status, n) VALUES (?, 0)');
    for (const status of EVENT_STATUSES) seed.run(status);
    db.exec('INSERT OR REPLACE INTO temp.event_status_count (status, n) SELECT status, COUNT(*) FROM main.event GROUP BY status');
  })();
  maintained.add(db);
}

/** The maintained counts, or undefined when this connection does not maintain them. */
export function maintainedStatusCounts(db: ReadableDb): Record<EventStatus, number> | undefined {
  if (!maintained.has(db)) return undefined;
  const counts = Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>;
  for (const row of statement(db, 'SELECT status, n FROM temp.event_status_count').all() as { status: EventStatus; n: number }[]) counts[row.status] = row.n;
  return counts;
}
