// The simulator's fault knobs (issue 5), shared by the SAP OData and the REST JSON simulator: what can go wrong,
// how often (seeded, so a test is repeatable), and one-shot scripted faults for exact test cases. Settable at
// start and through POST /sim/faults; validated so a typo in a test is an error, not a silent no-op.
import { z } from 'zod';

/** Faults that hit a whole HTTP request (before or after the ERP committed it). */
export const REQUEST_FAULTS = ['server-error', 'throttle', 'maintenance', 'reset-before-commit', 'reset-after-commit', 'csrf-expiry', 'slow-after-commit'] as const;
/** Business rejections of one posting (inside a $batch: of one changeset). */
export const POSTING_FAULTS = ['reject-technically-completed', 'reject-period-closed', 'reject-over-tolerance'] as const;
export type RequestFault = (typeof REQUEST_FAULTS)[number];
export type PostingFault = (typeof POSTING_FAULTS)[number];
export type ScriptedFault = RequestFault | PostingFault;

const rate = z.number().min(0).max(1);
const instant = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

export const FaultConfigSchema = z.strictObject({
  /** Seed of the random faults: the same seed and the same request sequence give the same faults. */
  seed: z.number().int().default(1),
  /** Added before every answer; plus a random 0..latencyJitterMs. */
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  latencyJitterMs: z.number().int().min(0).max(600_000).default(0),
  /** Share of requests answered 500 before anything is stored. */
  serverErrorRate: rate.default(0),
  /** Share of requests answered 429 with Retry-After: throttleRetryAfterS. */
  throttleRate: rate.default(0),
  throttleRetryAfterS: z.number().int().min(0).max(86_400).default(1),
  /** How Retry-After is written on 429 and 503: delta seconds or an HTTP date. */
  retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
  /** 503 with Retry-After (seconds to the window's end) for every request inside a window. */
  maintenance: z.array(z.strictObject({ start: instant, end: instant })).default([]),
  /** Share of modifying requests that are stored, then answered by destroying the socket (response lost). */
  resetAfterCommitRate: rate.default(0),
  /** Share of modifying requests before which every CSRF token expires (the client must fetch a new one). */
  csrfExpiryRate: rate.default(0),
  /** Share of postings rejected for business reasons (one of the three, at random). */
  rejectRate: rate.default(0),
  /** Orders the ERP treats as technically completed, on top of the demo's completed ones. */
  technicallyCompletedOrders: z.array(z.string()).default([]),
  /** Postings dated before this day (YYYY-MM-DD) fall into a closed posting period. */
  postingPeriodClosedBefore: z.iso.date().nullable().default(null),
  /** Overdelivery tolerance: total yield above quantity x (1 + pct/100) is rejected. Null: no check. */
  overdeliveryTolerancePct: z.number().min(0).max(1000).nullable().default(null),
  /** How long 'slow-after-commit' holds the answer after storing (to make a client time out). */
  slowAfterCommitMs: z.number().int().min(0).max(600_000).default(10_000),
  /**
   * One-shot faults, consumed in order: request faults by the next modifying request (POST, $batch), rejections by
   * the next posting (inside a $batch: the next changeset). Reads and token fetches never consume them.
   */
  script: z.array(z.enum([...REQUEST_FAULTS, ...POSTING_FAULTS])).default([]),
});

export type FaultConfig = z.output<typeof FaultConfigSchema>;
export type FaultConfigInput = z.input<typeof FaultConfigSchema>;

export const NO_FAULTS: FaultConfig = FaultConfigSchema.parse({});

/** Validates knobs; throws an Error naming every bad key and why. */
export function parseFaultConfig(input: unknown): FaultConfig {
  const parsed = FaultConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'faults'}: ${i.message}`).join('; '));
}
