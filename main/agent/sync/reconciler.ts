// Runs reconciliation on a timer and on demand: orders posted to lately, one ERP read each, findings stored per
// order (replacing that order's previous ones) and every mismatch logged for the supervisor.
import type { ErpAdapter } from '../../../connectors/erp/index.js';
import type { ReconcileRun, ReconciliationFinding, ReconciliationSummary } from '../../../domain/index.js';

export type { ReconcileRun };
import { countReconciliationFindings, lastReconciliationAt, listReconciliationFindings, ordersPostedSince, postedKeysOfOrder, replaceReconciliation, type ReadableDb, type WritableDb } from '../../../local-store/index.js';
import type { Logger } from '../logger.js';
import { compareWithErp } from './reconcile.js';

export interface ReconcilerOptions {
  readonly db: WritableDb;
  readonly erp: ErpAdapter;
  readonly logger: Logger;
  readonly everyS: number;
  readonly lookbackH: number;
  readonly maxOrders: number;
  readonly onChange: () => void;
}


export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileRun> | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  start(): void {
    if (this.options.everyS <= 0) return;
    this.timer = setInterval(() => void this.run().catch((error: Error) => this.options.logger.error({ err: error }, 'reconciliation failed')), this.options.everyS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run over the given orders, or those posted to within lookbackH; a run already under way is joined. */
  run(orderIds?: readonly string[]): Promise<ReconcileRun> {
    this.running ??= this.runOnce(orderIds).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runOnce(orderIds?: readonly string[]): Promise<ReconcileRun> {
    const { db, erp, logger } = this.options;
    const orders = orderIds ?? ordersPostedSince(db, Date.now() - this.options.lookbackH * 3_600_000, this.options.maxOrders);
    let mismatches = 0;
    const failed: { orderId: string; error: string }[] = [];
    for (const orderId of orders) {
      try {
        const totals = await erp.readOrderTotals(orderId);
        const findings = compareWithErp(orderId, postedKeysOfOrder(db, orderId), totals);
        replaceReconciliation(db, orderId, Date.now(), findings);
        mismatches += findings.length;
        for (const f of findings) logger.warn({ orderId, operation: f.operation, kind: f.kind, eventId: f.eventId }, `reconciliation: order ${orderId}: ${f.message}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        replaceReconciliation(db, orderId, Date.now(), [], message);
        failed.push({ orderId, error: message });
        logger.warn({ orderId }, `reconciliation: order ${orderId} could not be read from the ERP: ${message}`);
      }
    }
    logger.info({ orders: orders.length, mismatches, failed: failed.length }, 'reconciliation with the ERP done');
    this.options.onChange();
    return { orders: orders.length, mismatches, failed };
  }
}

export function reconciliationSummary(db: ReadableDb): ReconciliationSummary {
  const last = lastReconciliationAt(db);
  return { mismatches: countReconciliationFindings(db), lastRunAt: last === null ? null : new Date(last).toISOString(), recent: listReconciliation(db, undefined, 20) };
}

export function listReconciliation(db: ReadableDb, orderId?: string, limit = 500): ReconciliationFinding[] {
  return listReconciliationFindings(db, orderId, limit).map((f) => ({ ...f, foundAt: new Date(f.foundAt).toISOString() }));
}
