// The one interface every ERP adapter implements, so the sync engine never knows which ERP it talks to.
import type { ProductionConfirmation, ProductionOrder } from '../../domain/index.js';

export interface PostableConfirmation {
  /** PlantDesk's GUID for this event, sent as ExternalSystemConfirmation so it can be read back. */
  readonly eventId: string;
  readonly correlationId: string;
  readonly confirmation: ProductionConfirmation;
}

export interface ErpDocument {
  /** Display form, e.g. "0000000012/00000003". */
  readonly document: string;
  readonly confirmationGroup: string;
  readonly confirmationCount: string;
}

/**
 * transient: certainly not posted (network refused, 5xx, 429, token); safe to send again later.
 * business: the ERP refused the content; a supervisor must act.
 * ambiguous: the request may have been posted (timeout or reset after sending); read back before re-sending.
 */
export type ErpFailureKind = 'transient' | 'business' | 'ambiguous';

export class ErpError extends Error {
  constructor(
    message: string,
    readonly kind: ErpFailureKind,
    readonly details: { readonly status?: number; readonly erpCode?: string; readonly retryAfterS?: number } = {},
  ) {
    super(message);
    this.name = 'ErpError';
  }
}

/** Outcome of one item of postConfirmations: one failing changeset does not fail the rest. */
export type PostOutcome =
  | { readonly ok: true; readonly document: ErpDocument }
  | { readonly ok: false; readonly error: ErpError };

/** One confirmation the ERP holds for an order. */
export interface ErpConfirmationRecord {
  /** Display form, e.g. "0000000012/00000003". */
  readonly document: string;
  readonly operation: string;
  readonly yieldQty: number;
  readonly scrapQty: number;
  readonly unit: string;
  /** Our key (ExternalSystemConfirmation / Idempotency-Key); null when the record is not ours. */
  readonly eventId: string | null;
  /** Reversed or cancelled in the ERP. */
  readonly cancelled: boolean;
}

export interface ErpOrderTotals {
  readonly orderId: string;
  /** Per operation, the ERP's own running total (SAP: OpTotalConfirmedYieldQty). */
  readonly operations: readonly { readonly operation: string; readonly confirmedYieldQty: number }[];
  readonly confirmations: readonly ErpConfirmationRecord[];
}

export type ErpKind = 'sap-odata' | 'rest-json';

export interface ErpAdapter {
  readonly kind: ErpKind;
  readonly endpoint: string;
  /** Most events one postConfirmations call sends in one request (config; 1 where the ERP has no batch). */
  readonly maxBatch: number;
  fetchReleasedOrders(plant: string): Promise<ProductionOrder[]>;
  postConfirmation(item: PostableConfirmation): Promise<ErpDocument>;
  /**
   * One request for up to maxBatch events (SAP: $batch, one changeset per event). Resolves with one outcome per
   * item, in order. Rejects with an ErpError only when the request as a whole failed: kind 'transient' = none
   * was posted; 'ambiguous' = any may have been posted (read back each by findConfirmation before re-sending).
   */
  postConfirmations(items: readonly PostableConfirmation[]): Promise<PostOutcome[]>;
  /** Looks for a confirmation carrying our event id; null when the ERP has none. */
  findConfirmation(eventId: string): Promise<ErpDocument | null>;
  /** A cheap request to tell whether the ERP answers (used while it is offline, instead of real posts). */
  probe(): Promise<void>;
  /** Reconciliation: the ERP's confirmations and operation totals for one order. */
  readOrderTotals(orderId: string): Promise<ErpOrderTotals>;
}
