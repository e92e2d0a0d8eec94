import { describe, expect, it } from 'vitest';
import { GroupCommitter, type WritableDb } from '../../../local-store/index.js';
import { openTempDb } from './tempDb.js';

function committer(db: WritableDb, onCommitFailure?: (error: Error) => void): GroupCommitter<string, number> {
  db.exec('CREATE TABLE IF NOT EXISTS item (name TEXT NOT NULL CHECK (name <> \'bad\'))');
  return new GroupCommitter(db, (name) => Number(db.prepare('INSERT INTO item (name) VALUES (?)').run(name).lastInsertRowid), onCommitFailure ? { onCommitFailure } : {});
}

const names = (db: WritableDb): string[] => (db.prepare('SELECT name FROM item ORDER BY rowid').all() as { name: string }[]).map((r) => r.name);

describe('GroupCommitter.enqueue (callback instead of a promise per item)', () => {
  it('answers each item once, after the commit, with its result', async () => {
    const db = openTempDb();
    const commits = committer(db);
    const answers: [string, Error | undefined, number | undefined, string[]][] = [];
    for (const name of ['a', 'b', 'c']) commits.enqueue(name, (error, result) => answers.push([name, error, result, names(db)]));
    expect(answers).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    // Every answer came when all three rows were already committed (one transaction).
    expect(answers).toEqual([['a', undefined, 1, ['a', 'b', 'c']], ['b', undefined, 2, ['a', 'b', 'c']], ['c', undefined, 3, ['a', 'b', 'c']]]);
  });

  it('fails only the item that failed; the others are committed and answered', async () => {
    const db = openTempDb();
    const commits = committer(db);
    const answers: string[] = [];
    for (const name of ['a', 'bad', 'c']) commits.enqueue(name, (error) => answers.push(`${name}:${error ? 'failed' : 'ok'}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toEqual(['a:ok', 'bad:failed', 'c:ok']);
    expect(names(db)).toEqual(['a', 'c']);
  });

  it('a callback that throws does not leave the rest of the batch unanswered', async () => {
    const db = openTempDb();
    const commits = committer(db);
    const answered: string[] = [];
    const thrown = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    commits.enqueue('a', () => {
      throw new Error('caller bug');
    });
    commits.enqueue('b', () => answered.push('b'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toEqual(['b']);
    expect(((await thrown) as Error).message).toBe('caller bug');
  });

  it('a failed commit reports to onCommitFailure and fails every item of the batch', async () => {
    const db = openTempDb();
    const failures: Error[] = [];
    const commits = committer(db, (error) => failures.push(error));
    const errors: (Error | undefined)[] = [];
    db.close();
    commits.enqueue('a', (error) => errors.push(error));
    commits.enqueue('b', (error) => errors.push(error));
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.map((e) => e?.message)).toEqual([expect.stringMatching(/not open/), expect.stringMatching(/not open/)]);
    expect(failures).toHaveLength(1);
  });
});
