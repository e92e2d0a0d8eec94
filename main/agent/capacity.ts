// The disk budget and back pressure (RELIABILITY.md promise 2; README, "Disk budget and back pressure"). Every few
// seconds it measures the store (pages in use + WAL) and the intake, warns near the budget with the hours of
// buffer left, sheds telemetry oldest first at the budget, and pauses business intake when no telemetry is left
// to shed. A commit that fails for want of space (SQLITE_FULL, I/O error) pauses intake too; the store is tried
// again with backoff and intake resumes by itself once it takes writes.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CapacityStatus, IntakePauseReason } from '../../domain/index.js';
import type { WritableDb } from '../../local-store/index.js';
import {
  countPostedBetween, countTelemetryRows, intakeCursor, intakeSince, isStorageFullError, probeWrite, sampleRowSizes, shedOldestTelemetry,
  storeUsage, telemetryShedTotal, type IntakeCursor, type StoreUsage,
} from '../../local-store/capacity.js';
import type { IntakeControl } from './capacityGate.js';
import { RateMeter } from './capacityRates.js';
import type { StoreConfig } from './config/storeSchema.js';
import { bufferHoursLeft, formatHours, hoursToBudget } from './drainEta.js';
import type { Logger } from './logger.js';

const MB = 1024 * 1024;
/** Shedding goes on until the store is below this share of the budget, and a budget pause ends below it. */
export const RESUME_BELOW = 0.98;

export type CapacityConfig = Pick<StoreConfig, 'diskBudgetMb' | 'warnAtPct' | 'reserveFreeMb' | 'capacityCheckS'>;

export interface CapacityTiming {
  /** Telemetry rows per shedding transaction. */
  readonly shedBatch: number;
  /** Shedding transactions per look at most; the next look goes on. */
  readonly maxShedBatches: number;
  /** Backoff between tries of a full store: from min, doubling, up to max. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** What a try writes (and deletes again) to see whether the store takes writes. */
  readonly probeBytes: number;
  /** The window of the measured rates. */
  readonly rateWindowMs: number;
  /** The stored telemetry is counted again this often (between counts it is tracked from intake and shedding). */
  readonly recountTelemetryMs: number;
}

export const DEFAULT_CAPACITY_TIMING: CapacityTiming = {
  shedBatch: 1000, maxShedBatches: 50, retryMinMs: 1000, retryMaxMs: 60_000, probeBytes: 256 * 1024, rateWindowMs: 10 * 60_000, recountTelemetryMs: 10 * 60_000,
};

export interface CapacityOptions {
  readonly db: WritableDb;
  readonly intake: IntakeControl;
  readonly config: CapacityConfig;
  readonly logger: Logger;
  /** Called when what status() says changed in a way the console should see soon. */
  readonly onChange?: () => void;
  readonly timing?: Partial<CapacityTiming>;
  readonly now?: () => number;
  /** Free bytes on the disk holding the store; default statfs of its folder; null when unknown. */
  readonly diskFree?: () => number | null;
}

export interface MeasuredRates {
  readonly postRatePerMin: number;
  readonly arrivalRatePerMin: number;
}

interface Look {
  readonly at: number;
  readonly usage: StoreUsage;
  readonly budgetBytes: number;
  readonly diskFree: number | null;
}

export class CapacityMonitor {
  private readonly timing: CapacityTiming;
  private readonly now: () => number;
  private readonly diskFree: () => number | null;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  private budgetPaused = false;
  private diskFull = false;
  private pausedSince: number | null = null;
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  private retryAttempt = 0;
  /** The budget in effect when the store last failed to write: a look that finds more room tries again at once. */
  private budgetAtFailure = 0;

  private cursor: IntakeCursor;
  private postedUpTo: number;
  private readonly businessBytes: RateMeter;
  private readonly telemetryBytes: RateMeter;
  private readonly arrivals: RateMeter;
  private readonly posts: RateMeter;
  private rowBytes = { telemetry: 0, business: 0 };
  private telemetryRows: number | null = null;
  private telemetryCountedAt = 0;
  private shedTotal: number;
  private lastShedAt: number | null = null;
  private last: Look | null = null;

  constructor(private readonly options: CapacityOptions) {
    this.timing = { ...DEFAULT_CAPACITY_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
    this.diskFree = options.diskFree ?? (() => freeBytesOn(dirname(options.db.name)));
    const now = this.now();
    const meter = (): RateMeter => new RateMeter({ windowMs: this.timing.rateWindowMs, startedAt: now, now: this.now });
    this.businessBytes = meter();
    this.telemetryBytes = meter();
    this.arrivals = meter();
    this.posts = meter();
    this.cursor = intakeCursor(options.db);
    this.postedUpTo = now;
    this.shedTotal = telemetryShedTotal(options.db);
  }

  /** Looks at once (a store over its budget pauses before the first message), then every `capacityCheckS`. */
  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.config.capacityCheckS * 1000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  get reason(): IntakePauseReason | null {
    if (this.diskFull) return 'disk-full';
    return this.budgetPaused ? 'budget' : null;
  }

  /** One look: measure, shed, pause or resume. Public so tests drive it without timers; never throws. */
  tick(now: number = this.now()): void {
    try {
      this.measureIntake(now);
      this.applyBudget(now);
      // Room came back (disk space freed, a page limit raised): no need to wait for the backoff.
      if (this.diskFull && this.last !== null && this.last.budgetBytes >= this.budgetAtFailure + this.timing.probeBytes) this.retry(now);
    } catch (error) {
      if (isStorageFullError(error)) this.storeFailed(error as Error);
      else this.options.logger.error({ err: error }, 'could not measure the store for its disk budget');
    }
    this.applyIntake(now);
  }

  /**
   * A group commit failed as a whole (Ingest's onStoreFailure). Disk full and I/O errors pause intake: nothing of
   * the batch was acknowledged, later messages wait, and the store is tried again with backoff.
   */
  storeFailed(error: Error): void {
    if (!isStorageFullError(error)) return;
    const now = this.now();
    this.lastError = describe(error);
    if (!this.diskFull) {
      this.diskFull = true;
      this.retryAttempt = 0;
      this.options.logger.error({ err: error }, `the store cannot write (${this.lastError}): intake paused, nothing is acknowledged until space returns`);
    }
    // Called from inside the group commit: pause first, and never throw there.
    this.applyIntake(now);
    this.scheduleRetry(now);
    try {
      this.budgetAtFailure = this.look(now).budgetBytes;
    } catch {
      this.budgetAtFailure = Number.POSITIVE_INFINITY;
    }
    this.options.onChange?.();
  }

  /** One try of a full store: shed telemetry, then write a probe; intake resumes when it went through. Public for tests. */
  retry(now: number = this.now()): boolean {
    if (!this.diskFull) return true;
    try {
      this.writeProbe(now);
    } catch (error) {
      this.lastError = describe(error);
      this.budgetAtFailure = this.last?.budgetBytes ?? Number.POSITIVE_INFINITY;
      this.options.logger.warn({ err: error, retryInMs: this.backoffMs() }, 'the store still cannot write; trying again later');
      this.scheduleRetry(now);
      this.options.onChange?.();
      return false;
    }
    this.diskFull = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.lastError = null;
    this.nextRetryAt = null;
    this.retryAttempt = 0;
    this.options.logger.info('the store takes writes again');
    // The budget decides whether intake resumes now (a budget pause may go on).
    this.tick(now);
    return true;
  }

  rates(now: number = this.now()): MeasuredRates {
    return { postRatePerMin: round2(this.posts.perMinute(now)), arrivalRatePerMin: round2(this.arrivals.perMinute(now)) };
  }

  status(now: number = this.now()): CapacityStatus {
    const look = this.last ?? this.look(now);
    const { usage, budgetBytes, diskFree } = look;
    const businessPerHour = this.businessBytes.perHour(now);
    const telemetryPerHour = this.telemetryBytes.perHour(now);
    const buffer = { budgetBytes, usedBytes: usage.usedBytes, businessBytesPerHour: businessPerHour, telemetryBytesPerHour: telemetryPerHour };
    const hoursLeft = bufferHoursLeft({ ...buffer, telemetryBytes: (this.telemetryRows ?? 0) * this.rowBytes.telemetry });
    const toBudget = hoursToBudget(buffer);
    const usedPct = budgetBytes > 0 ? (usage.usedBytes / budgetBytes) * 100 : 100;
    return {
      usedMb: round2(usage.usedBytes / MB),
      budgetMb: this.options.config.diskBudgetMb,
      effectiveBudgetMb: round2(budgetBytes / MB),
      usedPct: Math.round(usedPct * 10) / 10,
      diskFreeMb: diskFree === null ? null : round2(diskFree / MB),
      businessMbPerHour: round2(businessPerHour / MB),
      telemetryMbPerHour: round2(telemetryPerHour / MB),
      bufferHoursLeft: hoursLeft === null ? null : round2(hoursLeft),
      hoursToBudget: toBudget === null ? null : round2(toBudget),
      telemetryShed: this.shedTotal,
      telemetryNotStored: this.options.intake.telemetryNotStored,
      intakePaused: this.reason !== null,
      reason: this.reason,
      pausedSince: this.pausedSince === null ? null : new Date(this.pausedSince).toISOString(),
      heldMessages: this.options.intake.heldMessages,
      warning: this.warning(look, usedPct, hoursLeft, toBudget, now),
      lastError: this.lastError,
      nextRetryAt: this.nextRetryAt === null ? null : new Date(this.nextRetryAt).toISOString(),
    };
  }

  private measureIntake(now: number): void {
    const { db } = this.options;
    const delta = intakeSince(db, this.cursor);
    this.cursor = delta.cursor;
    const sizes = sampleRowSizes(db);
    if (sizes.telemetry !== null) this.rowBytes.telemetry = sizes.telemetry;
    if (sizes.business !== null) this.rowBytes.business = sizes.business;
    this.businessBytes.add(delta.businessRows * this.rowBytes.business, now);
    this.telemetryBytes.add(delta.telemetryRows * this.rowBytes.telemetry, now);
    this.arrivals.add(delta.confirmations, now);
    if (now > this.postedUpTo) {
      this.posts.add(countPostedBetween(db, this.postedUpTo, now), now);
      this.postedUpTo = now;
    }
    if (this.telemetryRows === null || now - this.telemetryCountedAt >= this.timing.recountTelemetryMs) {
      this.telemetryRows = countTelemetryRows(db);
      this.telemetryCountedAt = now;
    } else {
      this.telemetryRows += delta.telemetryRows;
    }
  }

  /** At the budget: shed telemetry down to RESUME_BELOW of it; with none left and still at the budget, pause. */
  private applyBudget(now: number): void {
    let look = this.look(now);
    if (look.usage.usedBytes >= look.budgetBytes) {
      this.shedTo(look.budgetBytes * RESUME_BELOW, now);
      look = this.look(now);
      if (look.usage.usedBytes >= look.budgetBytes && this.telemetryRows === 0 && !this.budgetPaused) {
        this.budgetPaused = true;
        this.options.logger.warn({ usedMb: round2(look.usage.usedBytes / MB), budgetMb: round2(look.budgetBytes / MB) },
          'disk budget reached and no telemetry left to shed: business intake paused (the brokers keep unacknowledged messages)');
      }
    } else if (this.budgetPaused && look.usage.usedBytes < look.budgetBytes * RESUME_BELOW) {
      this.budgetPaused = false;
      this.options.logger.info({ usedMb: round2(look.usage.usedBytes / MB), budgetMb: round2(look.budgetBytes / MB) }, 'the store is below its disk budget again');
    }
    this.last = look;
  }

  /** Sheds telemetry, oldest first, until the store uses less than `target` bytes or none is left (bounded per call). */
  private shedTo(target: number, now: number): number {
    let shed = 0;
    let usage = storeUsage(this.options.db);
    // The WAL is counted as it was: the pages shedding itself writes there are reused after the next checkpoint.
    const wal = usage.walBytes;
    const used = (u: StoreUsage): number => u.usedBytes - u.walBytes + wal;
    for (let i = 0; i < this.timing.maxShedBatches && used(usage) >= target; i++) {
      const rows = this.shedBatch(now);
      if (rows === 0) break;
      shed += rows;
      usage = storeUsage(this.options.db);
    }
    if (shed > 0) {
      this.options.logger.warn({ rows: shed, total: this.shedTotal, usedMb: round2(usage.usedBytes / MB), targetMb: round2(target / MB) },
        `disk budget reached: shed ${shed} telemetry rows, oldest first`);
    }
    return shed;
  }

  private shedBatch(now: number): number {
    const result = shedOldestTelemetry(this.options.db, this.timing.shedBatch);
    this.shedTotal = result.total;
    if (result.rows === 0) {
      this.telemetryRows = 0;
      return 0;
    }
    this.telemetryRows = Math.max(0, (this.telemetryRows ?? result.rows) - result.rows);
    this.lastShedAt = now;
    this.options.onChange?.();
    return result.rows;
  }

  /** Telemetry first (its pages are reused by new rows even when the file cannot grow), then a real write. */
  private writeProbe(now: number): void {
    // On a disk that is full already even a delete needs room in the WAL: a checkpoint that completes lets the
    // WAL start over (TRUNCATE also gives its space back). Best effort: it fails when the file would have to grow.
    try {
      this.options.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // the shedding and the probe below say whether the store takes writes
    }
    const look = this.look(now);
    // At least a few probes' worth, so that more than the next batch fits (fewer pause and resume rounds).
    if (look.usage.usedBytes >= look.budgetBytes) this.shedTo(Math.min(look.budgetBytes * RESUME_BELOW, look.usage.usedBytes - 4 * this.timing.probeBytes), now);
    for (let i = 0; ; i++) {
      try {
        probeWrite(this.options.db, this.timing.probeBytes);
        return;
      } catch (error) {
        if (!isStorageFullError(error) || i >= this.timing.maxShedBatches || this.shedBatch(now) === 0) throw error;
      }
    }
  }

  private scheduleRetry(now: number): void {
    if (this.retryTimer !== undefined || this.stopped) return;
    const delay = this.backoffMs();
    this.retryAttempt++;
    this.nextRetryAt = now + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retry();
    }, delay);
    this.retryTimer.unref();
  }

  private backoffMs(): number {
    return Math.min(this.timing.retryMaxMs, this.timing.retryMinMs * 2 ** Math.min(this.retryAttempt, 20));
  }

  /** Pauses or resumes the intake when it does not match the reason (idempotent). */
  private applyIntake(now: number): void {
    const pause = this.reason !== null;
    if (pause === this.options.intake.intakePaused) return;
    if (pause) {
      this.pausedSince = now;
      this.options.intake.pauseIntake();
    } else {
      this.pausedSince = null;
      this.options.intake.resumeIntake();
      this.options.logger.info('intake resumed');
    }
    this.options.onChange?.();
  }

  private look(now: number): Look {
    const usage = storeUsage(this.options.db);
    const diskFree = this.diskFree();
    return { at: now, usage, budgetBytes: this.effectiveBudget(usage, diskFree), diskFree };
  }

  /**
   * The budget, made smaller when the disk (keeping the reserve free) or SQLite's page limit (max_page_count)
   * leaves less room: what the store could still take is its free pages plus the disk's free space.
   */
  private effectiveBudget(usage: StoreUsage, diskFree: number | null): number {
    const { config } = this.options;
    let budget = config.diskBudgetMb * MB;
    const freeInFile = usage.freePages * usage.pageSize;
    if (diskFree !== null) budget = Math.min(budget, usage.usedBytes + freeInFile + diskFree - config.reserveFreeMb * MB);
    const maxPages = this.options.db.pragma('max_page_count', { simple: true }) as number;
    budget = Math.min(budget, maxPages * usage.pageSize + usage.walBytes);
    return Math.max(0, budget);
  }

  private warning(look: Look, usedPct: number, hoursLeft: number | null, toBudget: number | null, now: number): string | null {
    const { config } = this.options;
    const budget = `${formatMb(look.budgetBytes)} budget${look.budgetBytes < config.diskBudgetMb * MB ? ` (the disk has only ${formatMb(look.diskFree ?? 0)} free)` : ''}`;
    const shed = `${this.shedTotal.toLocaleString('en-US')} telemetry rows shed`;
    if (this.diskFull) {
      const retry = this.nextRetryAt === null ? '' : ` Trying again in ${Math.max(1, Math.round((this.nextRetryAt - now) / 1000))} s.`;
      return `Disk full: the store cannot write (${this.lastError ?? 'disk full'}). Intake is paused and nothing is acknowledged, so no record is lost: the brokers keep the messages. Free disk space; intake resumes by itself.${retry}`;
    }
    if (this.budgetPaused) {
      return `Disk budget reached (${formatPct(usedPct)} of the ${budget}): ${shed}; intake of business records is paused and nothing is lost (the brokers keep unacknowledged messages). Free disk space or raise store.diskBudgetMb; intake resumes by itself.`;
    }
    const left = hoursLeft === null ? 'no business records arriving' : `about ${formatHours(hoursLeft)} of buffer left at the current rate`;
    if (this.lastShedAt !== null && now - this.lastShedAt < this.timing.rateWindowMs) {
      return `Disk budget reached (${formatPct(usedPct)} of the ${budget}): telemetry is shed, oldest first (${shed}); ${left} before intake of business records pauses.`;
    }
    if (usedPct >= config.warnAtPct) {
      const shedding = toBudget === null ? '' : `; telemetry shedding starts in about ${formatHours(toBudget)}`;
      return `Buffer at ${formatPct(usedPct)} of its ${budget}: ${left}${shedding}.`;
    }
    return null;
  }
}

function freeBytesOn(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const formatMb = (bytes: number): string => `${Math.round(bytes / MB).toLocaleString('en-US')} MB`;
const formatPct = (pct: number): string => `${Math.round(pct)} %`;
