// Sync engine: keeps the ERP order cache fresh and posts ready confirmations exactly once, in order per order,
// in batches (sync/planner.ts), live events first while a backlog drains (sync/drainTracker.ts). Failures:
// transient -> backoff with jitter, never before Retry-After, offline and probed after repeated ones
// (sync/availability.ts); business -> an exception with the ERP's words; ambiguous -> stays `sending` and is read
// back by our key before any re-send (sync/readBack.ts). Reconciliation runs beside it (sync/reconciler.ts).
import type { ErpAdapter } from '../../connectors/erp/index.js';
import { ErpError } from '../../connectors/erp/index.js';
import type { SyncStatus } from '../../domain/index.js';
import type { UnitTable } from '../../domain/units.js';
import { countEventsByStatus, firstUnfinishedFinalId, hasUnfinishedBefore, listReadyBetween, maxEventId, type StoredEvent, type WritableDb } from '../../local-store/index.js';
import { SyncSchema, type SyncConfig } from './config/syncSchema.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { Logger } from './logger.js';
import type { OrderCache } from './orderCache.js';
import { ErpAvailability } from './sync/availability.js';
import { applyAnswer, prepareBatch, sendBatch, type BatchAnswer, type BatchOutcome, type PreparedBatch } from './sync/batchPoster.js';
import { inTransaction } from './sync/transaction.js';
import { DrainTracker } from './sync/drainTracker.js';
import { planBatch, type OrderRules, type PlannedPosting } from './sync/planner.js';
import { resolveSending } from './sync/readBack.js';
import { Reconciler, reconciliationSummary, type ReconcileRun } from './sync/reconciler.js';
import { validateMappedEvents } from './validator.js';

export interface SyncEngineOptions {
  readonly db: WritableDb;
  readonly erp: ErpAdapter;
  readonly orders: OrderCache;
  readonly plant: string;
  readonly ordersRefreshS: number;
  readonly postIntervalMs: number;
  readonly logger: Logger;
  readonly connections: ConnectionRegistry;
  readonly connectionId: string;
  readonly onChange: () => void;
  /** Unit conversions validation may apply; default the built-in SI basics. */
  readonly units?: UnitTable;
  /** The `sync:` section; every key defaults as documented (syncSchema.ts). */
  readonly sync?: SyncConfig;
  /** Injected for backoff tests; default Math.random. */
  readonly random?: () => number;
  /** Monotonic milliseconds for the time elapsed within a tick; default performance.now (tests: () => 0, exact ticks). */
  readonly monotonicMs?: () => number;
}

/** One pass posts for at most this long, then validation and the order refresh get their turn. */
const PASS_BUDGET_MS = 1000;
/** Pages of ready events the planner looks through when the oldest ones are held by their order's rules. */
const MAX_PAGES = 10;
/** Most ready events read at once for aggregation (their bodies are parsed). */
const AGGREGATION_PAGE_MAX = 5000;

export class SyncEngine {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private ordersFetchedAt = 0;
  private readonly config: SyncConfig;
  private readonly availability: ErpAvailability;
  private readonly drain: DrainTracker;
  private readonly held = new Map<string, { until: number; retries: number }>();
  /** The tick's clock: its `now` plus the real time elapsed since, so a wait counts from when a failure was seen. */
  private tickClock = { now: 0, perf: 0 };
  readonly reconciler: Reconciler;

  constructor(private readonly options: SyncEngineOptions) {
    this.config = options.sync ?? SyncSchema.parse({});
    this.availability = new ErpAvailability({ ...this.config.backoff, offlineAfterFailures: this.config.offlineAfterFailures, ...(options.random ? { random: options.random } : {}) }, Date.now());
    this.drain = new DrainTracker(this.config.drainThreshold, this.config.liveShare);
    this.reconciler = new Reconciler({ db: options.db, erp: options.erp, logger: options.logger, ...this.config.reconcile, onChange: options.onChange });
  }

  start(): void {
    this.schedule(0);
    this.reconciler.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.reconciler.stop();
  }

  /** Reconciliation on demand: the given orders, or those posted to lately. */
  reconcile(orderIds?: readonly string[]): Promise<ReconcileRun> {
    return this.reconciler.run(orderIds);
  }

  status(now: number = Date.now()): SyncStatus {
    const a = this.availability;
    return {
      erp: a.state, since: new Date(a.since).toISOString(), lastError: a.lastError,
      nextAttemptAt: a.nextAttemptAt > now ? new Date(a.nextAttemptAt).toISOString() : null, failures: a.failuresInRow,
      drain: this.drain.progress(now), reconciliation: reconciliationSummary(this.options.db),
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const pass = this.tick();
      this.running = pass;
      // More work waiting: the next pass at once; otherwise after the configured pause.
      void pass.then((more) => this.schedule(more ? 0 : this.options.postIntervalMs), () => this.schedule(this.options.postIntervalMs));
    }, delayMs);
  }

  /** One pass; public so tests can drive the engine without timers. Resolves true when more is ready to post. */
  async tick(now: number = Date.now()): Promise<boolean> {
    const { db, logger, onChange } = this.options;
    this.tickClock = { now, perf: this.monotonic() };
    // Validation uses the cached orders only, so it goes on while the ERP is unreachable.
    const validate = (): void => {
      if (validateMappedEvents(db, logger, now, this.options.units) > 0) onChange();
    };
    if (!this.availability.canCall(now)) {
      validate();
      return false;
    }
    try {
      if (this.availability.mustProbe) await this.probe();
      if (now - this.ordersFetchedAt >= this.options.ordersRefreshS * 1000) await this.refreshOrders(now);
    } catch (error) {
      validate();
      this.failed(error);
      return false;
    }
    validate();
    try {
      const readBack = await resolveSending(db, this.options.erp, logger, () => this.stopped);
      if (readBack.found + readBack.missing > 0) this.succeeded();
      return await this.pass();
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  private async probe(): Promise<void> {
    await this.options.erp.probe();
    this.options.logger.info({ offlineSince: new Date(this.availability.since).toISOString() }, 'the ERP answers again; posting resumes');
    this.succeeded();
  }

  private async refreshOrders(now: number): Promise<void> {
    const orders = await this.options.erp.fetchReleasedOrders(this.options.plant);
    this.options.orders.replace(orders, now);
    this.ordersFetchedAt = now;
    this.options.logger.info({ orders: orders.length }, 'released orders refreshed from the ERP');
    this.succeeded();
  }

  /** Posts batches, up to maxInFlight requests at once, until nothing is eligible, a request fails or the budget is spent. */
  private async pass(): Promise<boolean> {
    const { db } = this.options;
    const counts = countEventsByStatus(db);
    if (this.drain.consider(counts.ready, maxEventId(db), Date.now())) {
      this.options.logger.info({ backlog: counts.ready, liveShare: this.config.liveShare }, 'draining a backlog to the ERP; live events keep a share of every batch');
    }
    const deadline = performance.now() + PASS_BUDGET_MS;
    const inFlight = new Set<Promise<void>>();
    const answered: { prepared: PreparedBatch; answer: BatchAnswer }[] = [];
    let failure: unknown;
    let more = false;
    for (;;) {
      // One transaction records the answers that came in and marks the next batches `sending`: one fsync where two
      // would do the same. The requests leave only after it committed, so `sending` is durable before any post.
      const launch = inTransaction(db, () => {
        for (const { prepared, answer } of answered.splice(0)) {
          const requestFailure = this.record(applyAnswer(db, this.options.logger, prepared, answer));
          if (requestFailure !== undefined) failure ??= requestFailure;
        }
        const next: PreparedBatch[] = [];
        while (!this.stopped && failure === undefined && inFlight.size + next.length < this.config.maxInFlight) {
          if (performance.now() > deadline) {
            more = true;
            break;
          }
          const batch = this.plan();
          if (batch.length === 0) break;
          next.push(prepareBatch(db, batch));
        }
        return next;
      });
      for (const prepared of launch) {
        const request: Promise<void> = sendBatch(this.options.erp, prepared).then((answer) => {
          answered.push({ prepared, answer });
        }).finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      if (inFlight.size === 0 && answered.length === 0) break;
      if (answered.length === 0) await Promise.race(inFlight);
    }
    if (failure !== undefined) {
      this.failed(failure);
      return false;
    }
    if (this.drain.draining && listReadyBetween(db, 0, this.drain.backlogUpToId, 1).length === 0) {
      this.drain.end();
      this.options.logger.info('backlog drained');
      this.options.onChange();
    }
    return more && !this.stopped;
  }

  private plan(): PlannedPosting[] {
    const { db } = this.options;
    const now = this.clock();
    for (const [orderId, hold] of this.held) if (hold.until <= now) this.held.delete(orderId);
    const rules: OrderRules = {
      firstUnfinishedFinalId: (orderId) => firstUnfinishedFinalId(db, orderId),
      hasUnfinishedBefore: (orderId, id) => hasUnfinishedBefore(db, orderId, id),
    };
    const maxBatch = Math.max(1, this.options.erp.maxBatch);
    const aggregating = this.config.aggregate.windowS > 0;
    // Aggregating, a posting can only sum what the planner sees: a page large enough to fill maxBatch postings.
    const page = aggregating ? Math.min(AGGREGATION_PAGE_MAX, maxBatch * this.config.aggregate.maxEvents) : maxBatch;
    const upTo = this.drain.backlogUpToId;
    const live = this.drain.draining ? listReadyBetween(db, upTo, Number.MAX_SAFE_INTEGER, page) : [];
    const backlog: StoredEvent[] = [];
    let batch: PlannedPosting[] = [];
    // Events held back by their order (a final waiting, an order in retry) must not starve other orders: look
    // further, page by page, until the batch is full or the backlog ends.
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const next = listReadyBetween(db, backlog.at(-1)?.id ?? 0, upTo, page);
      backlog.push(...next);
      batch = planBatch({
        backlog, live, maxBatch, liveShare: this.config.liveShare, rules, isHeld: (orderId) => this.held.has(orderId),
        ...(aggregating ? { aggregate: { windowMs: this.config.aggregate.windowS * 1000, maxEvents: this.config.aggregate.maxEvents, now: Date.now() } } : {}),
      });
      if (batch.length >= maxBatch || next.length < page) break;
    }
    return batch;
  }

  /** Books a batch's outcome; returns the request's failure, if it failed as a whole. */
  private record(outcome: BatchOutcome): unknown {
    const finished = [...outcome.posted, ...outcome.rejected].filter((p) => !p.live).reduce((n, p) => n + p.events.length, 0);
    this.drain.finished(finished);
    for (const { orderId, error } of outcome.retryOrders) {
      // One order's retry holds that order only, with its own backoff; never before the ERP's Retry-After.
      const retries = (this.held.get(orderId)?.retries ?? 0) + 1;
      const waitMs = Math.max((error.details.retryAfterS ?? 0) * 1000, Math.min(this.config.backoff.maxMs, this.config.backoff.baseMs * 2 ** retries));
      this.held.set(orderId, { until: this.clock() + waitMs, retries });
      this.options.logger.warn({ orderId, retryInMs: waitMs }, `order ${orderId}: a confirmation was not posted and is retried: ${error.message}`);
    }
    if (outcome.posted.length + outcome.rejected.length + outcome.retryOrders.length > 0) this.options.onChange();
    if (outcome.requestFailure !== undefined) return outcome.requestFailure;
    this.succeeded();
    return undefined;
  }

  private clock(): number {
    return this.tickClock.now + Math.round(this.monotonic() - this.tickClock.perf);
  }

  private monotonic(): number {
    return this.options.monotonicMs?.() ?? performance.now();
  }

  private succeeded(): void {
    const a = this.availability;
    if (a.succeeded(this.clock())) this.options.onChange();
    this.options.connections.setState(this.options.connectionId, 'connected');
  }

  private failed(error: unknown): void {
    const a = this.availability;
    const wasOffline = a.state === 'offline';
    // From when the failure was seen, not when the tick began: a Retry-After counts from the answer.
    const retryInMs = a.failed(error, this.clock());
    const message = error instanceof Error ? error.message : String(error);
    const business = error instanceof ErpError && error.kind === 'business';
    if (a.state === 'offline') {
      const since = new Date(a.since).toISOString();
      this.options.connections.setState(this.options.connectionId, 'disconnected', `offline since ${since}: ${message}`);
      if (!wasOffline) this.options.logger.warn({ failures: a.failuresInRow, since }, `ERP offline after ${a.failuresInRow} failures in a row; probing it, not posting, until it answers: ${message}`);
    } else {
      this.options.connections.setState(this.options.connectionId, business || !(error instanceof ErpError) ? 'error' : 'disconnected', message);
    }
    this.options.logger.warn({ failures: a.failuresInRow, retryInMs }, `ERP unavailable: ${message}`);
    this.options.onChange();
  }
}
