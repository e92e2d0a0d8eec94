// Reconnect schedule of the MQTT source: exponential backoff with full jitter between a floor and a cap, so
// many PlantDesks that lost the same broker do not all knock on it again in the same second.

export interface BackoffPolicy {
  /** The shortest wait before a reconnect, and the base of the exponential growth. Default 1000. */
  readonly minMs: number;
  /** The longest wait before a reconnect. Default 30000. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { minMs: 1000, maxMs: 30_000 };

/**
 * The wait before the n-th consecutive reconnect attempt (n >= 1): a uniformly random time between minMs and
 * min(maxMs, minMs * 2^n). With the defaults: 1-2 s, 1-4 s, 1-8 s, 1-16 s, then 1-30 s.
 * @example reconnectDelayMs(3, { minMs: 1000, maxMs: 30000 }, () => 1) === 8000
 */
export function reconnectDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const n = Math.max(1, Math.min(attempt, 30));
  const cap = Math.max(policy.minMs, Math.min(policy.maxMs, policy.minMs * 2 ** n));
  return Math.round(policy.minMs + random() * (cap - policy.minMs));
}

/** Counts consecutive failed attempts; `reset()` once a connection has proved stable. */
export class Backoff {
  private attempts = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt; each call counts one more attempt. */
  next(): number {
    this.attempts++;
    return reconnectDelayMs(this.attempts, this.policy, this.random);
  }

  reset(): void {
    this.attempts = 0;
  }

  get attempt(): number {
    return this.attempts;
  }
}
