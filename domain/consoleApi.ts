// Read models of the console's Orders and Quality screens and of the record trace (issue 7). Views: open on
// this machine like the dashboard.
import { z } from 'zod';
import type { EventStatus } from './lifecycle.js';
import type { DiagnosticsBundle } from './diagnosticsApi.js';

export const OrderListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type OrderListQuery = z.input<typeof OrderListQuerySchema>;

/** complete: PlantDesk posted (or the ERP confirmed) at least the order quantity. */
export type OrderProgressStatus = 'released' | 'in_progress' | 'complete' | 'closed' | 'not_released';

export interface OrderProgress {
  readonly orderId: string;
  readonly material: string;
  readonly quantity: number;
  readonly unit: string;
  readonly status: OrderProgressStatus;
  /** The ERP's confirmed yield when the order was last read. */
  readonly erpConfirmedQty: number;
  /** Yield PlantDesk posted to the ERP, and yield still on its way (mapped, ready, sending). */
  readonly postedQty: number;
  readonly pendingQty: number;
  readonly scrapQty: number;
  /** max(ERP confirmed, posted) against the order quantity, in % (may pass 100). */
  readonly progressPct: number;
  /** Confirmations of this order waiting for a supervisor (status exception). */
  readonly exceptions: number;
  readonly lastEventAt: string | null;
  /** When the ERP order cache was last filled. */
  readonly fetchedAt: string;
}

export const TraceQuerySchema = z.strictObject({
  /** A correlation id, or an event id (both are UUIDs); trimmed. */
  id: z.string().trim().min(1, 'give a correlation id or an event id').max(100),
});
export type TraceQuery = z.input<typeof TraceQuerySchema>;

export interface TraceStep {
  readonly at: string;
  readonly from: EventStatus | null;
  readonly to: EventStatus;
  readonly actor: string;
  readonly reason: string | null;
}

export interface TracedEvent {
  readonly eventId: string;
  readonly kind: 'confirmation' | 'quality';
  readonly status: EventStatus;
  readonly orderId: string;
  readonly erpDocument: string | null;
  readonly history: readonly TraceStep[];
}

/** One record from the source message to the ERP document. */
export interface RecordTrace {
  readonly correlationId: string;
  /** The message as received: source, channel (topic or line), when, its raw status; payload cut to 2,000 characters. */
  readonly source: {
    readonly source: string;
    readonly channel: string;
    readonly receivedAt: string;
    readonly status: string;
    readonly rejectReason: string | null;
    readonly payload: string;
  } | null;
  readonly events: readonly TracedEvent[];
}

export const QualityQuerySchema = z.strictObject({
  /** Only results inspected within the last hours; default 24. */
  hours: z.coerce.number().min(0.1).max(24 * 90).default(24),
});
export type QualityQuery = z.input<typeof QualityQuerySchema>;

export interface QualityGroup {
  readonly line: string;
  /** Null for the per-line totals. */
  readonly orderId: string | null;
  readonly results: number;
  readonly failed: number;
  /** Share of results that passed at first inspection, in %; null without results. */
  readonly firstPassYieldPct: number | null;
  readonly defects: readonly { readonly code: string; readonly count: number }[];
}

export interface MissingQualityRecord {
  readonly eventId: string;
  readonly line: string;
  readonly orderId: string;
  readonly operation: string;
  readonly status: EventStatus;
  readonly receivedAt: string;
}

export interface QualitySummary {
  readonly since: string;
  readonly lines: readonly QualityGroup[];
  readonly orders: readonly QualityGroup[];
  /** Final confirmations whose order has no quality result at all. */
  readonly finalsMissingQuality: readonly MissingQualityRecord[];
}

/** Prometheus text exposition (format 0.0.4), as GET /metrics answers it. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly text: string;
}

/** The console's views of issue 7 (Orders, Quality, trace, diagnostics): queries of the PlantDesk API like the others. */
export interface ConsoleViewsApi {
  getDiagnostics(): Promise<DiagnosticsBundle>;
  listOrders(query?: OrderListQuery): Promise<OrderProgress[]>;
  traceRecord(query: TraceQuery): Promise<RecordTrace>;
  getQuality(query?: QualityQuery): Promise<QualitySummary>;
}
/**
 * Prometheus text for IT's monitoring, served at METRICS_PATH only: a scraper's interface, not the console's, so it
 * is no query of the PlantDesk API (the console reads what it shows through the queries).
 */
export interface MetricsApi {
  getMetrics(): Promise<MetricsExposition>;
}

/** Prometheus scrapes this path (outside /api/v1, where scrapers look by default). */
export const METRICS_PATH = '/metrics';
