// The `sync:` section: how the sync engine posts to the ERP (README, "ERP sync"). Every key has a default and the
// section is optional (`.prefault({})`), so a plant that never writes it gets the behaviour described there.
import { z } from 'zod';

export const SyncSchema = z.strictObject({
  /** Requests to the ERP in flight at once; order per order holds for any value (README). Default 2. */
  maxInFlight: z.number().int().min(1).max(16).default(2),
  /** While a backlog drains, this share of every batch goes to events that arrived after the drain began. Default 0.25. */
  liveShare: z.number().min(0).max(1).default(0.25),
  /** A drain starts when more than this many events are ready at once. Default 500. */
  drainThreshold: z.number().int().min(1).default(500),
  backoff: z.strictObject({
    /** First retry after a failure: a random time between half and all of baseMs x 2^failures, capped at maxMs. */
    baseMs: z.number().int().min(10).max(600_000).default(1000),
    maxMs: z.number().int().min(10).max(3_600_000).default(60_000),
  }).prefault({}),
  /** After this many failures in a row the ERP is offline: probed (a cheap read), not posted to, until it answers. Default 3. */
  offlineAfterFailures: z.number().int().min(1).max(100).default(3),
  aggregate: z.strictObject({
    /** Confirmations of one order operation within this many seconds are summed into one posting; 0 = off (default). */
    windowS: z.number().min(0).max(86_400).default(0),
    /** Most confirmations in one posting. Default 1000. */
    maxEvents: z.number().int().min(2).max(100_000).default(1000),
  }).prefault({}),
  reconcile: z.strictObject({
    /** Orders with postings in the last lookbackH hours are compared with the ERP this often; 0 = only on demand. Default 3600. */
    everyS: z.number().min(0).max(604_800).default(3600),
    lookbackH: z.number().positive().max(24 * 90).default(48),
    /** Most orders per run. Default 200. */
    maxOrders: z.number().int().min(1).max(100_000).default(200),
  }).prefault({}),
});

export type SyncConfig = z.output<typeof SyncSchema>;
