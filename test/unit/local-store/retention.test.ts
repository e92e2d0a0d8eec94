// Retention: finished events (posted, voided) and telemetry age out in small batches, with their history and raw
// rows, and the file gives the pages back. Nothing that has not reached its end is ever purged.
import { describe, expect, it } from 'vitest';
import { EVENT_STATUSES, type EventStatus } from '../../../domain/index.js';
import {
  appendAudit, countEventsByStatus, countExceptionsByRule, insertRawMessage, purgeFinishedEvents, purgeTelemetry, storeSpace, type WritableDb,
} from '../../../local-store/index.js';
import { StoreSchema } from '../../../main/agent/config/storeSchema.js';
import { createLogger } from '../../../main/agent/logger.js';
import { StoreMaintenance, type MaintenanceTiming } from '../../../main/agent/maintenance.js';
import { addEvent, addTelemetry, count } from './storeRows.js';
import { openTempDb } from './tempDb.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const logger = createLogger('silent');

function maintenance(db: WritableDb, config: Record<string, unknown> = {}, timing: Partial<MaintenanceTiming> = {}): StoreMaintenance {
  return new StoreMaintenance({
    db, config: StoreSchema.parse(config), backupDir: '/nonexistent/backups', logger, migration: null, recovery: null, now: () => NOW,
    timing: { batchPauseMs: 0, ...timing },
  });
}

function tableCounts(db: WritableDb): Record<string, number> {
  return Object.fromEntries(['event', 'event_history', 'raw_message', 'audit_log', 'event_exception_rule'].map((t) => [t, count(db, `SELECT COUNT(*) AS n FROM ${t}`)]));
}

describe('retention', () => {
  it('purges posted and voided events older than retentionDays, with their history and raw messages', async () => {
    const db = openTempDb();
    const oldPosted = [addEvent(db, 'posted', NOW - 40 * DAY), addEvent(db, 'posted', NOW - 31 * DAY)];
    const oldVoided = addEvent(db, 'voided', NOW - 35 * DAY);
    const young = [addEvent(db, 'posted', NOW - 29 * DAY), addEvent(db, 'voided', NOW - DAY)];
    const result = await maintenance(db).runRetention();
    expect(result).toMatchObject({ events: 3, rawMessages: 3 });
    // posted: ready, sending, posted (3 rows); voided: exception, voided (2 rows).
    expect(result.history).toBe(3 + 3 + 2);
    for (const gone of [...oldPosted, oldVoided]) {
      expect(count(db, 'SELECT COUNT(*) AS n FROM event WHERE event_id = ?', gone.eventId)).toBe(0);
      expect(count(db, 'SELECT COUNT(*) AS n FROM event_history WHERE event_id = ?', gone.eventId)).toBe(0);
      expect(count(db, 'SELECT COUNT(*) AS n FROM raw_message WHERE id = ?', gone.rawId)).toBe(0);
    }
    for (const kept of young) {
      expect(count(db, 'SELECT COUNT(*) AS n FROM event WHERE event_id = ?', kept.eventId)).toBe(1);
      expect(count(db, 'SELECT COUNT(*) AS n FROM raw_message WHERE id = ?', kept.rawId)).toBe(1);
    }
  });

  it('never purges an event that has not been posted or voided, however old, nor rejected messages or audit entries', async () => {
    const db = openTempDb();
    const ancient = NOW - 5000 * DAY;
    const unfinished = EVENT_STATUSES.filter((s): s is Exclude<EventStatus, 'posted' | 'voided'> => s !== 'posted' && s !== 'voided');
    expect(unfinished).toEqual(['mapped', 'ready', 'exception', 'sending', 'recorded', 'pending_approval']);
    for (const status of unfinished) for (let i = 0; i < 3; i++) addEvent(db, status, ancient + i);
    insertRawMessage(db, { idempotencyKey: 'bad-1', source: 'mes', channel: 't', payload: 'not json', receivedAt: ancient, correlationId: 'c', status: 'rejected', rejectReason: 'not JSON' });
    appendAudit(db, { at: ancient, actor: 'local-console', action: 'certificate.trust', subject: 'x' });
    const before = tableCounts(db);
    const statusesBefore = countEventsByStatus(db);

    // Even with the shortest retention the schema allows short of "never", and batches of one.
    const result = await maintenance(db, { retentionDays: 0.0001, telemetryRetentionDays: 0.0001 }, { batchSize: 1 }).runRetention();
    expect(result).toMatchObject({ events: 0, history: 0, rawMessages: 0, telemetry: 0 });
    expect(tableCounts(db)).toEqual(before);
    expect(countEventsByStatus(db)).toEqual(statusesBefore);
    // Exceptions and those awaiting a second supervisor keep their rule rows (migrations 0006, 0009).
    expect(countExceptionsByRule(db)).toEqual([{ rule: 'UNIT_MISMATCH', count: 6 }]);
  });

  it('the purge itself re-checks the status: a batch never deletes an unfinished event', () => {
    const db = openTempDb();
    addEvent(db, 'posted', NOW - 40 * DAY);
    const ready = addEvent(db, 'ready', NOW - 40 * DAY);
    // Whatever the index says, `purgeFinishedEvents` deletes only rows that are posted or voided when it deletes.
    expect(purgeFinishedEvents(db, NOW, 500)).toEqual({ events: 1, history: 3, raw: 1 });
    expect(count(db, 'SELECT COUNT(*) AS n FROM event WHERE event_id = ?', ready.eventId)).toBe(1);
  });

  it('with enterprise publish on, keeps finished events whose changes the enterprise broker has not acknowledged', async () => {
    const db = openTempDb();
    const published = addEvent(db, 'posted', NOW - 40 * DAY);
    const cursor = count(db, 'SELECT MAX(id) AS n FROM event_history');
    const unpublished = addEvent(db, 'posted', NOW - 40 * DAY);
    const m = new StoreMaintenance({
      db, config: StoreSchema.parse({}), backupDir: '/nonexistent/backups', logger, migration: null, recovery: null, now: () => NOW,
      timing: { batchPauseMs: 0 }, publishedHistoryId: () => cursor,
    });
    expect(await m.runRetention()).toMatchObject({ events: 1 });
    expect(count(db, 'SELECT COUNT(*) AS n FROM event WHERE event_id = ?', published.eventId)).toBe(0);
    expect(count(db, 'SELECT COUNT(*) AS n FROM event WHERE event_id = ?', unpublished.eventId)).toBe(1);
    expect(count(db, 'SELECT COUNT(*) AS n FROM event_history WHERE event_id = ?', unpublished.eventId)).toBe(3);
  });

  it('one call is one transaction of at most `limit` events', () => {
    const db = openTempDb();
    db.transaction(() => {
      for (let i = 0; i < 25; i++) addEvent(db, 'posted', NOW - 40 * DAY + i);
    })();
    expect([1, 2, 3, 4].map(() => purgeFinishedEvents(db, NOW - 30 * DAY, 10).events)).toEqual([10, 10, 5, 0]);
  });

  it('purges telemetry older than telemetryRetentionDays, oldest first, and nothing else', async () => {
    const db = openTempDb();
    for (let i = 0; i < 30; i++) addTelemetry(db, NOW - 10 * DAY + i);
    const keptTelemetry = [addTelemetry(db, NOW - 6 * DAY), addTelemetry(db, NOW - 1000)];
    const event = addEvent(db, 'ready', NOW - 10 * DAY);
    const result = await maintenance(db, {}, { batchSize: 7 }).runRetention();
    expect(result).toMatchObject({ telemetry: 30, events: 0 });
    expect(count(db, "SELECT COUNT(*) AS n FROM raw_message WHERE status = 'telemetry'")).toBe(2);
    for (const id of keptTelemetry) expect(count(db, 'SELECT COUNT(*) AS n FROM raw_message WHERE id = ?', id)).toBe(1);
    expect(count(db, 'SELECT COUNT(*) AS n FROM raw_message WHERE id = ?', event.rawId)).toBe(1);
    expect(purgeTelemetry(db, NOW, 0)).toBe(0);
  });

  it('retentionDays 0 and telemetryRetentionDays 0 keep everything', async () => {
    const db = openTempDb();
    addEvent(db, 'posted', NOW - 400 * DAY);
    addTelemetry(db, NOW - 400 * DAY);
    const result = await maintenance(db, { retentionDays: 0, telemetryRetentionDays: 0 }).runRetention();
    expect(result).toMatchObject({ events: 0, telemetry: 0 });
  });

  it('works in small transactions with pauses, so intake gets in between', async () => {
    const db = openTempDb();
    db.transaction(() => {
      for (let i = 0; i < 95; i++) addEvent(db, 'posted', NOW - 40 * DAY + i);
    })();
    let intakeDuringPurge = false;
    let done = false;
    const m = maintenance(db, {}, { batchSize: 10, batchPauseMs: 2 });
    setTimeout(() => {
      addEvent(db, 'ready', NOW);
      intakeDuringPurge = !done;
    }, 1);
    const result = await m.runRetention();
    done = true;
    expect(result.events).toBe(95);
    // One batch is one transaction of at most batchSize events.
    expect(purgeFinishedEvents(db, NOW, 10).events).toBe(0);
    expect(intakeDuringPurge).toBe(true);
    expect(countEventsByStatus(db).ready).toBe(1);
  });

  it('gives the freed pages back to the file system (incremental vacuum)', async () => {
    const db = openTempDb();
    expect(storeSpace(db).autoVacuum).toBe(2);
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) addEvent(db, 'posted', NOW - 40 * DAY, 2000);
      for (let i = 0; i < 100; i++) addEvent(db, 'ready', NOW, 2000);
    })();
    const before = storeSpace(db);
    const result = await maintenance(db, {}, { vacuumPagesPerStep: 100 }).runRetention();
    const after = storeSpace(db);
    expect(result.events).toBe(2000);
    expect(result.pagesFreed).toBeGreaterThan(1000);
    expect(after.freePages).toBe(0);
    expect(after.pages).toBeLessThan(before.pages / 5);
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    expect(countEventsByStatus(db).ready).toBe(100);
  });

  it('reports the last pass in health', async () => {
    const db = openTempDb();
    addEvent(db, 'posted', NOW - 40 * DAY);
    addTelemetry(db, NOW - 40 * DAY);
    const m = maintenance(db, { retentionDays: 30, telemetryRetentionDays: 7 });
    expect(m.health()).toMatchObject({ lastPurgeAt: null, purged: { events: 0, rawMessages: 0, telemetry: 0 } });
    await m.runRetention();
    expect(m.health()).toMatchObject({
      lastPurgeAt: new Date(NOW).toISOString(), purged: { events: 1, rawMessages: 1, telemetry: 1 }, retentionDays: 30, telemetryRetentionDays: 7, integrity: 'ok', warning: null,
    });
  });
});
