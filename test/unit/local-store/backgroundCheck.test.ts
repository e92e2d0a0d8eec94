// quick_check on a worker thread (local-store/backgroundCheck.ts) on real files: a sound file passes while the
// agent's connection writes, a damaged one is reported, and while the worker holds its connection the agent's
// connection closes without checkpointing its WAL into the (possibly damaged) file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, openStoreCheckingInBackground, startBackgroundCheck } from '../../../local-store/index.js';
import { addEvent, count, damageMiddle } from './storeRows.js';
import { tempDir } from './tempDb.js';

const T0 = Date.UTC(2025, 2, 4, 6, 0, 0);

function storeWithEvents(file: string, n: number): void {
  const db = openDatabase(file);
  db.transaction(() => {
    for (let i = 0; i < n; i++) addEvent(db, 'ready', T0 + i, 600);
  })();
  db.close();
}

describe('integrity check on a worker thread', () => {
  it('passes a sound file while the agent writes through its own connection', async () => {
    const file = join(tempDir(), 'plantdesk.db');
    storeWithEvents(file, 2000);
    const opening = openStoreCheckingInBackground(file);
    expect(opening.check).not.toBeNull();
    expect(opening.recovery).toBeNull();
    // The main connection writes while the worker reads its snapshot.
    opening.db.transaction(() => {
      for (let i = 0; i < 200; i++) addEvent(opening.db, 'ready', T0 + 10_000 + i);
    })();
    const outcome = await opening.check!.outcome;
    expect(outcome.kind).toBe('sound');
    await opening.check!.release();
    expect(count(opening.db, 'SELECT COUNT(*) AS n FROM event')).toBe(2200);
    opening.db.close();
  });

  it('reports a damaged file, and the agent closing its connection meanwhile changes neither the file nor its WAL', async () => {
    const file = join(tempDir(), 'plantdesk.db');
    storeWithEvents(file, 3000);
    damageMiddle(file);
    const damagedBytes = readFileSync(file);
    const opening = openStoreCheckingInBackground(file);
    expect(opening.check).not.toBeNull();
    // A write the agent made before the check answered: it sits in the WAL and must stay there.
    opening.db.prepare("INSERT INTO setting (key, value) VALUES ('probe', 'x')").run();
    const outcome = await opening.check!.outcome;
    expect(outcome).toMatchObject({ kind: 'damaged' });
    expect(outcome.kind === 'damaged' && outcome.problem.length).toBeGreaterThan(0);
    const walBytes = statSync(`${file}-wal`).size;
    opening.db.close();
    // Still held by the worker: no checkpoint on close, so the file is as the disk damaged it and the WAL remains.
    expect(readFileSync(file).equals(damagedBytes)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(statSync(`${file}-wal`).size).toBe(walBytes);
    await opening.check!.release();
    expect(readFileSync(file).equals(damagedBytes)).toBe(true);
  });

  it('checks before opening (no worker) a file whose schema is behind: a migration must not write into damage', () => {
    const file = join(tempDir(), 'plantdesk.db');
    storeWithEvents(file, 10);
    const older = openDatabase(file);
    older.pragma('user_version = 5');
    older.close();
    const opening = openStoreCheckingInBackground(file, { backupDir: join(tempDir(), 'backups') });
    expect(opening.check).toBeNull();
    expect(opening.migration?.from).toBe(5);
    expect(opening.checkMs).toBeGreaterThan(0);
    opening.db.close();
  });

  it('release stops a check still running and the worker exits', async () => {
    const file = join(tempDir(), 'plantdesk.db');
    storeWithEvents(file, 20_000);
    const check = startBackgroundCheck(file);
    await check.release();
    const outcome = await check.outcome;
    expect(['sound', 'failed']).toContain(outcome.kind);
  });
});
