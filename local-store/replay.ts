// Replay of rejected raw messages in the store: which ones to run the mapping over again, and the outcome of
// each. A message that becomes an event is marked `mapped` in the same transaction as the event's insert, and
// event.raw_id is unique, so a raw message can never make a second event (nothing is posted twice).
import type { WritableDb, ReadableDb } from './database.js';
import type { RejectedFilter } from './rejected.js';
import { statement } from './statements.js';

export interface ReplaySelection extends RejectedFilter {
  /** Only these raw message ids (still only rejected ones). */
  readonly ids?: readonly number[];
}

export interface ReplayCandidate {
  readonly id: number;
  readonly idempotencyKey: string;
  readonly source: string;
  readonly channel: string;
  readonly payload: string;
  readonly payloadEncoding: 'utf8' | 'base64';
  readonly payloadBytes: number | null;
  readonly payloadTruncated: boolean;
  readonly receivedAt: number;
  readonly correlationId: string;
  readonly reason: string;
  readonly mappingVersion: string | null;
}

interface Row {
  id: number; idempotency_key: string; source: string; channel: string; payload: string; payload_encoding: string; payload_bytes: number | null;
  payload_truncated: number; received_at: number; correlation_id: string; reject_reason: string | null; mapping_version: string | null;
}

/** Rejected messages matching the selection with an id above `afterId`, oldest first (the order they came in). */
export function selectReplayCandidates(db: ReadableDb, selection: ReplaySelection, afterId: number, limit: number): ReplayCandidate[] {
  const rows = statement(db, `SELECT id, idempotency_key, source, channel, payload, payload_encoding, payload_bytes, payload_truncated,
      received_at, correlation_id, reject_reason, mapping_version
    FROM raw_message
    WHERE status = 'rejected' AND id > @afterId
      AND (@source IS NULL OR source = @source)
      AND (@channel IS NULL OR channel = @channel)
      AND (@since IS NULL OR received_at >= @since)
      AND (@until IS NULL OR received_at < @until)
      AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))
    ORDER BY id LIMIT @limit`).all({
    afterId, limit, source: selection.source ?? null, channel: selection.channel ?? null, since: selection.since ?? null,
    until: selection.until ?? null, ids: selection.ids ? JSON.stringify(selection.ids) : null,
  }) as Row[];
  return rows.map((r) => ({
    id: r.id, idempotencyKey: r.idempotency_key, source: r.source, channel: r.channel, payload: r.payload,
    payloadEncoding: r.payload_encoding === 'base64' ? 'base64' : 'utf8', payloadBytes: r.payload_bytes, payloadTruncated: r.payload_truncated === 1,
    receivedAt: r.received_at, correlationId: r.correlation_id, reason: r.reject_reason ?? '', mappingVersion: r.mapping_version,
  }));
}

/** Status of the given raw messages, for telling a caller why an id was not replayed. */
export function rawStatuses(db: ReadableDb, ids: readonly number[]): Map<number, string> {
  const rows = statement(db, 'SELECT id, status FROM raw_message WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: number; status: string }[];
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** The raw message that holds this idempotency key, if any. */
export function rawIdByKey(db: ReadableDb, idempotencyKey: string): number | undefined {
  const row = statement(db, 'SELECT id FROM raw_message WHERE idempotency_key = ?').get(idempotencyKey) as { id: number } | undefined;
  return row?.id;
}

/** Marks a rejected message mapped; false when it no longer is rejected (another replay got there first). */
export function markRawMapped(db: WritableDb, rawId: number, mappingVersion: string | null): boolean {
  return statement(db, "UPDATE raw_message SET status = 'mapped', reject_reason = NULL, mapping_version = ? WHERE id = ? AND status = 'rejected'")
    .run(mappingVersion, rawId).changes === 1;
}

/** Keeps a message rejected, with the reason and mapping version of this run. */
export function updateRejection(db: WritableDb, rawId: number, reason: string, mappingVersion: string | null): void {
  statement(db, "UPDATE raw_message SET reject_reason = ?, mapping_version = ? WHERE id = ? AND status = 'rejected'").run(reason, mappingVersion, rawId);
}
