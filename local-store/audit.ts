// The audit log: who did what, when, before and after, and why. Each entry's hash covers the previous one's,
// so a changed or removed entry breaks the chain at the first bad entry.
import { createHash } from 'node:crypto';
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

export interface AuditInput {
  readonly at: number;
  readonly actor: string;
  /** e.g. 'certificate.trust', 'event.correct', 'config.change', 'login' */
  readonly action: string;
  readonly subject: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason?: string;
  readonly correlationId?: string;
}

export interface AuditEntry extends AuditInput {
  readonly seq: number;
  readonly hash: string;
}

export type AuditVerifyResult = { readonly ok: true; readonly entries: number } | { readonly ok: false; readonly entries: number; readonly firstBadSeq: number; readonly problem: string };

const GENESIS = '0'.repeat(64);

interface AuditRow {
  seq: number; at: number; actor: string; action: string; subject: string; before: string | null; after: string | null;
  reason: string | null; correlation_id: string | null; prev_hash: string; hash: string;
}

function entryHash(prevHash: string, row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const canonical = JSON.stringify([row.seq, row.at, row.actor, row.action, row.subject, row.before, row.after, row.reason, row.correlation_id]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export function appendAudit(db: WritableDb, input: AuditInput): AuditEntry {
  return db.transaction(() => {
    const last = statement(db, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const row = {
      seq: (last?.seq ?? 0) + 1, at: input.at, actor: input.actor, action: input.action, subject: input.subject,
      before: input.before === undefined ? null : JSON.stringify(input.before),
      after: input.after === undefined ? null : JSON.stringify(input.after),
      reason: input.reason ?? null, correlation_id: input.correlationId ?? null,
    };
    const prevHash = last?.hash ?? GENESIS;
    const hash = entryHash(prevHash, row);
    statement(db, `INSERT INTO audit_log (seq, at, actor, action, subject, before, after, reason, correlation_id, prev_hash, hash)
      VALUES (@seq, @at, @actor, @action, @subject, @before, @after, @reason, @correlation_id, @prevHash, @hash)`).run({ ...row, prevHash, hash });
    return { ...input, seq: row.seq, hash };
  })();
}

export function listAudit(db: ReadableDb, limit: number): AuditEntry[] {
  return (statement(db, 'SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?').all(limit) as AuditRow[]).map((r) => ({
    seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, hash: r.hash,
    ...(r.before !== null ? { before: JSON.parse(r.before) as unknown } : {}),
    ...(r.after !== null ? { after: JSON.parse(r.after) as unknown } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.correlation_id !== null ? { correlationId: r.correlation_id } : {}),
  }));
}

/** Walks the whole chain; names the first entry that was changed, or that follows a removed one. */
export function verifyAudit(db: ReadableDb): AuditVerifyResult {
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let entries = 0;
  for (const row of statement(db, 'SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    entries++;
    if (row.seq !== expectedSeq) return { ok: false, entries, firstBadSeq: row.seq, problem: `entry ${expectedSeq} is missing` };
    if (row.prev_hash !== prevHash) return { ok: false, entries, firstBadSeq: row.seq, problem: 'does not follow the entry before it' };
    if (entryHash(prevHash, row) !== row.hash) return { ok: false, entries, firstBadSeq: row.seq, problem: 'was changed after it was written' };
    prevHash = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries };
}
