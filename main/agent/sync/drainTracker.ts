// A drain: the backlog that was waiting when posting resumed (after an outage, or at start) versus the events
// that arrive while it drains (live). Events up to startId are the backlog; the planner keeps a share of every
// batch for the rest. Progress and ETA for the console come from here.
import type { DrainProgress } from '../../../domain/index.js';
import { backlogEtaS } from '../drainEta.js';

export class DrainTracker {
  private startId = 0;
  private startedAt = 0;
  private total = 0;
  private done = 0;
  private active = false;

  constructor(private readonly threshold: number, private readonly liveShare: number) {}

  get draining(): boolean {
    return this.active;
  }

  /** Row ids up to this are the backlog while a drain runs; every id while none runs. */
  get backlogUpToId(): number {
    return this.active ? this.startId : Number.MAX_SAFE_INTEGER;
  }

  /** Called at the start of a pass: begins a drain when more than the threshold is waiting. */
  consider(pending: number, newestId: number, now: number): boolean {
    if (this.active || pending <= this.threshold) return false;
    this.active = true;
    this.startId = newestId;
    this.startedAt = now;
    this.total = pending;
    this.done = 0;
    return true;
  }

  /** Backlog events finished (posted or rejected). */
  finished(count: number): void {
    if (this.active) this.done = Math.min(this.total, this.done + count);
  }

  /** The backlog has no ready event left and none in flight: the drain is over. */
  end(): void {
    this.active = false;
  }

  progress(now: number): DrainProgress | null {
    if (!this.active) return null;
    return {
      done: this.done, total: this.total, startedAt: new Date(this.startedAt).toISOString(),
      etaS: backlogEtaS({ done: this.done, total: this.total, elapsedS: (now - this.startedAt) / 1000 }), liveShare: this.liveShare,
    };
  }
}
