// What the sync engine tells the console (issue 5): the ERP's reachability, the drain of a backlog and the last
// reconciliation. Carried in QueueCounts.sync, so getQueue and every dashboard snapshot show it.
import { z } from 'zod';

export interface SyncStatus {
  /** online: posting; retrying: failures, backing off; offline: repeated failures, only probed until it answers. */
  readonly erp: 'online' | 'retrying' | 'offline';
  /** Since when the ERP is in this state (ISO time). */
  readonly since: string;
  readonly lastError: string | null;
  /** The next attempt (post or probe) is not before this time (ISO), honouring Retry-After; null while online. */
  readonly nextAttemptAt: string | null;
  /** Failures in a row (requests as a whole, not business rejections). */
  readonly failures: number;
  /** The drain of a backlog, while one runs; null otherwise. */
  readonly drain: DrainProgress | null;
  readonly reconciliation: ReconciliationSummary;
}

export interface DrainProgress {
  /** Events of the backlog (pending when the drain began) finished so far, of total. */
  readonly done: number;
  readonly total: number;
  readonly startedAt: string;
  /** Seconds until the backlog is finished at the rate measured since the drain began; null before any was posted. */
  readonly etaS: number | null;
  /** Share of every batch kept for events that arrived after the drain began (config sync.liveShare). */
  readonly liveShare: number;
}

export type ReconciliationKind = 'missing_in_erp' | 'cancelled_in_erp' | 'duplicate_in_erp' | 'quantity_differs' | 'erp_total_differs';

export interface ReconciliationFinding {
  readonly orderId: string;
  readonly operation: string | null;
  readonly kind: ReconciliationKind;
  /** Plain words for the supervisor, e.g. "posted 95 PC as 0000100001/00000003, cancelled in the ERP". */
  readonly message: string;
  readonly plantdeskQty: number | null;
  readonly erpQty: number | null;
  readonly erpDocument: string | null;
  /** Our key: the event's id, or the aggregated posting's id. */
  readonly eventId: string | null;
  readonly foundAt: string;
}

export interface ReconciliationSummary {
  /** Mismatches found by the last run of each order: the count the console shows. */
  readonly mismatches: number;
  readonly lastRunAt: string | null;
  /** The newest findings (at most 20); the full list from listReconciliation. */
  readonly recent: readonly ReconciliationFinding[];
}

export const ReconciliationQuerySchema = z.strictObject({
  orderId: z.string().trim().min(1).max(12).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type ReconciliationQuery = z.input<typeof ReconciliationQuerySchema>;

export const ReconcileArgsSchema = z.strictObject({
  /** The orders to compare now; default those PlantDesk posted to lately. */
  orderIds: z.array(z.string().trim().min(1).max(12)).max(1000).optional(),
});
export type ReconcileArgs = z.input<typeof ReconcileArgsSchema>;

export interface ReconcileRun {
  readonly orders: number;
  readonly mismatches: number;
  readonly failed: readonly { readonly orderId: string; readonly error: string }[];
}

/** Reconciliation with the ERP: the findings (a view) and a run on demand (a command). */
export interface ReconciliationApi {
  /** Findings of the last run of each order, newest first; of one order or all. */
  listReconciliation(query?: ReconciliationQuery): Promise<ReconciliationFinding[]>;
  /** Command: compares the given orders (or those posted to lately) with the ERP now. */
  reconcileOrders(args?: ReconcileArgs): Promise<ReconcileRun>;
}
