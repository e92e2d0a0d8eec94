// Measured rates over a sliding window (posts to the ERP, arrivals, bytes of intake), with the clock injected so
// the arithmetic is tested without waiting. Amounts are recorded as they are counted (one look every few seconds).

export interface RateMeterOptions {
  /** How far back the rate looks; default 10 minutes. */
  readonly windowMs?: number;
  /** When measuring began (ms); before a full window has passed, the rate is over the time since then. Default now. */
  readonly startedAt?: number;
  readonly now?: () => number;
}

export const DEFAULT_RATE_WINDOW_MS = 10 * 60_000;

/**
 * Amounts counted at points in time, and their rate over the last window: the sum of the amounts recorded in
 * (now - window, now] divided by the window, or by the time since measuring began while that is shorter.
 * @example const posts = new RateMeter({ windowMs: 300_000 }); posts.add(12); posts.perMinute();
 */
export class RateMeter {
  private readonly samples: { at: number; amount: number }[] = [];
  private readonly windowMs: number;
  private readonly now: () => number;
  private startedAt: number;

  constructor(options: RateMeterOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_RATE_WINDOW_MS;
    this.now = options.now ?? Date.now;
    this.startedAt = options.startedAt ?? this.now();
  }

  /** Records `amount` counted at `at` (what happened since the previous look). */
  add(amount: number, at: number = this.now()): void {
    if (!Number.isFinite(amount) || amount <= 0) return;
    this.samples.push({ at, amount });
    this.prune(at);
  }

  /** Per millisecond over the window ending at `at`; 0 before any time has passed. */
  perMs(at: number = this.now()): number {
    this.prune(at);
    const span = Math.min(this.windowMs, at - this.startedAt);
    if (span <= 0) return 0;
    let sum = 0;
    for (const sample of this.samples) if (sample.at <= at) sum += sample.amount;
    return sum / span;
  }

  perMinute(at: number = this.now()): number {
    return this.perMs(at) * 60_000;
  }

  perHour(at: number = this.now()): number {
    return this.perMs(at) * 3_600_000;
  }

  /** Forgets what was counted and starts measuring again at `at`. */
  reset(at: number = this.now()): void {
    this.samples.length = 0;
    this.startedAt = at;
  }

  private prune(at: number): void {
    const cutoff = at - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.at <= cutoff) drop++;
    if (drop > 0) this.samples.splice(0, drop);
  }
}
