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

export interface ErpAdapter {
  readonly endpoint: string;
  fetchReleasedOrders(plant: string): Promise<ProductionOrder[]>;
  postConfirmation(item: PostableConfirmation): Promise<ErpDocument>;
  /** Looks for a confirmation carrying our event id; null when the ERP has none. */
  findConfirmation(eventId: string): Promise<ErpDocument | null>;
}
