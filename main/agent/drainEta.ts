// The arithmetic behind "drains in 40 min" and "N hours of buffer left": pure functions of measured rates, so
// every branch is unit-tested (test/unit/agent/drainEta.test.ts).

export interface DrainInput {
  /** Events on their way to the ERP now (mapped, ready, sending). */
  readonly pending: number;
  /** Confirmations posted per minute, measured over the recent window. */
  readonly postRatePerMin: number;
  /** Confirmations arriving per minute, measured over the same window. */
  readonly arrivalRatePerMin: number;
}

/**
 * Seconds until the queue to the ERP is empty at the measured rates:
 * - nothing waits: 0;
 * - nothing was posted lately (ERP down, or only just started): null, no estimate;
 * - posting outpaces arrivals: pending / (posting - arrivals);
 * - posting keeps up with arrivals and less than a minute's posting waits (the live queue): pending / posting;
 * - otherwise the queue is not shrinking: null.
 * @example drainEtaS({ pending: 600, postRatePerMin: 120, arrivalRatePerMin: 60 }) // 600
 */
export function drainEtaS({ pending, postRatePerMin, arrivalRatePerMin }: DrainInput): number | null {
  if (pending <= 0) return 0;
  if (!(postRatePerMin > 0)) return null;
  const net = postRatePerMin - Math.max(0, arrivalRatePerMin);
  if (net > 0) return Math.round((pending / net) * 60);
  if (pending <= postRatePerMin) return Math.round((pending / postRatePerMin) * 60);
  return null;
}

export interface BufferInput {
  /** The budget in effect (bytes). */
  readonly budgetBytes: number;
  /** Bytes counted against it now. */
  readonly usedBytes: number;
  /** Bytes of telemetry stored now: shed to make room before business intake pauses. */
  readonly telemetryBytes: number;
  readonly businessBytesPerHour: number;
  readonly telemetryBytesPerHour: number;
}

/**
 * Hours until business intake pauses at the current rates. Until the budget, business and telemetry fill the
 * room; from then on each new byte sheds an old telemetry byte, so the business records eat into the telemetry
 * stored. Both phases together: (room + telemetry stored) / business rate. Null when no business record arrives
 * (nothing ever pauses); 0 when there is no room and nothing to shed.
 * @example bufferHoursLeft({ budgetBytes: 100, usedBytes: 60, telemetryBytes: 20, businessBytesPerHour: 10, telemetryBytesPerHour: 30 }) // 6
 */
export function bufferHoursLeft(input: BufferInput): number | null {
  const room = Math.max(0, input.budgetBytes - input.usedBytes) + Math.max(0, input.telemetryBytes);
  if (room <= 0) return 0;
  if (!(input.businessBytesPerHour > 0)) return null;
  return room / input.businessBytesPerHour;
}

/** Hours until the budget is reached (telemetry shedding starts) at the current rates; null when nothing arrives. */
export function hoursToBudget(input: Omit<BufferInput, 'telemetryBytes'>): number | null {
  const room = Math.max(0, input.budgetBytes - input.usedBytes);
  if (room <= 0) return 0;
  const rate = Math.max(0, input.businessBytesPerHour) + Math.max(0, input.telemetryBytesPerHour);
  return rate > 0 ? room / rate : null;
}

/** "3.5 h", "40 min", "2 d": hours of buffer in words for warnings and logs. */
export function formatHours(hours: number): string {
  if (hours >= 48) return `${Math.round(hours / 24)} d`;
  if (hours >= 1) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.max(1, Math.round(hours * 60))} min`;
}

/**
 * Seconds until a drain's backlog is finished at the rate measured since it began (done / elapsed): null before
 * anything was finished, 0 when it is.
 * @example backlogEtaS({ done: 250, total: 1000, elapsedS: 10 }) // 30
 */
export function backlogEtaS({ done, total, elapsedS }: { readonly done: number; readonly total: number; readonly elapsedS: number }): number | null {
  if (done >= total) return 0;
  if (!(done > 0) || !(elapsedS > 0)) return null;
  return Math.round((total - done) / (done / elapsedS));
}
