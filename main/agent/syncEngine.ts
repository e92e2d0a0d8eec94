// Sync engine: keeps the ERP order cache fresh and posts ready confirmations, oldest first, exactly once.
// A post whose outcome is unknown stays `sending` and is resolved by reading the ERP back before any re-send.
import { ErpError, type ErpAdapter, type ErpDocument } from '../../connectors/erp/index.js';
import type { ProductionConfirmation } from '../../domain/index.js';
import { listEventsByStatus, transitionEvent, type StoredEvent, type WritableDb } from '../../local-store/index.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { Logger } from './logger.js';
import type { OrderCache } from './orderCache.js';
import { validateMappedEvents } from './validator.js';
import type { UnitTable } from '../../domain/units.js';

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
}

const POSTS_PER_TICK = 50;
const MAX_BACKOFF_MS = 60_000;

export class SyncEngine {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private ordersFetchedAt = 0;
  private failures = 0;
  private pauseUntil = 0;

  constructor(private readonly options: SyncEngineOptions) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.options.postIntervalMs));
    }, delayMs);
  }

  /** One pass; public so tests can drive the engine without timers. */
  async tick(now: number = Date.now()): Promise<void> {
    const { db, logger, onChange } = this.options;
    // Validation uses the cached orders only, so it goes on while the ERP is unreachable.
    const validate = (): void => {
      if (validateMappedEvents(db, logger, now, this.options.units) > 0) onChange();
    };
    if (now < this.pauseUntil) {
      validate();
      return;
    }
    try {
      if (now - this.ordersFetchedAt >= this.options.ordersRefreshS * 1000) await this.refreshOrders(now);
    } catch (error) {
      validate();
      this.handleFailure(error, now);
      return;
    }
    validate();
    try {
      await this.resolveInFlight();
      for (const event of listEventsByStatus(db, 'ready', POSTS_PER_TICK)) {
        if (this.stopped) break;
        await this.post(event);
      }
      this.markHealthy();
    } catch (error) {
      this.handleFailure(error, now);
    }
  }

  private async refreshOrders(now: number): Promise<void> {
    const orders = await this.options.erp.fetchReleasedOrders(this.options.plant);
    this.options.orders.replace(orders, now);
    this.ordersFetchedAt = now;
    this.options.logger.info({ orders: orders.length }, 'released orders refreshed from the ERP');
  }

  /** Events left `sending` by a crash or an ambiguous failure: posted if the ERP has them, else ready again. */
  private async resolveInFlight(): Promise<void> {
    for (const event of listEventsByStatus(this.options.db, 'sending', POSTS_PER_TICK)) {
      const found = await this.options.erp.findConfirmation(event.eventId);
      if (found) this.markPosted(event, found, 'found in the ERP by read-back');
      else this.transition(event, 'ready', 'not found in the ERP by read-back; will be sent again');
    }
  }

  private async post(event: StoredEvent): Promise<void> {
    const log = this.options.logger.child({ correlationId: event.correlationId, eventId: event.eventId });
    this.transition(event, 'sending', 'posting to the ERP');
    try {
      const document = await this.options.erp.postConfirmation({ eventId: event.eventId, correlationId: event.correlationId, confirmation: event.body as ProductionConfirmation });
      this.markPosted(event, document, 'posted');
      log.info({ erpDocument: document.document }, 'confirmation posted to the ERP');
    } catch (error) {
      if (error instanceof ErpError && error.kind === 'business') {
        transitionEvent(this.options.db, event.eventId, {
          to: 'exception', at: Date.now(), actor: 'erp', reason: 'rejected by the ERP',
          reasons: [{ code: error.details.erpCode ? `ERP:${error.details.erpCode}` : 'ERP_REJECTED', message: error.message, fields: [] }],
        });
        this.options.onChange();
        log.warn({ erpCode: error.details.erpCode }, `ERP rejected the confirmation: ${error.message}`);
        return;
      }
      // Transient: certainly not posted, back to ready. Ambiguous: stays `sending` for read-back.
      if (error instanceof ErpError && error.kind === 'transient') this.transition(event, 'ready', `not posted: ${error.message}`);
      throw error;
    }
  }

  private markPosted(event: StoredEvent, document: ErpDocument, reason: string): void {
    transitionEvent(this.options.db, event.eventId, { to: 'posted', at: Date.now(), actor: 'erp', reason, erpDocument: document.document });
    this.options.onChange();
  }

  private transition(event: StoredEvent, to: 'ready' | 'sending', reason: string): void {
    transitionEvent(this.options.db, event.eventId, { to, at: Date.now(), actor: 'system', reason });
    this.options.onChange();
  }

  private markHealthy(): void {
    this.failures = 0;
    this.options.connections.setState(this.options.connectionId, 'connected');
  }

  private handleFailure(error: unknown, now: number): void {
    this.failures++;
    const message = error instanceof Error ? error.message : String(error);
    const retryAfterMs = error instanceof ErpError && error.details.retryAfterS !== undefined ? error.details.retryAfterS * 1000 : 0;
    // Exponential backoff with full jitter, never shorter than the ERP's Retry-After.
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures, 6));
    this.pauseUntil = now + Math.max(retryAfterMs, Math.random() * backoff);
    this.options.connections.setState(this.options.connectionId, error instanceof ErpError && error.kind !== 'business' ? 'disconnected' : 'error', message);
    this.options.logger.warn({ failures: this.failures, retryInMs: this.pauseUntil - now }, `ERP unavailable: ${message}`);
  }
}
