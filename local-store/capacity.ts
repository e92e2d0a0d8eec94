// Capacity of the buffer (issue 4, RELIABILITY.md promise 2): how much of the disk budget the store uses, what
// arrived since the last look (for intake rates), and shedding telemetry, oldest first and counted, when the
// budget is reached. Business records (every raw row that is not telemetry, and every event) are never shed here.
import { statSync } from 'node:fs';
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

/** The `setting` row holding how many telemetry rows were shed in the life of this file. */
export const TELEMETRY_SHED_SETTING = 'capacity.telemetry_shed';
const PROBE_SETTING = 'capacity.probe';

export interface StoreUsage {
  readonly pageSize: number;
  readonly pages: number;
  readonly freePages: number;
  /** The -wal file's size: SQLite reuses it after a checkpoint but does not shrink it. */
  readonly walBytes: number;
  /** Pages in use plus the WAL: what counts against the disk budget (free pages are reused before the file grows). */
  readonly usedBytes: number;
  /** The main file's size (pages in use and free). */
  readonly fileBytes: number;
}

export function storeUsage(db: ReadableDb): StoreUsage {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const freePages = db.pragma('freelist_count', { simple: true }) as number;
  const walBytes = fileSize(`${db.name}-wal`);
  return { pageSize, pages, freePages, walBytes, usedBytes: (pages - freePages) * pageSize + walBytes, fileBytes: pages * pageSize };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Errors that mean the store cannot grow (disk or page limit full, or the device failing writes). */
export function isStorageFullError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR)/.test(code);
}

export interface ShedResult {
  /** Telemetry rows deleted by this call. */
  readonly rows: number;
  /** Rows shed in the life of the file, this call included (persisted in the same transaction). */
  readonly total: number;
}

/**
 * One transaction: deletes up to `limit` telemetry raw rows, oldest first (ids grow with arrival), and adds them
 * to the persisted count. Only rows whose status is 'telemetry' are touched: no event ever points at one.
 */
export function shedOldestTelemetry(db: WritableDb, limit: number): ShedResult {
  return db.transaction((): ShedResult => {
    // The limit-th oldest telemetry id, read through raw_message_status (status, rowid): no table scan.
    const last = statement(db, "SELECT id FROM raw_message WHERE status = 'telemetry' ORDER BY id LIMIT 1 OFFSET ?").get(Math.max(0, Math.floor(limit) - 1)) as { id: number } | undefined;
    const upTo = last?.id ?? (statement(db, "SELECT MAX(id) AS id FROM raw_message WHERE status = 'telemetry'").get() as { id: number | null }).id;
    if (upTo === null || upTo === undefined) return { rows: 0, total: telemetryShedTotal(db) };
    const rows = statement(db, "DELETE FROM raw_message WHERE status = 'telemetry' AND id <= ?").run(upTo).changes;
    const total = telemetryShedTotal(db) + rows;
    statement(db, 'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(TELEMETRY_SHED_SETTING, String(total));
    return { rows, total };
  })();
}

export function telemetryShedTotal(db: ReadableDb): number {
  const row = statement(db, 'SELECT value FROM setting WHERE key = ?').get(TELEMETRY_SHED_SETTING) as { value: string } | undefined;
  const value = row ? Number(row.value) : 0;
  return Number.isFinite(value) ? value : 0;
}

/** Telemetry rows stored (an index-only count: call it rarely on a large store). */
export function countTelemetryRows(db: ReadableDb): number {
  return (statement(db, "SELECT COUNT(*) AS n FROM raw_message WHERE status = 'telemetry'").get() as { n: number }).n;
}

/** Where the last look at the intake ended: the highest raw row and event ids seen. */
export interface IntakeCursor {
  readonly rawId: number;
  readonly eventId: number;
}

export interface IntakeDelta {
  readonly cursor: IntakeCursor;
  readonly telemetryRows: number;
  /** Raw rows that are not telemetry (mapped, rejected, counter confirmations, Sparkplug rejects). */
  readonly businessRows: number;
  /** New confirmation events: what will go to the ERP. */
  readonly confirmations: number;
}

export function intakeCursor(db: ReadableDb): IntakeCursor {
  const raw = statement(db, 'SELECT MAX(id) AS id FROM raw_message').get() as { id: number | null };
  const event = statement(db, 'SELECT MAX(id) AS id FROM event').get() as { id: number | null };
  return { rawId: raw.id ?? 0, eventId: event.id ?? 0 };
}

/** What was committed after `since`: id ranges only, so a look costs the new rows, never the whole store. */
export function intakeSince(db: ReadableDb, since: IntakeCursor): IntakeDelta {
  const cursor = intakeCursor(db);
  const telemetryRows = (statement(db, "SELECT COUNT(*) AS n FROM raw_message WHERE status = 'telemetry' AND id > ?").get(since.rawId) as { n: number }).n;
  const newRaw = Math.max(0, cursor.rawId - since.rawId);
  const confirmations = (statement(db, "SELECT COUNT(*) AS n FROM event WHERE id > ? AND kind = 'confirmation'").get(since.eventId) as { n: number }).n;
  // A cursor that went backwards (rows with the highest ids were deleted) restarts from where the store is.
  return { cursor: { rawId: Math.max(cursor.rawId, since.rawId), eventId: Math.max(cursor.eventId, since.eventId) }, telemetryRows, businessRows: Math.max(0, newRaw - telemetryRows), confirmations };
}

/**
 * Events that reached `posted` in (after, upTo] (ms), through the partial index of finished events (named: without
 * statistics the planner would walk every posted event through event_status_order).
 */
export function countPostedBetween(db: ReadableDb, after: number, upTo: number): number {
  return (statement(db, `SELECT COUNT(*) AS n FROM event INDEXED BY event_finished_updated
    WHERE status IN ('posted', 'voided') AND status = 'posted' AND updated_at > ? AND updated_at <= ?`).get(after, upTo) as { n: number }).n;
}

/**
 * Bytes a row takes in the file beyond its text columns: record header, rowid, b-tree cell and the entries in
 * the indexes (status, idempotency key; for events their own indexes and the history row). Measured on the real
 * schema (test/unit/local-store/capacity.test.ts keeps the estimate within 2x of the file's growth).
 */
export const TELEMETRY_ROW_OVERHEAD = 90;
export const BUSINESS_ROW_OVERHEAD = 550;

export interface RowSizes {
  /** Estimated bytes per telemetry raw row, from the newest rows; null when there is none. */
  readonly telemetry: number | null;
  /** Estimated bytes per business record (raw row, its event and first history row), from the newest events; null when none. */
  readonly business: number | null;
}

/** Average sizes of the newest `sample` rows of each class (bounded reads through indexes). */
export function sampleRowSizes(db: ReadableDb, sample = 100): RowSizes {
  const telemetry = statement(db, `SELECT AVG(length(CAST(payload AS BLOB)) + 2 * length(idempotency_key) + length(channel) + length(source) + length(correlation_id)) AS b
    FROM (SELECT payload, idempotency_key, channel, source, correlation_id FROM raw_message WHERE status = 'telemetry' ORDER BY id DESC LIMIT ?)`).get(sample) as { b: number | null };
  const business = statement(db, `SELECT AVG(length(CAST(r.payload AS BLOB)) + 2 * length(r.idempotency_key) + length(r.channel) + length(r.source)
      + length(CAST(e.body AS BLOB)) + length(e.reasons) + 2 * length(e.order_id)) AS b
    FROM (SELECT raw_id, body, reasons, order_id FROM event ORDER BY id DESC LIMIT ?) e JOIN raw_message r ON r.id = e.raw_id`).get(sample) as { b: number | null };
  return {
    telemetry: telemetry.b === null ? null : telemetry.b + TELEMETRY_ROW_OVERHEAD,
    business: business.b === null ? null : business.b + BUSINESS_ROW_OVERHEAD,
  };
}

/**
 * Whether the store can take `bytes` more right now: commits a row of that size and deletes it again. A real
 * write, so it finds a full disk, a full page limit (max_page_count) and a device failing writes alike; throws
 * the SQLite error when it cannot.
 */
export function probeWrite(db: WritableDb, bytes: number): void {
  statement(db, 'INSERT INTO setting (key, value) VALUES (?, zeroblob(?)) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(PROBE_SETTING, Math.max(1, Math.floor(bytes)));
  statement(db, 'DELETE FROM setting WHERE key = ?').run(PROBE_SETTING);
}
