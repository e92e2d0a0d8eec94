// Decides, per request and per posting, which configured fault hits it. Both simulators call it at the same
// points: decideRequest before handling (latency, 500, 429, 503, CSRF expiry, what to do after the commit) and
// decidePosting inside each create (business rejections with the ERP's words).
import { parseFaultConfig, POSTING_FAULTS, REQUEST_FAULTS, type FaultConfig, type PostingFault, type ScriptedFault } from './faultConfig.js';
import { seededRandom, type Random } from './seededRandom.js';

export interface EarlyAnswer {
  readonly status: 429 | 500 | 503;
  readonly message: string;
  readonly retryAfter?: string;
}

export interface RequestDecision {
  readonly delayMs: number;
  /** Answer this instead of handling the request (nothing is stored). */
  readonly early?: EarlyAnswer;
  /** Destroy the socket without handling the request (the request was fully received). */
  readonly resetBeforeCommit: boolean;
  readonly expireCsrf: boolean;
  /** After storing: answer normally, destroy the socket, or hold the answer for slowAfterCommitMs. */
  readonly afterCommit: 'answer' | 'reset' | 'slow';
  /** The fault applied, for the request log. */
  readonly fault: ScriptedFault | 'latency' | undefined;
}

export interface PostingContext {
  readonly orderId: string;
  readonly plant: string;
  /** UTC milliseconds of the posting date. */
  readonly postingDate: number;
  readonly yieldQty: number;
  readonly unit: string;
  readonly orderQuantity: number;
  /** Yield confirmed on the operation before this posting. */
  readonly confirmedYield: number;
}

export interface Rejection {
  readonly fault: PostingFault;
  /** A T100-style code, e.g. "RU/137". */
  readonly code: string;
  readonly message: string;
}

const DAY = 86_400_000;

export class Faults {
  private current: FaultConfig;
  private random: Random;

  constructor(config: unknown = {}, private readonly now: () => number = Date.now) {
    this.current = parseFaultConfig(config);
    this.random = seededRandom(this.current.seed);
  }

  get config(): FaultConfig {
    return this.current;
  }

  /** Replaces the knobs (validated) and restarts the random sequence from the new seed. */
  set(config: unknown): FaultConfig {
    this.current = parseFaultConfig(config);
    this.random = seededRandom(this.current.seed);
    return this.current;
  }

  decideRequest(modifying: boolean): RequestDecision {
    const c = this.current;
    // Drawn in a fixed order whatever the outcome, so one knob's value does not shift the others' sequence.
    const jitter = Math.floor(this.random() * (c.latencyJitterMs + 1));
    const draws = { server: this.random(), throttle: this.random(), reset: this.random(), csrf: this.random() };
    const delayMs = c.latencyMs + jitter;
    const base = { delayMs, resetBeforeCommit: false, expireCsrf: false, afterCommit: 'answer' as const, fault: delayMs > 0 ? ('latency' as const) : undefined };

    // Scripted faults aim at postings: a token fetch or a read in between must not use them up.
    const scripted = modifying ? this.takeScripted(REQUEST_FAULTS) : undefined;
    const window = c.maintenance.find((w) => this.now() >= w.start && this.now() < w.end);
    if (scripted === 'maintenance' || window !== undefined) {
      const endsAt = window?.end ?? this.now() + c.throttleRetryAfterS * 1000;
      return { ...base, fault: 'maintenance', early: { status: 503, message: 'The system is down for maintenance', retryAfter: this.retryAfter(endsAt) } };
    }
    if (scripted === 'server-error' || (scripted === undefined && draws.server < c.serverErrorRate)) {
      return { ...base, fault: 'server-error', early: { status: 500, message: 'Internal server error (simulated)' } };
    }
    if (scripted === 'throttle' || (scripted === undefined && draws.throttle < c.throttleRate)) {
      const retryAfter = this.retryAfter(this.now() + c.throttleRetryAfterS * 1000);
      return { ...base, fault: 'throttle', early: { status: 429, message: 'Too many requests (simulated rate limit)', retryAfter } };
    }
    if (scripted === 'reset-before-commit') return { ...base, fault: scripted, resetBeforeCommit: true };
    const expireCsrf = modifying && (scripted === 'csrf-expiry' || (scripted === undefined && draws.csrf < c.csrfExpiryRate));
    if (scripted === 'slow-after-commit') return { ...base, fault: scripted, afterCommit: 'slow' };
    const reset = modifying && (scripted === 'reset-after-commit' || (scripted === undefined && draws.reset < c.resetAfterCommitRate));
    if (reset) return { ...base, fault: 'reset-after-commit', expireCsrf, afterCommit: 'reset' };
    return { ...base, expireCsrf, fault: expireCsrf ? 'csrf-expiry' : base.fault };
  }

  /** The business rejection of one posting, or undefined when it is accepted. */
  decidePosting(ctx: PostingContext): Rejection | undefined {
    const c = this.current;
    const draw = this.random();
    const pick = this.random();
    const scripted = this.takeScripted(POSTING_FAULTS);
    if (scripted !== undefined) return this.rejection(scripted, ctx);
    if (c.technicallyCompletedOrders.includes(ctx.orderId)) return this.rejection('reject-technically-completed', ctx);
    if (c.postingPeriodClosedBefore !== null && ctx.postingDate < Date.parse(c.postingPeriodClosedBefore)) return this.rejection('reject-period-closed', ctx);
    if (c.overdeliveryTolerancePct !== null && ctx.confirmedYield + ctx.yieldQty > ctx.orderQuantity * (1 + c.overdeliveryTolerancePct / 100) + 1e-9) {
      return this.rejection('reject-over-tolerance', ctx);
    }
    if (draw < c.rejectRate) return this.rejection(POSTING_FAULTS[Math.floor(pick * POSTING_FAULTS.length)] ?? 'reject-period-closed', ctx);
    return undefined;
  }

  /** Also removes it from the script, so GET /sim/faults shows what is still pending. */
  private takeScripted<T extends ScriptedFault>(kinds: readonly T[]): T | undefined {
    const index = this.current.script.findIndex((f) => (kinds as readonly string[]).includes(f));
    if (index < 0) return undefined;
    const [taken] = this.current.script.splice(index, 1);
    return taken as T;
  }

  private retryAfter(at: number): string {
    if (this.current.retryAfterFormat === 'http-date') return new Date(Math.ceil(at / 1000) * 1000).toUTCString();
    return String(Math.max(0, Math.ceil((at - this.now()) / 1000)));
  }

  private rejection(fault: PostingFault, ctx: PostingContext): Rejection {
    switch (fault) {
      case 'reject-technically-completed':
        return { fault, code: 'RU/137', message: `Order ${ctx.orderId} is technically completed` };
      case 'reject-period-closed': {
        const date = new Date(Math.floor(ctx.postingDate / DAY) * DAY);
        const period = `${date.getUTCFullYear()}/${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
        return { fault, code: 'M7/053', message: `Posting period ${period} is closed in company code ${ctx.plant}` };
      }
      case 'reject-over-tolerance': {
        const total = ctx.confirmedYield + ctx.yieldQty;
        return {
          fault,
          code: 'RU/172',
          message: `Confirmed yield ${total} ${ctx.unit} exceeds order quantity ${ctx.orderQuantity} ${ctx.unit} plus overdelivery tolerance of ${this.current.overdeliveryTolerancePct ?? 0} %`,
        };
      }
    }
  }
}
