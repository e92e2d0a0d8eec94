// The audit log: who did what, when, before and after, and why. Each entry's hash covers the previous one's,
// so a changed or removed entry breaks the chain at the first bad entry. The newest entry's seq and hash are also
// kept in `setting` (audit.head), written in the same transaction, so removing the newest entries shows too.
import { createHash } from 'node:crypto';
import type { AuditVerification } from '../domain/index.js';
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

export type AuditVerifyResult = AuditVerification;

const GENESIS = '0'.repeat(64);
const HEAD_SETTING = 'audit.head';

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
    statement(db, 'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(HEAD_SETTING, JSON.stringify({ seq: row.seq, hash }));
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

/** Checks rows in seq order; `finish` compares the last one with audit.head. */
class ChainCheck {
  private prevHash = GENESIS;
  private expectedSeq = 1;
  entries = 0;

  /** A problem with this row, or null when it continues the chain. */
  row(row: AuditRow): AuditVerifyResult | null {
    this.entries++;
    if (row.seq !== this.expectedSeq) {
      const removed = row.seq - 1 === this.expectedSeq ? `entry ${this.expectedSeq} was removed` : `entries ${this.expectedSeq} to ${row.seq - 1} were removed`;
      return this.bad(this.expectedSeq, removed);
    }
    // The hash covers the row's own fields and the previous hash: a changed field, or a prev_hash that was rewritten
    // to hide a change before it, both fail here.
    if (row.prev_hash !== this.prevHash || entryHash(this.prevHash, row) !== row.hash) return this.bad(row.seq, `entry ${row.seq} was changed after it was written (${row.action} by ${row.actor})`);
    this.prevHash = row.hash;
    this.expectedSeq++;
    return null;
  }

  finish(head: { seq: number; hash: string } | null): AuditVerifyResult {
    const next = this.expectedSeq;
    if (head && head.seq >= next) return this.bad(next, head.seq === next ? `entry ${next}, the newest, was removed` : `entries ${next} to ${head.seq}, the newest, were removed`);
    if (head && head.seq === next - 1 && head.hash !== this.prevHash) return this.bad(head.seq, `entry ${head.seq} was changed after it was written`);
    return { ok: true, entries: this.entries };
  }

  private bad(firstBadSeq: number, problem: string): AuditVerifyResult {
    return { ok: false, entries: this.entries, firstBadSeq, problem };
  }
}

/**
 * Walks the whole chain and names the first entry that was changed or removed: a changed field fails its hash; a
 * removed entry leaves a gap in the sequence (or, for the newest ones, falls short of audit.head). Synchronous:
 * for the command line; in the agent use verifyAuditInSteps.
 */
export function verifyAudit(db: ReadableDb): AuditVerifyResult {
  const check = new ChainCheck();
  for (const row of statement(db, 'SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    const problem = check.row(row);
    if (problem) return problem;
  }
  return check.finish(readHead(db));
}

/**
 * The same check in pages of `pageSize` rows with the event loop free between them (about 1 s per 100,000 entries
 * on the build machines), so intake is not held up. Entries appended meanwhile are checked too: the last page and
 * audit.head are read in one synchronous step.
 */
export async function verifyAuditInSteps(db: ReadableDb, pageSize = 2000): Promise<AuditVerifyResult> {
  const check = new ChainCheck();
  let after = 0;
  for (;;) {
    const rows = statement(db, 'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(after, pageSize) as AuditRow[];
    for (const row of rows) {
      const problem = check.row(row);
      if (problem) return problem;
    }
    if (rows.length < pageSize) return check.finish(readHead(db));
    after = rows[rows.length - 1]!.seq;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function readHead(db: ReadableDb): { seq: number; hash: string } | null {
  const row = statement(db, 'SELECT value FROM setting WHERE key = ?').get(HEAD_SETTING) as { value: string } | undefined;
  if (!row) return null; // written by a version before the anchor: the chain alone is checked
  try {
    const head = JSON.parse(row.value) as { seq?: unknown; hash?: unknown };
    return typeof head.seq === 'number' && typeof head.hash === 'string' ? { seq: head.seq, hash: head.hash } : null;
  } catch {
    return null;
  }
}
