// Read model of rejected raw messages for the API (listRejected): the store's rows in the contract's shape.
import { RejectedQuerySchema, type RejectedMessage, type RejectedQuery } from '../../domain/index.js';
import { listRejected, type ReadableDb } from '../../local-store/index.js';

export function listRejectedMessages(db: ReadableDb, query: RejectedQuery = {}): RejectedMessage[] {
  const q = RejectedQuerySchema.parse(query);
  const filter = {
    ...(q.source !== undefined ? { source: q.source } : {}),
    ...(q.channel !== undefined ? { channel: q.channel } : {}),
    ...(q.since !== undefined ? { since: Date.parse(q.since) } : {}),
  };
  return listRejected(db, filter, q.limit, q.payloadChars).map((r) => ({
    id: r.id,
    source: r.source,
    channel: r.channel,
    receivedAt: new Date(r.receivedAt).toISOString(),
    reason: r.reason,
    payload: r.payload,
    payloadEncoding: r.payloadEncoding,
    payloadTruncated: r.payloadCut,
    payloadBytes: r.payloadBytes,
    mappingVersion: r.mappingVersion,
    correlationId: r.correlationId,
  }));
}
