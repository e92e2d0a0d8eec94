// The rejected-messages part of the PlantDesk API: listing raw messages that could not be mapped, and replaying
// them through the current mapping after a fix. Re-exported by api.ts.
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with offset, e.g. 2026-11-25T06:00:00Z' });

export const RejectedQuerySchema = z.strictObject({
  /** The source's name from the configuration. */
  source: z.string().trim().min(1).max(40).optional(),
  /** The MQTT topic or OPC UA node, exactly. */
  channel: z.string().min(1).max(1024).optional(),
  /** Received at or after this time. */
  since: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Characters of each payload to return (default 2,000); longer ones come cut, with payloadTruncated. */
  payloadChars: z.coerce.number().int().min(16).max(65_536).default(2000),
});
export type RejectedQuery = z.input<typeof RejectedQuerySchema>;

export interface RejectedMessage {
  /** Raw message id: what replayRejected's `ids` takes. */
  readonly id: number;
  readonly source: string;
  /** MQTT topic or OPC UA node. */
  readonly channel: string;
  readonly receivedAt: string;
  /** Why it could not be mapped, naming the fields or the problem. */
  readonly reason: string;
  /** The payload as stored, cut at payloadChars: text, or base64 when the bytes were not UTF-8. */
  readonly payload: string;
  readonly payloadEncoding: 'utf8' | 'base64';
  /** True when `payload` is not the whole message (cut for display, or only a prefix was kept). */
  readonly payloadTruncated: boolean;
  /** Size of the message as received; null when unknown (older rows). */
  readonly payloadBytes: number | null;
  /** The mapping that rejected it, e.g. "mes-json-v1" or "mes:plant/+/conf@v2#1a2b3c4d"; null: no mapping applied. */
  readonly mappingVersion: string | null;
  readonly correlationId: string;
}

export const ReplayRejectedSchema = z
  .strictObject({
    source: z.string().trim().min(1).max(40).optional(),
    channel: z.string().min(1).max(1024).optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
    /** Raw message ids (from listRejected); only rejected ones are replayed. */
    ids: z.array(z.number().int().positive()).min(1).max(1000).optional(),
    /** At most this many messages in one run (default 10,000); `remaining` says how many more match. */
    limit: z.number().int().min(1).max(100_000).default(10_000),
    /** Why, for the audit log. */
    reason: z.string().trim().min(3, 'say why these messages are replayed (at least 3 characters)').max(500),
  })
  .refine((c) => c.since === undefined || c.until === undefined || Date.parse(c.since) < Date.parse(c.until), { message: 'since must be before until', path: ['until'] });
export type ReplayRejectedArgs = z.input<typeof ReplayRejectedSchema>;

export type ReplayOutcome = 'mapped' | 'rejected' | 'skipped';

export interface ReplayItem {
  readonly id: number;
  readonly outcome: ReplayOutcome;
  /** The event made from it (mapped). */
  readonly eventId?: string;
  /** Why it is still rejected, or why it was skipped. */
  readonly reason?: string;
  readonly mappingVersion: string | null;
}

export interface ReplayResult {
  /** Rejected messages that matched the selection before the run. */
  readonly rejectedBefore: number;
  /** ... and after it. */
  readonly rejectedAfter: number;
  /** Messages the mapping ran over in this run. */
  readonly replayed: number;
  /** Now events (status mapped, or further if validated at once). */
  readonly mapped: number;
  /** Still rejected, each with its new reason. */
  readonly stillRejected: number;
  /** Not replayed: an id that is not a rejected message, or one a concurrent replay took. */
  readonly skipped: number;
  /** Matching rejected messages left for another run (over `limit`). */
  readonly remaining: number;
  /** Sequence number of the audit entry for this run. */
  readonly auditSeq: number;
  /** Per message, the first 200. */
  readonly items: readonly ReplayItem[];
}
