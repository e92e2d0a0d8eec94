// Rejected raw messages as the console and the API list them: newest first, by source, topic or node, and time,
// with the payload cut for display (the stored payload itself is untouched).
import type { ReadableDb } from './database.js';
import { statement } from './statements.js';

export interface RejectedFilter {
  readonly source?: string;
  /** The MQTT topic or OPC UA node, exactly. */
  readonly channel?: string;
  /** Received at or after (epoch ms). */
  readonly since?: number;
  /** Received before (epoch ms). */
  readonly until?: number;
}

export interface RejectedRow {
  readonly id: number;
  readonly source: string;
  readonly channel: string;
  /** The stored payload, at most `payloadChars` characters of it. */
  readonly payload: string;
  /** True when `payload` is not the whole message: cut here for display, or only a prefix was stored. */
  readonly payloadCut: boolean;
  readonly payloadEncoding: 'utf8' | 'base64';
  /** Size of the message as received; null for rows written before sizes were kept. */
  readonly payloadBytes: number | null;
  /** Only a prefix of the message was stored (it was over the size limit). */
  readonly storedTruncated: boolean;
  readonly receivedAt: number;
  readonly correlationId: string;
  readonly reason: string;
  readonly mappingVersion: string | null;
}

interface Row {
  id: number; source: string; channel: string; shown: string; cut: number; payload_encoding: string; payload_bytes: number | null;
  payload_truncated: number; received_at: number; correlation_id: string; reject_reason: string | null; mapping_version: string | null;
}

const REJECTED_FILTER_SQL = `status = 'rejected'
  AND (@source IS NULL OR source = @source)
  AND (@channel IS NULL OR channel = @channel)
  AND (@since IS NULL OR received_at >= @since)
  AND (@until IS NULL OR received_at < @until)`;

function params(filter: RejectedFilter): Record<string, unknown> {
  return { source: filter.source ?? null, channel: filter.channel ?? null, since: filter.since ?? null, until: filter.until ?? null };
}

/**
 * Newest first; `payloadChars` bounds what is read of each payload, so a page of 256 KiB messages stays small.
 * The partial index holds rejected rows only, in time order: no sort, and telemetry rows cost it nothing.
 */
export function listRejected(db: ReadableDb, filter: RejectedFilter, limit: number, payloadChars: number): RejectedRow[] {
  const rows = statement(db, `SELECT id, source, channel, substr(payload, 1, @chars) AS shown, length(payload) > @chars AS cut,
      payload_encoding, payload_bytes, payload_truncated, received_at, correlation_id, reject_reason, mapping_version
    FROM raw_message INDEXED BY raw_message_rejected WHERE ${REJECTED_FILTER_SQL}
    ORDER BY received_at DESC, id DESC LIMIT @limit`).all({ ...params(filter), chars: payloadChars, limit }) as Row[];
  return rows.map((r) => ({
    id: r.id, source: r.source, channel: r.channel, payload: r.shown, payloadCut: r.cut === 1 || r.payload_truncated === 1,
    payloadEncoding: r.payload_encoding === 'base64' ? 'base64' : 'utf8', payloadBytes: r.payload_bytes, storedTruncated: r.payload_truncated === 1,
    receivedAt: r.received_at, correlationId: r.correlation_id, reason: r.reject_reason ?? '', mappingVersion: r.mapping_version,
  }));
}

export function countRejected(db: ReadableDb, filter: RejectedFilter): number {
  return (statement(db, `SELECT COUNT(*) AS n FROM raw_message WHERE ${REJECTED_FILTER_SQL}`).get(params(filter)) as { n: number }).n;
}
