// Retention: what the buffer may forget, in small batches so intake never waits long behind a purge. Only
// finished events (posted to the ERP, or voided by a supervisor) and telemetry age out; nothing on its way to the
// ERP, no exception, no quality result kept locally (`recorded`), no rejected message, no audit entry, ever.
// Pages freed by a purge go back to the file system with incremental vacuum (auto_vacuum = INCREMENTAL).
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

/** The statuses retention may purge; anything else is kept whatever its age. */
export const PURGEABLE_STATUSES = ['posted', 'voided'] as const;

export interface EventPurge {
  readonly events: number;
  readonly history: number;
  readonly raw: number;
}

export interface PurgeOptions {
  /**
   * Enterprise publish reads event_history after its cursor: an event with a history row above this id has a
   * change the enterprise broker has not acknowledged yet, and is kept until it has. Absent: publish is off.
   */
  readonly keepHistoryAfter?: number;
}

/**
 * One transaction: up to `limit` events posted or voided before `cutoff` (ms, by the time they finished), their
 * history rows, and their raw messages unless another event still references one.
 */
export function purgeFinishedEvents(db: WritableDb, cutoff: number, limit: number, options: PurgeOptions = {}): EventPurge {
  return db.transaction((): EventPurge => {
    // The partial index event_finished_updated (migration 0006): only finished events are ever visited. Named,
    // because without statistics the planner prefers event_status_order and sorts every finished event.
    const rows = statement(db, `SELECT id, event_id, raw_id FROM event INDEXED BY event_finished_updated
      WHERE status IN ('posted', 'voided') AND updated_at < ? ORDER BY updated_at LIMIT ?`).all(cutoff, limit) as { id: number; event_id: string; raw_id: number }[];
    let events = 0;
    let history = 0;
    let raw = 0;
    for (const row of rows) {
      // The status is checked again where the row is deleted: whatever selected it, an unfinished event stays.
      const finished = statement(db, "SELECT 1 FROM event WHERE id = ? AND status IN ('posted', 'voided')").get(row.id);
      if (!finished) continue;
      if (options.keepHistoryAfter !== undefined
        && statement(db, 'SELECT 1 FROM event_history WHERE event_id = ? AND id > ?').get(row.event_id, options.keepHistoryAfter)) continue;
      history += statement(db, 'DELETE FROM event_history WHERE event_id = ?').run(row.event_id).changes;
      events += statement(db, "DELETE FROM event WHERE id = ? AND status IN ('posted', 'voided')").run(row.id).changes;
      raw += statement(db, "DELETE FROM raw_message WHERE id = ? AND status <> 'rejected' AND NOT EXISTS (SELECT 1 FROM event WHERE raw_id = ?)").run(row.raw_id, row.raw_id).changes;
    }
    return { events, history, raw };
  })();
}

/**
 * One transaction: telemetry raw rows received before `cutoff`, oldest first, at most `limit`. Telemetry is taken
 * in id order through raw_message_status and stops at the first row that is young enough: ids grow with arrival,
 * so no index on the time is needed on the intake path (a row stamped by a clock that jumped ahead waits).
 */
export function purgeTelemetry(db: WritableDb, cutoff: number, limit: number): number {
  return db.transaction((): number => {
    const rows = statement(db, "SELECT id, received_at FROM raw_message WHERE status = 'telemetry' ORDER BY id LIMIT ?").all(limit) as { id: number; received_at: number }[];
    let purged = 0;
    for (const row of rows) {
      if (row.received_at >= cutoff) break;
      purged += statement(db, "DELETE FROM raw_message WHERE id = ? AND status = 'telemetry'").run(row.id).changes;
    }
    return purged;
  })();
}

export interface SpaceReport {
  readonly pageSize: number;
  readonly pages: number;
  readonly freePages: number;
  /** 0 none, 1 full, 2 incremental. */
  readonly autoVacuum: number;
}

export function storeSpace(db: ReadableDb): SpaceReport {
  return {
    pageSize: db.pragma('page_size', { simple: true }) as number,
    pages: db.pragma('page_count', { simple: true }) as number,
    freePages: db.pragma('freelist_count', { simple: true }) as number,
    autoVacuum: db.pragma('auto_vacuum', { simple: true }) as number,
  };
}

/** Gives up to `pages` free pages back to the file system (incremental auto-vacuum only); returns how many. */
export function incrementalVacuum(db: WritableDb, pages: number): number {
  const before = storeSpace(db);
  if (before.autoVacuum !== 2 || before.freePages === 0) return 0;
  // exec, not pragma(): it steps the statement to the end, freeing a page per step.
  db.exec(`PRAGMA incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  return before.freePages - (db.pragma('freelist_count', { simple: true }) as number);
}
