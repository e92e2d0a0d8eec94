// CapacityMonitor against a real store and the real intake, with an injected clock and no disk figure: the warning
// with hours of buffer left, shedding telemetry oldest first, the budget pause with back pressure, disk full
// (SQLITE_FULL through max_page_count) and resuming by itself.
import { describe, expect, it } from 'vitest';
import { CapacityMonitor, type CapacityConfig } from '../../../main/agent/capacity.js';
import { IntakePausedError } from '../../../main/agent/capacityGate.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import type { WritableDb } from '../../../local-store/index.js';
import { sampleRowSizes, storeUsage } from '../../../local-store/capacity.js';
import type { OpcuaSample } from '../../../connectors/opcua/index.js';
import type { IncomingMqttMessage } from '../../../connectors/mqtt/index.js';
import { mesConfirmation } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

const logger = createLogger('silent');
const T0 = 1_700_000_000_000;
const MB = 1024 * 1024;
const MIN = 60_000;

type MutableConfig = { -readonly [K in keyof CapacityConfig]: CapacityConfig[K] };

function sample(i: number): OpcuaSample {
  return { source: 'plc-1', signal: { line: 'L1', role: 'good', nodeId: 'ns=1;s=L1.GoodCount' }, value: i, sourceTime: T0 + i * 100, receivedAt: T0 + i * 100 };
}
function message(i: number): IncomingMqttMessage {
  return { source: 'mes', topic: 'plant/1010/L1/confirmation', type: 'confirmation', payload: Buffer.from(JSON.stringify(mesConfirmation({ messageId: `m-${i}` }))), receivedAt: T0 };
}

interface Rig {
  readonly db: WritableDb;
  readonly ingest: Ingest;
  readonly monitor: CapacityMonitor;
  readonly config: MutableConfig;
  clock: number;
}

function rig(options: { realClock?: boolean; timing?: ConstructorParameters<typeof CapacityMonitor>[0]['timing'] } = {}): Rig {
  const db = openTempDb();
  const config: MutableConfig = { diskBudgetMb: 1000, warnAtPct: 80, reserveFreeMb: 0, capacityCheckS: 10 };
  // eslint-disable-next-line prefer-const -- assigned once the intake that reports to it exists
  let monitor: CapacityMonitor;
  const ingest = new Ingest(db, logger, { onStoreFailure: (error) => monitor.storeFailed(error) });
  const r = { db, ingest, config, clock: T0 } as Rig;
  monitor = new CapacityMonitor({ db, intake: ingest, config, logger, diskFree: () => null, ...(options.realClock ? {} : { now: () => r.clock }), ...(options.timing ? { timing: options.timing } : {}) });
  Object.assign(r, { monitor });
  return r;
}

const telemetry = (ingest: Ingest, from: number, count: number): Promise<unknown> => Promise.all(Array.from({ length: count }, (_, i) => ingest.submitOpcua(sample(from + i))));
const business = (ingest: Ingest, from: number, count: number): Promise<unknown> => Promise.all(Array.from({ length: count }, (_, i) => ingest.submitMqtt(message(from + i))));
const count = (db: WritableDb, where: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM raw_message WHERE ${where}`).get() as { n: number }).n;
const firstTelemetryValue = (db: WritableDb): number => (JSON.parse((db.prepare("SELECT payload FROM raw_message WHERE status = 'telemetry' ORDER BY id LIMIT 1").get() as { payload: string }).payload) as { value: number }).value;
const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};
/** Sets the budget so that the store now uses `pct` % of it. */
function budgetAt(r: Rig, pct: number): void {
  r.config.diskBudgetMb = storeUsage(r.db).usedBytes / MB / (pct / 100);
}

describe('CapacityMonitor: near the budget', () => {
  it('warns with the hours of buffer left at the measured intake rate, and not below warnAtPct', async () => {
    const r = rig();
    r.monitor.tick();
    await business(r.ingest, 0, 600);
    await telemetry(r.ingest, 0, 3000);
    r.clock = T0 + 10 * MIN;
    r.monitor.tick();

    const quiet = r.monitor.status();
    expect(quiet.warning).toBeNull();
    expect(quiet.intakePaused).toBe(false);

    budgetAt(r, 85);
    r.monitor.tick();
    const near = r.monitor.status();
    const sizes = sampleRowSizes(r.db);
    // 600 business records and 3000 telemetry rows in 10 minutes, i.e. 6 times that an hour.
    const businessPerHour = 600 * sizes.business! * 6;
    const telemetryPerHour = 3000 * sizes.telemetry! * 6;
    expect(near.businessMbPerHour).toBeCloseTo(businessPerHour / MB, 1);
    expect(near.telemetryMbPerHour).toBeCloseTo(telemetryPerHour / MB, 1);
    const usedBytes = storeUsage(r.db).usedBytes;
    const budgetBytes = r.config.diskBudgetMb * MB;
    expect(near.usedPct).toBeCloseTo(85, 0);
    expect(near.bufferHoursLeft).toBeCloseTo((budgetBytes - usedBytes + 3000 * sizes.telemetry!) / businessPerHour, 1);
    expect(near.hoursToBudget).toBeCloseTo((budgetBytes - usedBytes) / (businessPerHour + telemetryPerHour), 1);
    expect(near.warning).toMatch(/^Buffer at 85 % of its \d+ MB budget: about [\d.]+ (min|h) of buffer left at the current rate; telemetry shedding starts in about/);
    expect(near.intakePaused).toBe(false);
  });

  it('measures posting and arrival rates for the drain ETA', async () => {
    const r = rig();
    r.monitor.tick();
    await business(r.ingest, 0, 30);
    r.clock = T0 + 2 * MIN;
    const ids = (r.db.prepare('SELECT event_id FROM event ORDER BY id LIMIT 10').all() as { event_id: string }[]).map((e) => e.event_id);
    for (const id of ids) {
      r.db.prepare("UPDATE event SET status = 'posted', updated_at = ? WHERE event_id = ?").run(T0 + MIN, id);
    }
    r.monitor.tick();
    expect(r.monitor.rates()).toEqual({ postRatePerMin: 5, arrivalRatePerMin: 15 });
  });
});

describe('CapacityMonitor: at the budget', () => {
  it('sheds telemetry oldest first and counted, then pauses business intake (held, never dropped), and resumes when the budget is raised', async () => {
    const r = rig({ timing: { shedBatch: 200 } });
    await telemetry(r.ingest, 0, 3000);
    await business(r.ingest, 0, 200);
    r.db.pragma('wal_checkpoint(TRUNCATE)');
    r.monitor.tick();

    // Over the budget by about 5 %: some telemetry goes, the oldest first; no business record.
    budgetAt(r, 105);
    r.monitor.tick();
    const shedding = r.monitor.status();
    expect(shedding.telemetryShed).toBeGreaterThan(0);
    expect(shedding.telemetryShed).toBeLessThan(3000);
    expect(shedding.telemetryShed % 200).toBe(0);
    expect(firstTelemetryValue(r.db)).toBe(shedding.telemetryShed);
    expect(count(r.db, "status = 'telemetry'")).toBe(3000 - shedding.telemetryShed);
    expect(count(r.db, "status <> 'telemetry'")).toBe(200);
    expect(shedding.intakePaused).toBe(false);
    expect(shedding.warning).toMatch(/telemetry is shed, oldest first \([\d,]+ telemetry rows shed\)/);

    // A budget below what the business records alone take: all telemetry goes, then intake pauses.
    r.config.diskBudgetMb = 0.01;
    r.monitor.tick();
    const paused = r.monitor.status();
    expect(paused.telemetryShed).toBe(3000);
    expect(count(r.db, "status <> 'telemetry'")).toBe(200);
    expect(paused).toMatchObject({ intakePaused: true, reason: 'budget' });
    expect(paused.pausedSince).toBe(new Date(r.clock).toISOString());
    expect(paused.warning).toMatch(/^Disk budget reached .*3,000 telemetry rows shed; intake of business records is paused and nothing is lost/);

    // Business: held, not committed, not answered (so not acknowledged). Telemetry: not stored.
    let stored: string | undefined;
    const held = r.ingest.submitMqtt(message(1000)).then((outcome) => (stored = outcome));
    await expect(r.ingest.submitOpcua(sample(5000))).rejects.toBeInstanceOf(IntakePausedError);
    expect(await r.ingest.submitRaw({ idempotencyKey: 'spb-1', source: 'spb', channel: 'spBv1.0/G/NDATA/N', payload: '{}', receivedAt: T0, correlationId: 'c', status: 'telemetry' })).toBe('skipped');
    await turns();
    expect(stored).toBeUndefined();
    expect(count(r.db, "status <> 'telemetry'")).toBe(200);
    expect(r.monitor.status()).toMatchObject({ heldMessages: 1, telemetryNotStored: 2 });

    // Space returns (here: the budget is raised): intake resumes by itself at the next look.
    r.config.diskBudgetMb = 1000;
    r.monitor.tick();
    await held;
    expect(stored).toBe('stored');
    expect(count(r.db, "status <> 'telemetry'")).toBe(201);
    expect(r.monitor.status()).toMatchObject({ intakePaused: false, reason: null, heldMessages: 0, pausedSince: null, telemetryShed: 3000 });
    expect(await r.ingest.submitOpcua(sample(6000))).toBe('stored');
  });

  it('pauses at once on start when the store is already over its budget with no telemetry', async () => {
    const r = rig();
    await business(r.ingest, 0, 50);
    r.config.diskBudgetMb = 0.01;
    r.monitor.start();
    try {
      expect(r.monitor.status()).toMatchObject({ intakePaused: true, reason: 'budget' });
      expect(r.ingest.intakePaused).toBe(true);
    } finally {
      r.monitor.stop();
    }
  });
});

describe('CapacityMonitor: disk full', () => {
  it('pauses on SQLITE_FULL (the failed batch rejected, nothing acknowledged), keeps later messages waiting, and resumes by itself when room returns', async () => {
    const r = rig({ realClock: true, timing: { retryMinMs: 20, retryMaxMs: 100 } });
    await business(r.ingest, 0, 20);
    r.monitor.tick();
    const pages = r.db.pragma('page_count', { simple: true }) as number;
    r.db.pragma(`max_page_count = ${pages}`);

    const failed = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => r.ingest.submitMqtt(message(100 + i))));
    expect(failed.every((f) => f.status === 'rejected' && (f.reason as { code?: string }).code === 'SQLITE_FULL')).toBe(true);
    const full = r.monitor.status();
    expect(full).toMatchObject({ intakePaused: true, reason: 'disk-full' });
    expect(full.lastError).toMatch(/^SQLITE_FULL: database or disk is full/);
    expect(full.warning).toMatch(/^Disk full: the store cannot write/);
    expect(full.nextRetryAt).not.toBeNull();

    let stored: string | undefined;
    const held = r.ingest.submitMqtt(message(100)).then((outcome) => (stored = outcome));
    // Retries fail while there is no room (nothing to shed), and the message keeps waiting.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(stored).toBeUndefined();
    expect(r.monitor.status().reason).toBe('disk-full');
    expect(count(r.db, '1')).toBe(20);

    r.db.pragma(`max_page_count = ${pages + 1000}`);
    await held;
    expect(stored).toBe('stored');
    expect(r.monitor.status()).toMatchObject({ intakePaused: false, reason: null, lastError: null, nextRetryAt: null });
    expect(count(r.db, '1')).toBe(21);
    r.monitor.stop();
  });

  it('sheds telemetry to make room when the store cannot grow, counted, and resumes without waiting for more room', async () => {
    const r = rig({ realClock: true, timing: { retryMinMs: 20, retryMaxMs: 100, shedBatch: 500 } });
    await telemetry(r.ingest, 0, 10_000);
    r.monitor.tick();
    r.db.pragma(`max_page_count = ${r.db.pragma('page_count', { simple: true }) as number}`);
    const failed = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => r.ingest.submitMqtt(message(i))));
    expect(failed.every((f) => f.status === 'rejected')).toBe(true);
    expect(r.monitor.status().reason).toBe('disk-full');
    const redelivered = await Promise.all(Array.from({ length: 50 }, (_, i) => r.ingest.submitMqtt(message(i))));
    expect(redelivered).toEqual(Array(50).fill('stored'));
    const after = r.monitor.status();
    expect(after.reason).toBeNull();
    expect(after.telemetryShed).toBeGreaterThan(0);
    expect(after.telemetryShed).toBeLessThan(10_000);
    expect(firstTelemetryValue(r.db)).toBe(after.telemetryShed);
    expect(count(r.db, "status <> 'telemetry'")).toBe(50);
    r.monitor.stop();
  });

  it('leaves other commit failures to the intake (no pause)', () => {
    const r = rig();
    r.monitor.storeFailed(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    expect(r.monitor.status().intakePaused).toBe(false);
  });
});
