// The buffer's capacity as the API shows it (README, "Disk budget and back pressure"): in QueueCounts.capacity
// (pushed with every dashboard snapshot) and Health.capacity.

/** Why intake of business records is paused: the disk budget is reached with no telemetry left to shed, or SQLite could not write (disk full, I/O error). */
export type IntakePauseReason = 'budget' | 'disk-full';

export interface CapacityStatus {
  /** Pages in use plus the WAL, in MB: what counts against the budget. */
  readonly usedMb: number;
  /** `store.diskBudgetMb`. */
  readonly budgetMb: number;
  /** The budget in effect: lower than budgetMb while the disk has less room (keeping `store.reserveFreeMb` free). */
  readonly effectiveBudgetMb: number;
  /** usedMb as a share of effectiveBudgetMb, in %. */
  readonly usedPct: number;
  /** Free space on the disk holding the store, in MB; null when unknown. */
  readonly diskFreeMb: number | null;
  /** Intake measured over the last 10 minutes: business records (everything but telemetry) and telemetry, MB per hour. */
  readonly businessMbPerHour: number;
  readonly telemetryMbPerHour: number;
  /** Hours until business intake would pause at the current rates (telemetry is shed first); null while no business record arrives. */
  readonly bufferHoursLeft: number | null;
  /** Hours until the budget is reached and telemetry shedding starts; null while nothing arrives. */
  readonly hoursToBudget: number | null;
  /** Telemetry rows shed (oldest first) to make room, over the life of this store. */
  readonly telemetryShed: number;
  /** Telemetry values not stored because intake was paused, since the agent started. */
  readonly telemetryNotStored: number;
  readonly intakePaused: boolean;
  readonly reason: IntakePauseReason | null;
  readonly pausedSince: string | null;
  /** Business messages that arrived while paused and wait uncommitted: not acknowledged, so their brokers keep them. */
  readonly heldMessages: number;
  /** Plain words while something needs attention (near the budget, shedding, paused); null when all is well. */
  readonly warning: string | null;
  /** The storage error behind 'disk-full', and when the store is tried again; null otherwise. */
  readonly lastError: string | null;
  readonly nextRetryAt: string | null;
}
