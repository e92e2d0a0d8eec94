// Upkeep of the SQLite buffer while the agent runs: the scheduled online backup (pruned to `store.backup.keep`)
// and retention (posted and voided events, telemetry) in small batches with pauses, then incremental vacuum.
// Off the hot path: one task at a time, started from a timer after the store was opened and migrated (a
// migration only ever runs inside openStore, before this starts), every write a short transaction of its own.
// It also answers Health.store: what happened at start (recovery, migration), the last backup, the last purge.
import { mkdirSync, statfsSync } from 'node:fs';
import type { StoreHealth } from '../../domain/index.js';
import {
  BackupAbortedError, incrementalVacuum, lastRecovery, listBackups, onlineBackup, pruneBackups, purgeFinishedEvents, purgeTelemetry,
  schemaVersion, storeSpace, type BackupFile, type MigrationReport, type StoreRecovery, type WritableDb,
} from '../../local-store/index.js';
import type { StoreConfig } from './config/storeSchema.js';
import type { Logger } from './logger.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A recovery is shown as a warning (health degraded) this long after it happened, across restarts. */
const RECOVERY_WARNING_MS = DAY_MS;

export interface MaintenanceTiming {
  /** The first check after start: the agent's intake and first sync pass come first. */
  readonly firstCheckMs: number;
  /** How often backup and retention are checked for being due. */
  readonly checkEveryMs: number;
  /** How often retention runs. */
  readonly retentionEveryMs: number;
  /** Rows per purge transaction, and the pause between two, so intake never waits long. */
  readonly batchSize: number;
  readonly batchPauseMs: number;
  /** Pages given back per incremental_vacuum step (with the same pause between steps). */
  readonly vacuumPagesPerStep: number;
}

export const DEFAULT_MAINTENANCE_TIMING: MaintenanceTiming = {
  firstCheckMs: 60_000, checkEveryMs: 60_000, retentionEveryMs: HOUR_MS, batchSize: 500, batchPauseMs: 50, vacuumPagesPerStep: 256,
};

export interface StoreMaintenanceOptions {
  readonly db: WritableDb;
  readonly config: StoreConfig;
  readonly backupDir: string;
  readonly logger: Logger;
  /** What opening the store did (openStore). */
  readonly migration: MigrationReport | null;
  readonly recovery: StoreRecovery | null;
  readonly timing?: Partial<MaintenanceTiming>;
  readonly now?: () => number;
  /** Called after a backup or a purge changed what health says. */
  readonly onChange?: () => void;
  /**
   * With enterprise publish on: the event_history id up to which the enterprise broker acknowledged every change.
   * Retention keeps events with a change after it (their message is still to be published).
   */
  readonly publishedHistoryId?: () => number;
  /** The integrity check of this start while it runs in the background (agentStart.ts); absent: it ran while opening. */
  readonly integrityCheck?: () => IntegrityCheckState;
}

/** The background integrity check: running, passed, or unable to run (intake then stays stopped). */
export type IntegrityCheckState = { readonly state: 'checking' | 'passed' } | { readonly state: 'failed'; readonly error: string };

export interface RetentionResult {
  readonly events: number;
  readonly history: number;
  readonly rawMessages: number;
  readonly telemetry: number;
  readonly pagesFreed: number;
}

export class StoreMaintenance {
  private readonly timing: MaintenanceTiming;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private newestBackup: BackupFile | null;
  private lastBackupError: string | null = null;
  private lastRetentionAt: number | null = null;
  private purged = { events: 0, rawMessages: 0, telemetry: 0 };
  private readonly version: number;
  private readonly recovery: StoreRecovery | null;

  constructor(private readonly options: StoreMaintenanceOptions) {
    this.timing = { ...DEFAULT_MAINTENANCE_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
    this.newestBackup = listBackups(options.backupDir)[0] ?? null;
    this.version = schemaVersion(options.db);
    // This start's recovery, or the last one kept in the store (shown as a warning for a day, across restarts).
    this.recovery = options.recovery ?? lastRecovery(options.db);
    this.logStart();
  }

  start(): void {
    this.schedule(this.timing.firstCheckMs);
  }

  /** Stops the timers; a backup under way is abandoned (no file left), a purge stops after its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.check().finally(() => this.schedule(this.timing.checkEveryMs));
    }, delayMs);
    this.timer.unref();
  }

  /** Runs whatever is due, one after the other. */
  private async check(): Promise<void> {
    const now = this.now();
    if (this.backupDue(now)) await this.runBackup().catch(() => undefined);
    if (!this.stopped && (this.lastRetentionAt === null || now - this.lastRetentionAt >= this.timing.retentionEveryMs)) {
      await this.runRetention().catch(() => undefined);
    }
  }

  private backupDue(now: number): boolean {
    return this.newestBackup === null || now - this.newestBackup.at >= this.options.config.backup.everyHours * HOUR_MS;
  }

  /** One online backup now (the backup API, a step at a time), then the oldest beyond `keep` are deleted. */
  async runBackup(): Promise<string | null> {
    const { db, backupDir, logger } = this.options;
    const at = this.now();
    try {
      mkdirSync(backupDir, { recursive: true });
      const space = storeSpace(db);
      const needed = space.pages * space.pageSize;
      const stats = statfsSync(backupDir);
      const free = stats.bavail * stats.bsize;
      // A backup must never be what fills the disk and pauses intake: it needs its size plus a margin.
      if (free < needed * 1.1 + 64 * 1024 * 1024) {
        throw new Error(`skipped: not enough free disk space in ${backupDir} (about ${mb(needed)} MB needed, ${mb(free)} MB free)`);
      }
      const started = performance.now();
      const file = await onlineBackup(db, backupDir, at, { aborted: () => this.stopped, pagesPerStep: 100 });
      const removed = pruneBackups(backupDir, this.options.config.backup.keep);
      this.newestBackup = listBackups(backupDir)[0] ?? null;
      this.lastBackupError = null;
      logger.info({ file, mb: mb(needed), ms: Math.round(performance.now() - started), removed }, 'store backup written');
      this.options.onChange?.();
      return file;
    } catch (error) {
      if (error instanceof BackupAbortedError) return null;
      this.lastBackupError = (error as Error).message;
      logger.warn({ err: error, backupDir }, `store backup failed: ${(error as Error).message}`);
      this.options.onChange?.();
      throw error;
    }
  }

  /** One retention pass: finished events and telemetry past their days, in batches, then incremental vacuum. */
  async runRetention(): Promise<RetentionResult> {
    const { db, config, logger } = this.options;
    const { batchSize, batchPauseMs, vacuumPagesPerStep } = this.timing;
    const now = this.now();
    this.lastRetentionAt = now;
    const result = { events: 0, history: 0, rawMessages: 0, telemetry: 0, pagesFreed: 0 };
    try {
      if (config.retentionDays > 0) {
        const cutoff = now - config.retentionDays * DAY_MS;
        while (!this.stopped) {
          const held = this.options.publishedHistoryId?.();
          const batch = purgeFinishedEvents(db, cutoff, batchSize, held === undefined ? {} : { keepHistoryAfter: held });
          result.events += batch.events;
          result.history += batch.history;
          result.rawMessages += batch.raw;
          if (batch.events < batchSize) break;
          await pause(batchPauseMs);
        }
      }
      if (config.telemetryRetentionDays > 0) {
        const cutoff = now - config.telemetryRetentionDays * DAY_MS;
        while (!this.stopped) {
          const purged = purgeTelemetry(db, cutoff, batchSize);
          result.telemetry += purged;
          if (purged < batchSize) break;
          await pause(batchPauseMs);
        }
      }
      while (!this.stopped && result.events + result.telemetry > 0) {
        const freed = incrementalVacuum(db, vacuumPagesPerStep);
        result.pagesFreed += freed;
        if (freed === 0) break;
        await pause(batchPauseMs);
      }
    } catch (error) {
      logger.warn({ err: error, ...result }, `store retention stopped: ${(error as Error).message}`);
      throw error;
    } finally {
      this.purged = {
        events: this.purged.events + result.events, rawMessages: this.purged.rawMessages + result.rawMessages, telemetry: this.purged.telemetry + result.telemetry,
      };
      if (result.events + result.telemetry > 0) {
        logger.info({ ...result, retentionDays: config.retentionDays, telemetryRetentionDays: config.telemetryRetentionDays }, 'store retention purged old records');
        this.options.onChange?.();
      }
    }
    return result;
  }

  health(): StoreHealth {
    const { config } = this.options;
    const now = this.now();
    const recovery = this.recovery;
    const check = this.options.integrityCheck?.() ?? { state: 'passed' };
    return {
      warning: check.state === 'failed' ? checkFailedWarning(check.error) : this.warning(recovery, now),
      integrity: this.options.recovery ? 'recovered' : check.state === 'passed' ? 'ok' : 'checking',
      ...(recovery ? {
        recoveredAt: iso(recovery.at), damage: recovery.problem, damagedFileKeptAt: recovery.damagedFileKeptAt,
        ...(recovery.recoveredFrom ? { recoveredFrom: recovery.recoveredFrom } : {}),
        ...(recovery.backupTakenAt !== null ? { recoveredBackupTakenAt: iso(recovery.backupTakenAt) } : {}),
      } : {}),
      lastBackupAt: this.newestBackup ? iso(this.newestBackup.at) : null,
      lastBackupFile: this.newestBackup?.file ?? null,
      lastBackupError: this.lastBackupError,
      lastPurgeAt: this.lastRetentionAt === null ? null : iso(this.lastRetentionAt),
      purged: { ...this.purged },
      retentionDays: config.retentionDays,
      telemetryRetentionDays: config.telemetryRetentionDays,
      schemaVersion: this.version,
      ...(this.options.migration ? { migratedFrom: this.options.migration.from } : {}),
    };
  }

  private warning(recovery: StoreRecovery | null, now: number): string | null {
    if (recovery && now - recovery.at < RECOVERY_WARNING_MS) return describeRecovery(recovery);
    const overdue = this.options.config.backup.everyHours * HOUR_MS * 2;
    if (this.lastBackupError && (this.newestBackup === null || now - this.newestBackup.at > overdue)) {
      const since = this.newestBackup ? `since ${iso(this.newestBackup.at)}` : 'yet';
      return `No backup of the buffer ${since}: ${this.lastBackupError}`;
    }
    return null;
  }

  private logStart(): void {
    const { logger, migration, recovery } = this.options;
    if (recovery) logger.error({ ...recovery }, describeRecovery(recovery));
    if (migration && migration.from > 0) {
      logger.info({ ...migration }, `store migrated from schema ${migration.from} to ${migration.to}; the file as it was is kept at ${migration.backupFile}`);
    }
  }
}

function checkFailedWarning(error: string): string {
  return `The integrity check of the buffer could not run (${error}), so intake, ERP sync and enterprise publish were not started. Check the disk and the data directory's permissions, then restart PlantDesk.`;
}

export function describeRecovery(recovery: StoreRecovery): string {
  const found = `The buffer file was damaged at start (${recovery.problem}); it is kept at ${recovery.damagedFileKeptAt}.`;
  if (!recovery.recoveredFrom) {
    return `${found} No usable backup was found, so the buffer started empty: records received before ${iso(recovery.at)} are only in the damaged file.`;
  }
  return `${found} The backup of ${iso(recovery.backupTakenAt ?? recovery.at)} (${recovery.recoveredFrom}) was restored: records received after it are only in the damaged file`
    + ` or at their source; ${recovery.readBack} ready confirmation(s) are read back from the ERP before posting.${describeCounters(recovery)}`;
}

/** Counters after a restore (local-store/counters.ts): what a person reconciles with the ERP. */
function describeCounters(recovery: StoreRecovery): string {
  const counters = recovery.countersRebaselined ?? 0;
  const dropped = recovery.droppedIncrements ?? [];
  if (counters === 0 && dropped.length === 0) return '';
  const lines = dropped.map((d) => `${d.line} ${d.good} good/${d.scrap} scrap`).join(', ');
  return ` ${counters} OPC UA counter(s) restart from their next reading (parts counted since the backup are not confirmed again; the audit log has the gaps)`
    + (dropped.length > 0 ? `; unconfirmed counts of the backup were dropped: ${lines}. Reconcile these with the ERP.` : '. Reconcile them with the ERP.');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
