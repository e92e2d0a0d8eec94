// The audit log in write order, page by page, for the CSV export (the agent's exceptions/auditCsv.ts).
import type { ReadableDb } from './database.js';
import { statement } from './statements.js';

export interface AuditExportRow {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  /** JSON text as stored, or null. */
  readonly before: string | null;
  readonly after: string | null;
  readonly reason: string | null;
  readonly correlationId: string | null;
  readonly hash: string;
}

/** Entries with seq > afterSeq and at in [from, to), oldest first. */
export function auditPage(db: ReadableDb, afterSeq: number, limit: number, from = 0, to = Number.MAX_SAFE_INTEGER): AuditExportRow[] {
  return statement(db, `SELECT seq, at, actor, action, subject, before, after, reason, correlation_id AS correlationId, hash
    FROM audit_log WHERE seq > ? AND at >= ? AND at < ? ORDER BY seq LIMIT ?`).all(afterSeq, from, to, limit) as AuditExportRow[];
}
