// Whether the ERP may be called now: failures in a row, exponential backoff with jitter that never ends before
// the ERP's Retry-After, and the offline state (since when) in which the engine only probes.
import { ErpError } from '../../../connectors/erp/index.js';

export type ErpReachability = 'online' | 'retrying' | 'offline';

export interface AvailabilityOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly offlineAfterFailures: number;
  /** Injected for tests; default Math.random. */
  readonly random?: () => number;
}

export class ErpAvailability {
  private failures = 0;
  private notBefore = 0;
  private stateSince: number;
  private error: string | null = null;
  private current: ErpReachability = 'online';

  constructor(private readonly options: AvailabilityOptions, now: number) {
    this.stateSince = now;
  }

  get state(): ErpReachability {
    return this.current;
  }
  get since(): number {
    return this.stateSince;
  }
  get failuresInRow(): number {
    return this.failures;
  }
  get lastError(): string | null {
    return this.error;
  }
  /** The next call is not before this time (ms); 0 while nothing failed. */
  get nextAttemptAt(): number {
    return this.notBefore;
  }

  canCall(now: number): boolean {
    return now >= this.notBefore;
  }

  /** Offline: the next call must be a probe, not a post. */
  get mustProbe(): boolean {
    return this.current === 'offline';
  }

  /**
   * A request failed as a whole. Waits a random time in [cap/2, cap), cap = min(maxMs, baseMs x 2^failures):
   * jitter spreads many PlantDesks over time, the lower half keeps one from hammering; never before Retry-After.
   */
  failed(error: unknown, now: number): number {
    this.failures++;
    this.error = error instanceof Error ? error.message : String(error);
    const cap = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(this.failures, 30));
    const jittered = cap / 2 + (this.options.random ?? Math.random)() * (cap / 2);
    const retryAfterMs = error instanceof ErpError && error.details.retryAfterS !== undefined ? error.details.retryAfterS * 1000 : 0;
    this.notBefore = now + Math.max(retryAfterMs, Math.ceil(jittered));
    const next: ErpReachability = this.failures >= this.options.offlineAfterFailures ? 'offline' : 'retrying';
    // Offline counts from the first failure of the series: that is when the ERP stopped answering.
    if (this.current === 'online') this.stateSince = now;
    this.current = next;
    return this.notBefore - now;
  }

  /** A request (or probe) answered: back to posting at once. Returns true when this ended an outage. */
  succeeded(now: number): boolean {
    const recovered = this.current !== 'online';
    if (recovered) this.stateSince = now;
    this.current = 'online';
    this.failures = 0;
    this.notBefore = 0;
    this.error = null;
    return recovered;
  }
}
