// The exceptions workspace in the API contract (issue 6): supervisors see why a record would be or was rejected,
// correct it, void it or retry it, in bulk after a preview, with four-eyes approval above the thresholds.
import { z } from 'zod';
import type { CanonicalEvent } from './confirmation.js';
import type { EventStatus } from './lifecycle.js';
import type { EventSummary } from './api.js';
import type { RuleViolation } from './validation.js';

const EventId = z.string().trim().min(1, 'give the event id').max(64);
const Reason = z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500);
const OptionalText = (max: number) => z.string().trim().max(max).optional();

/** The fields a supervisor may edit; absent ones stay as they are. Numbers and flags also come as text (HTTP GET). */
export const CorrectionFieldsSchema = z.strictObject({
  orderId: z.string().trim().min(1, 'is empty').max(12, 'is longer than the 12 characters the ERP allows').optional(),
  operation: z.string().trim().regex(/^\d{1,4}$/, 'must be up to 4 digits').transform((op) => op.padStart(4, '0')).optional(),
  workCenter: OptionalText(8),
  material: OptionalText(40),
  batch: OptionalText(10),
  yieldQty: z.coerce.number().finite('must be a number').nonnegative('must not be negative').optional(),
  scrapQty: z.coerce.number().finite('must be a number').nonnegative('must not be negative').optional(),
  unit: z.string().trim().min(1, 'is empty').max(3, 'is longer than 3 characters').transform((u) => u.toUpperCase()).optional(),
  final: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
});
export type CorrectionFields = z.input<typeof CorrectionFieldsSchema>;
export const CORRECTABLE_FIELDS = ['orderId', 'operation', 'workCenter', 'material', 'batch', 'yieldQty', 'scrapQty', 'unit', 'final'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

export const ExceptionQuerySchema = z.strictObject({
  rule: z.string().trim().min(1).max(40).optional(),
  line: z.string().trim().min(1).max(40).optional(),
  orderId: z.string().trim().min(1).max(12).optional(),
  status: z.enum(['exception', 'pending_approval']).optional(),
  /** Only exceptions older than this many minutes. */
  olderThanMin: z.coerce.number().int().min(0).max(525_600).optional(),
  groupBy: z.enum(['rule', 'line', 'order', 'age']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ExceptionQuery = z.input<typeof ExceptionQuerySchema>;

export const ExceptionIdSchema = z.strictObject({ eventId: EventId });
export type ExceptionIdArgs = z.input<typeof ExceptionIdSchema>;
/** Recheck: the edited form, flat so it also travels as an HTTP query string; nothing is saved. */
export const RecheckExceptionSchema = CorrectionFieldsSchema.extend({ eventId: EventId });
export type RecheckExceptionArgs = z.input<typeof RecheckExceptionSchema>;
export const CorrectExceptionSchema = z.strictObject({ eventId: EventId, fields: CorrectionFieldsSchema, reason: Reason });
export type CorrectExceptionArgs = z.input<typeof CorrectExceptionSchema>;
export const VoidExceptionSchema = z.strictObject({ eventId: EventId, reason: Reason });
export type VoidExceptionArgs = z.input<typeof VoidExceptionSchema>;
export const RetryExceptionSchema = z.strictObject({ eventId: EventId, reason: z.string().trim().max(500).optional() });
export type RetryExceptionArgs = z.input<typeof RetryExceptionSchema>;
export const ApprovalDecisionSchema = z.strictObject({ eventId: EventId, reason: z.string().trim().max(500).optional() });
export type ApprovalDecisionArgs = z.input<typeof ApprovalDecisionSchema>;
export const RejectCorrectionSchema = z.strictObject({ eventId: EventId, reason: Reason });
export type RejectCorrectionArgs = z.input<typeof RejectCorrectionSchema>;

/** One correction over every open exception whose `field` is `from`: material X to Y, unit G to KG, ... */
export const BulkCorrectSchema = z.strictObject({
  field: z.enum(['material', 'unit', 'orderId', 'operation', 'workCenter', 'batch']),
  from: z.string().trim().min(1).max(40),
  to: z.string().trim().min(1).max(40),
  /** Narrow to one rule's exceptions, e.g. UNIT_MISMATCH. */
  rule: z.string().trim().min(1).max(40).optional(),
  reason: Reason,
  /** True: show what would change, change nothing. */
  preview: z.boolean().default(true),
});
export type BulkCorrectArgs = z.input<typeof BulkCorrectSchema>;

export const AuditCsvQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditCsvQuery = z.input<typeof AuditCsvQuerySchema>;

export interface ExceptionSummary extends EventSummary {
  /** Age in minutes since it arrived. */
  readonly ageMin: number;
  /** True when a retry is what it needs (the ERP refused it; the record itself passes the rules). */
  readonly erpSide: boolean;
  /** Set while it waits for a second supervisor. */
  readonly approval: ApprovalInfo | null;
}

export interface ApprovalInfo {
  readonly action: 'correct' | 'void';
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly reason: string;
  /** Which threshold made it need a second supervisor. */
  readonly why: string;
  /** The proposed body of a correction, or null for a void. */
  readonly proposed: CanonicalEvent | null;
}

export interface ExceptionGroup {
  /** The rule code, line, order or age band ('< 1 h', '1–24 h', '> 24 h'). */
  readonly key: string;
  readonly count: number;
}

export interface ExceptionList {
  readonly total: { readonly exception: number; readonly pendingApproval: number };
  readonly items: readonly ExceptionSummary[];
  /** Counts per key of the requested grouping (of the listed items), biggest first; empty without groupBy. */
  readonly groups: readonly ExceptionGroup[];
}

export interface HistoryEntry {
  readonly at: string;
  readonly actor: string;
  readonly from: EventStatus | null;
  readonly to: EventStatus;
  readonly reason: string | null;
}

export interface RevisionEntry {
  readonly at: string;
  readonly actor: string;
  readonly approvedBy: string | null;
  readonly before: CanonicalEvent;
  readonly after: CanonicalEvent;
  readonly reason: string;
  readonly correlationId: string;
}

export interface ExceptionDetail {
  readonly summary: ExceptionSummary;
  /** The raw message as received (cut to 16 KB), where it came from. */
  readonly raw: { readonly source: string; readonly channel: string; readonly payload: string; readonly receivedAt: string } | null;
  readonly event: CanonicalEvent;
  /** The violations stored with it (validation or the ERP's words). */
  readonly failedRules: readonly RuleViolation[];
  /** The rules as they stand now against the cached ERP data (orders may have changed since). */
  readonly currentViolations: readonly RuleViolation[];
  readonly history: readonly HistoryEntry[];
  readonly revisions: readonly RevisionEntry[];
}

export interface RecheckResult {
  /** The event as it would be posted (converted into the order's unit when possible). */
  readonly event: CanonicalEvent;
  readonly violations: readonly RuleViolation[];
  /** Field-level problems of the form itself (a negative quantity), by field; the rules are not run then. */
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** Why a correction like this needs a second supervisor, or null. */
  readonly needsApproval: string | null;
}

export interface ExceptionActionResult {
  readonly eventId: string;
  readonly status: EventStatus;
  /** Plain words: "corrected, ready to post", "waiting for a second supervisor: quantity changed by 25 %". */
  readonly message: string;
  readonly correlationId: string;
}

export interface BulkPreviewItem {
  readonly eventId: string;
  readonly before: CanonicalEvent;
  readonly after: CanonicalEvent;
  /** Violations after the change; empty: it would post. */
  readonly violations: readonly RuleViolation[];
  readonly needsApproval: string | null;
}

export interface BulkCorrectResult {
  readonly preview: boolean;
  /** Ties the per-event audit entries of one bulk correction together. */
  readonly bulkId: string | null;
  readonly matched: number;
  readonly items: readonly BulkPreviewItem[];
  /** After apply: the outcome per event (posted-ready, waiting for approval, still failing and left unchanged). */
  readonly results: readonly ExceptionActionResult[];
}

export interface AuditCsv {
  readonly fileName: string;
  readonly contentType: 'text/csv; charset=utf-8';
  readonly csv: string;
  readonly entries: number;
}

export interface ExceptionsApi {
  listExceptions(query?: ExceptionQuery): Promise<ExceptionList>;
  getException(args: ExceptionIdArgs): Promise<ExceptionDetail>;
  /** Runs the rules over an edited form without saving anything. */
  recheckException(args: RecheckExceptionArgs): Promise<RecheckResult>;
  exportAuditCsv(query?: AuditCsvQuery): Promise<AuditCsv>;
  correctException(args: CorrectExceptionArgs): Promise<ExceptionActionResult>;
  voidException(args: VoidExceptionArgs): Promise<ExceptionActionResult>;
  retryException(args: RetryExceptionArgs): Promise<ExceptionActionResult>;
  bulkCorrect(args: BulkCorrectArgs): Promise<BulkCorrectResult>;
  approveCorrection(args: ApprovalDecisionArgs): Promise<ExceptionActionResult>;
  rejectCorrection(args: RejectCorrectionArgs): Promise<ExceptionActionResult>;
}
