// Raw messages exactly as a connector received them: the first thing committed, before any acknowledgement.
import type { RawStatus } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

export interface RawMessageInput {
  /** Derived from the source (MES message id, OPC UA node + source timestamp): a redelivery has the same key. */
  readonly idempotencyKey: string;
  readonly source: string;
  readonly channel: string;
  readonly payload: string;
  readonly receivedAt: number;
  readonly correlationId: string;
  readonly status: RawStatus;
  readonly rejectReason?: string;
}

export interface RejectedRawMessage {
  readonly id: number;
  readonly source: string;
  readonly channel: string;
  readonly payload: string;
  readonly receivedAt: number;
  readonly correlationId: string;
  readonly reason: string;
}

/** Inserts the message unless its key was seen before; returns its row id, or null for a duplicate. */
export function insertRawMessage(db: WritableDb, raw: RawMessageInput): number | null {
  const result = statement(db, 
      `INSERT INTO raw_message (idempotency_key, source, channel, payload, received_at, correlation_id, status, reject_reason)
       VALUES (@idempotencyKey, @source, @channel, @payload, @receivedAt, @correlationId, @status, @rejectReason)
       ON CONFLICT(idempotency_key) DO NOTHING`,
    )
    .run({ ...raw, rejectReason: raw.rejectReason ?? null });
  return result.changes === 1 ? Number(result.lastInsertRowid) : null;
}

export function countRawByStatus(db: ReadableDb, status: RawStatus): number {
  const row = statement(db, 'SELECT COUNT(*) AS n FROM raw_message WHERE status = ?').get(status) as { n: number };
  return row.n;
}

export function countRawByKey(db: ReadableDb, idempotencyKey: string): number {
  const row = statement(db, 'SELECT COUNT(*) AS n FROM raw_message WHERE idempotency_key = ?').get(idempotencyKey) as { n: number };
  return row.n;
}
