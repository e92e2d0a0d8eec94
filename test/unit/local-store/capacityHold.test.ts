// GroupCommitter's back pressure: held items wait uncommitted (their callers unanswered) until released, and a
// batch that fails for want of space is reported before its items are rejected.
import { describe, expect, it } from 'vitest';
import { GroupCommitter, insertRawMessage, type WritableDb } from '../../../local-store/index.js';
import { openTempDb } from './tempDb.js';

const rows = (db: WritableDb): number => (db.prepare('SELECT COUNT(*) AS n FROM raw_message').get() as { n: number }).n;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function committer(db: WritableDb, onCommitFailure?: (error: Error) => void): GroupCommitter<string, number> {
  return new GroupCommitter(db, (key) => insertRawMessage(db, {
    idempotencyKey: key, source: 't', channel: 'c', payload: 'x'.repeat(2000), receivedAt: 1, correlationId: key, status: 'mapped',
  }) ?? 0, { maxBatch: 10, ...(onCommitFailure ? { onCommitFailure } : {}) });
}

describe('GroupCommitter hold and release', () => {
  it('keeps submitted items uncommitted and unanswered while held, then commits them in order on release', async () => {
    const db = openTempDb();
    const gc = committer(db);
    gc.hold();
    const settled: string[] = [];
    const all = Array.from({ length: 25 }, (_, i) => gc.submit(`k${i}`).then(() => settled.push(`k${i}`)));
    await turn();
    gc.flush();
    await turn();
    expect(rows(db)).toBe(0);
    expect(settled).toEqual([]);
    expect(gc.pending).toBe(25);
    expect(gc.holding).toBe(true);
    gc.release();
    await Promise.all(all);
    expect(rows(db)).toBe(25);
    expect(settled).toEqual(Array.from({ length: 25 }, (_, i) => `k${i}`));
    expect(gc.holding).toBe(false);
  });

  it('reports a batch that failed for want of space before rejecting it; a hold from the report keeps the rest waiting', async () => {
    const db = openTempDb();
    const reported: string[] = [];
    const rejected: string[] = [];
    const gc: GroupCommitter<string, number> = committer(db, (error) => {
      reported.push((error as Error & { code?: string }).code ?? '');
      // Rejections have not run yet when the report comes.
      expect(rejected).toEqual([]);
      gc.hold();
    });
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const outcomes = Array.from({ length: 25 }, (_, i) => gc.submit(`k${i}`).then(() => 'stored', (error: Error & { code?: string }) => {
      rejected.push(`k${i}`);
      return error.code;
    }));
    await turn();
    await turn();
    expect(reported).toEqual(['SQLITE_FULL']);
    // The first batch (10) failed; the other 15 wait, neither committed nor rejected.
    expect(rejected).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
    expect(gc.pending).toBe(15);
    db.pragma('max_page_count = 100000');
    gc.release();
    expect(await Promise.all(outcomes)).toEqual([...Array(10).fill('SQLITE_FULL'), ...Array(15).fill('stored')]);
    expect(rows(db)).toBe(15);
  });
});
