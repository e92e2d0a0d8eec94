// The store side of capacity: usage, shedding telemetry (oldest first, counted, persisted, never a business
// record), intake deltas, posts counted by time, the row-size estimate and the write probe.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { openDatabase, transitionEvent, listEventsByStatus, type WritableDb } from '../../../local-store/index.js';
import {
  countPostedBetween, countTelemetryRows, intakeCursor, intakeSince, isStorageFullError, probeWrite, sampleRowSizes, shedOldestTelemetry,
  storeUsage, telemetryShedTotal,
} from '../../../local-store/capacity.js';
import type { OpcuaSample } from '../../../connectors/opcua/index.js';
import { mesConfirmation } from '../domain/fixtures.js';
import { openTempDb, tempDir } from './tempDb.js';

const logger = createLogger('silent');
const T0 = 1_700_000_000_000;

function sample(i: number): OpcuaSample {
  return { source: 'plc-1', signal: { line: 'L1', role: 'good', nodeId: 'ns=1;s=L1.GoodCount' }, value: i, sourceTime: T0 + i * 100, receivedAt: T0 + i * 100 };
}

async function telemetry(ingest: Ingest, from: number, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => ingest.submitOpcua(sample(from + i))));
}

async function business(ingest: Ingest, from: number, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => ingest.submitMqtt({
    source: 'mes', topic: 'plant/1010/L1/confirmation', type: 'confirmation', payload: Buffer.from(JSON.stringify(mesConfirmation({ messageId: `m-${from + i}` }))), receivedAt: T0,
  })));
}

const telemetryValues = (db: WritableDb): number[] =>
  (db.prepare("SELECT payload FROM raw_message WHERE status = 'telemetry' ORDER BY id").all() as { payload: string }[]).map((r) => (JSON.parse(r.payload) as { value: number }).value);
const businessRows = (db: WritableDb): number => (db.prepare("SELECT COUNT(*) AS n FROM raw_message WHERE status <> 'telemetry'").get() as { n: number }).n;

describe('storeUsage', () => {
  it('counts pages in use plus the WAL, not the free pages', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    await telemetry(ingest, 0, 2000);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const full = storeUsage(db);
    expect(full.walBytes).toBe(0);
    expect(full.usedBytes).toBe((full.pages - full.freePages) * full.pageSize);
    db.exec("DELETE FROM raw_message WHERE status = 'telemetry'");
    const after = storeUsage(db);
    expect(after.walBytes).toBeGreaterThan(0);
    expect(after.freePages).toBeGreaterThan(full.freePages);
    expect(after.usedBytes - after.walBytes).toBeLessThan(full.usedBytes / 2);
    expect(after.usedBytes).toBe((after.pages - after.freePages) * after.pageSize + after.walBytes);
  });
});

describe('shedOldestTelemetry', () => {
  it('deletes the oldest telemetry first, in batches, never a business record, and keeps the count in the file', async () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    let db = openDatabase(file);
    const ingest = new Ingest(db, logger);
    await telemetry(ingest, 0, 50);
    await business(ingest, 0, 10);
    await telemetry(ingest, 50, 50);

    expect(shedOldestTelemetry(db, 30)).toEqual({ rows: 30, total: 30 });
    expect(telemetryValues(db)[0]).toBe(30);
    expect(shedOldestTelemetry(db, 30)).toEqual({ rows: 30, total: 60 });
    expect(telemetryValues(db)).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
    expect(businessRows(db)).toBe(10);
    db.close();

    db = openDatabase(file);
    expect(telemetryShedTotal(db)).toBe(60);
    expect(shedOldestTelemetry(db, 1000)).toEqual({ rows: 40, total: 100 });
    expect(shedOldestTelemetry(db, 1000)).toEqual({ rows: 0, total: 100 });
    expect(countTelemetryRows(db)).toBe(0);
    expect(businessRows(db)).toBe(10);
    db.close();
  });
});

describe('intake deltas', () => {
  it('counts telemetry, business rows and confirmations committed after a cursor', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    await telemetry(ingest, 0, 5);
    const cursor = intakeCursor(db);
    await telemetry(ingest, 5, 7);
    await business(ingest, 0, 3);
    const delta = intakeSince(db, cursor);
    expect(delta).toMatchObject({ telemetryRows: 7, businessRows: 3, confirmations: 3 });
    expect(intakeSince(db, delta.cursor)).toMatchObject({ telemetryRows: 0, businessRows: 0, confirmations: 0 });
  });

  it('counts posts by the time they were posted', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    await business(ingest, 0, 3);
    const [a, b, c] = listEventsByStatus(db, 'mapped', 10);
    for (const [event, at] of [[a!, T0 + 1000], [b!, T0 + 2000], [c!, T0 + 3000]] as const) {
      transitionEvent(db, event.eventId, { to: 'ready', at, actor: 'test' });
      transitionEvent(db, event.eventId, { to: 'sending', at, actor: 'test' });
      transitionEvent(db, event.eventId, { to: 'posted', at, actor: 'test', erpDocument: 'X/1' });
    }
    expect(countPostedBetween(db, T0, T0 + 2000)).toBe(2);
    expect(countPostedBetween(db, T0 + 2000, T0 + 5000)).toBe(1);
    expect(countPostedBetween(db, T0 + 3000, T0 + 5000)).toBe(0);
  });
});

describe('row size estimate', () => {
  it('is within 2x of what the rows really take in the file, for telemetry and business records', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    const measure = async (write: () => Promise<void>, n: number): Promise<number> => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      const before = storeUsage(db).usedBytes;
      await write();
      db.pragma('wal_checkpoint(TRUNCATE)');
      return (storeUsage(db).usedBytes - before) / n;
    };
    const telemetryActual = await measure(() => telemetry(ingest, 0, 3000), 3000);
    const businessActual = await measure(() => business(ingest, 0, 3000), 3000);
    const sizes = sampleRowSizes(db);
    expect(sizes.telemetry! / telemetryActual).toBeGreaterThan(0.5);
    expect(sizes.telemetry! / telemetryActual).toBeLessThan(2);
    expect(sizes.business! / businessActual).toBeGreaterThan(0.5);
    expect(sizes.business! / businessActual).toBeLessThan(2);
  });

  it('says null for a class with no rows', () => {
    expect(sampleRowSizes(openTempDb())).toEqual({ telemetry: null, business: null });
  });
});

describe('query plans', () => {
  it('reaches new rows, telemetry and recent posts through indexes or rowid ranges, never a scan of the store', () => {
    const db = openTempDb();
    const plan = (sql: string, ...args: unknown[]): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT COUNT(*) FROM raw_message WHERE status = 'telemetry' AND id > ?", 1)).toMatch(/USING COVERING INDEX raw_message_status \(status=\? AND rowid>\?\)/);
    expect(plan("SELECT id FROM raw_message WHERE status = 'telemetry' ORDER BY id LIMIT 1 OFFSET ?", 1)).toMatch(/USING COVERING INDEX raw_message_status \(status=\?\)$/);
    expect(plan("SELECT COUNT(*) FROM event WHERE id > ? AND kind = 'confirmation'", 1)).toMatch(/SEARCH event USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(plan("SELECT COUNT(*) FROM event INDEXED BY event_finished_updated WHERE status IN ('posted', 'voided') AND status = 'posted' AND updated_at > ? AND updated_at <= ?", 1, 2))
      .toMatch(/USING INDEX event_finished_updated \(updated_at>\? AND updated_at<\?\)/);
  });
});

describe('probeWrite', () => {
  it('fails with SQLITE_FULL when the store cannot grow, and passes (leaving nothing) once it can', () => {
    const db = openTempDb();
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    let failure: unknown;
    try {
      probeWrite(db, 256 * 1024);
    } catch (error) {
      failure = error;
    }
    expect(isStorageFullError(failure)).toBe(true);
    db.pragma(`max_page_count = ${pages + 200}`);
    probeWrite(db, 256 * 1024);
    expect(db.prepare("SELECT COUNT(*) AS n FROM setting WHERE key = 'capacity.probe'").get()).toEqual({ n: 0 });
  });

  it('isStorageFullError: disk full and I/O errors only', () => {
    expect(isStorageFullError(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isStorageFullError(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(true);
    expect(isStorageFullError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isStorageFullError(new Error('x'))).toBe(false);
    expect(isStorageFullError(null)).toBe(false);
  });
});
