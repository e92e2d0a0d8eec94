// quick_check at start and the recovery path, on real files damaged the way disks damage them: bytes overwritten
// in the middle of the file, a header that is no longer SQLite's. The damaged file is never deleted.
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countEventsByStatus, getEvent, isCorruption, lastRecovery, listBackups, openDatabase, openStore, quickCheck, vacuumInto, type WritableDb,
} from '../../../local-store/index.js';
import { MIGRATIONS } from '../../../local-store/migrations/index.js';
import { addEvent, count, damageMiddle } from './storeRows.js';
import { tempDir } from './tempDb.js';

const T0 = Date.UTC(2025, 2, 4, 6, 0, 0);

/** A store with `n` events (ready and posted), closed cleanly (WAL checkpointed into the file). */
function storeWithEvents(file: string, n: number, at = T0): void {
  const db = openDatabase(file);
  db.transaction(() => {
    for (let i = 0; i < n; i++) addEvent(db, i % 2 === 0 ? 'ready' : 'posted', at + i, 600);
  })();
  db.close();
}

function open(file: string, backupDir: string, now = T0 + 3_600_000): ReturnType<typeof openStore> {
  return openStore(file, { backupDir, now: () => now });
}

describe('quick_check at start', () => {
  it('opens a sound file as it is, with no recovery and the time the check took', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    storeWithEvents(file, 50);
    const { db, recovery, checkMs } = open(file, join(dir, 'backups'));
    try {
      expect(recovery).toBeNull();
      expect(checkMs).toBeGreaterThanOrEqual(0);
      expect(count(db, 'SELECT COUNT(*) AS n FROM event')).toBe(50);
      expect(lastRecovery(db)).toBeNull();
    } finally {
      db.close();
    }
  });

  it('finds bytes overwritten in the middle of the file', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    storeWithEvents(file, 2000);
    damageMiddle(file);
    const db = new Database(file);
    try {
      let problems: string[];
      try {
        problems = quickCheck(db);
      } catch (error) {
        problems = [(error as Error).message];
        expect(isCorruption(error)).toBe(true);
      }
      expect(problems.length).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});

describe('recovery of a damaged file', () => {
  it('keeps the damaged file aside, restores the newest backup, and reads its ready events back before posting', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const backupDir = join(dir, 'backups');
    storeWithEvents(file, 1000);
    // A backup of that moment (what the daily backup writes), then more arrives and the file is damaged.
    const db1 = openDatabase(file);
    const older = vacuumInto(db1, backupDir, T0 + 1000);
    const newest = vacuumInto(db1, backupDir, T0 + 2000);
    db1.transaction(() => {
      for (let i = 0; i < 1000; i++) addEvent(db1, 'ready', T0 + 5000 + i, 600);
    })();
    db1.close();
    damageMiddle(file);
    const damagedBytes = readFileSync(file);

    const { db, recovery } = open(file, backupDir);
    try {
      expect(recovery).toMatchObject({
        at: T0 + 3_600_000, recoveredFrom: newest, backupTakenAt: T0 + 2000, unusableBackups: [], readBack: 500,
        damagedFileKeptAt: `${file}.damaged-20250304T070000000Z`,
      });
      expect(recovery!.problem.length).toBeGreaterThan(0);
      // The damaged file is kept byte for byte; the backups are untouched.
      expect(readFileSync(recovery!.damagedFileKeptAt).equals(damagedBytes)).toBe(true);
      expect(listBackups(backupDir).map((b) => b.file)).toEqual([newest, older]);
      // The store now holds the backup's records: ready ones wait in `sending` for the read-back.
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(countEventsByStatus(db)).toMatchObject({ ready: 0, sending: 500, posted: 500 });
      const history = db.prepare("SELECT from_status, to_status, actor, reason FROM event_history WHERE to_status = 'sending' AND reason LIKE 'restored%' ORDER BY id LIMIT 1").get();
      expect(history).toEqual({ from_status: 'ready', to_status: 'sending', actor: 'system', reason: expect.stringContaining(`restored from backup ${newest}`) as string });
      // Kept in the store, so the console can still say it after a restart.
      expect(lastRecovery(db)).toEqual(recovery);
    } finally {
      db.close();
    }
    // The next start finds a sound file: no second recovery, the record of the first one stays.
    const again = open(file, backupDir);
    try {
      expect(again.recovery).toBeNull();
      expect(lastRecovery(again.db)?.recoveredFrom).toBe(newest);
    } finally {
      again.db.close();
    }
  });

  it('moves the WAL of a damaged file aside with it, unchanged (it holds the newest commits)', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    storeWithEvents(file, 2000);
    // A crash leaves commits in the WAL: copy the file and its WAL while a connection is still writing.
    const live = openDatabase(file);
    live.pragma('wal_autocheckpoint = 0');
    live.transaction(() => {
      for (let i = 0; i < 100; i++) addEvent(live, 'ready', T0 + 10_000 + i, 600);
    })();
    copyFileSync(file, `${file}.crash`);
    copyFileSync(`${file}-wal`, `${file}.crash-wal`);
    live.close();
    renameSync(`${file}.crash`, file);
    renameSync(`${file}.crash-wal`, `${file}-wal`);
    rmSync(`${file}-shm`, { force: true });
    const wal = readFileSync(`${file}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    damageMiddle(file);

    const { db, recovery } = open(file, join(dir, 'backups'));
    db.close();
    expect(recovery).not.toBeNull();
    expect(readFileSync(`${recovery!.damagedFileKeptAt}-wal`).equals(wal)).toBe(true);
  });

  it('starts empty when there is no backup, and says so', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    storeWithEvents(file, 2000);
    damageMiddle(file);
    const { db, recovery } = open(file, join(dir, 'backups'));
    try {
      expect(recovery).toMatchObject({ recoveredFrom: null, backupTakenAt: null, readBack: 0 });
      expect(existsSync(recovery!.damagedFileKeptAt)).toBe(true);
      expect(count(db, 'SELECT COUNT(*) AS n FROM event')).toBe(0);
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('recovers a file whose header is no longer SQLite\'s (SQLITE_NOTADB)', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const backupDir = join(dir, 'backups');
    storeWithEvents(file, 10);
    const db1 = openDatabase(file);
    const backup = vacuumInto(db1, backupDir, T0);
    db1.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from('this is not an SQLite file header'), 0, 32, 0);
    closeSync(fd);
    const { db, recovery } = open(file, backupDir);
    try {
      expect(recovery?.recoveredFrom).toBe(backup);
      expect(count(db, 'SELECT COUNT(*) AS n FROM event')).toBe(10);
    } finally {
      db.close();
    }
  });

  it('skips a backup that is damaged too and restores the one before it', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const backupDir = join(dir, 'backups');
    storeWithEvents(file, 2000);
    const db1 = openDatabase(file);
    const good = vacuumInto(db1, backupDir, T0 + 1000);
    const bad = vacuumInto(db1, backupDir, T0 + 2000);
    db1.close();
    damageMiddle(bad);
    damageMiddle(file);
    const { db, recovery } = open(file, backupDir);
    try {
      expect(recovery).toMatchObject({ recoveredFrom: good, unusableBackups: [bad] });
      expect(count(db, 'SELECT COUNT(*) AS n FROM event')).toBe(2000);
      // The damaged backup stays where it was, for whoever looks into it.
      expect(existsSync(bad)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('never moves aside a file it cannot open for another reason (here: a folder in its place)', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    mkdirSync(file);
    expect(() => open(file, join(dir, 'backups'))).toThrow();
    expect(statSync(file).isDirectory()).toBe(true);
  });

  it('restores a backup of an older schema and migrates it', () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    const backupDir = join(dir, 'backups');
    // A pre-migration backup of schema 1 is all there is.
    const old = new Database(join(dir, 'old.db'));
    db1Schema(old);
    const backup = vacuumInto(old as WritableDb, backupDir, T0, 1);
    old.close();
    storeWithEvents(file, 2000);
    damageMiddle(file);
    const { db, recovery, migration } = open(file, backupDir);
    try {
      expect(recovery?.recoveredFrom).toBe(backup);
      expect(migration).toMatchObject({ from: 1, to: MIGRATIONS.length });
      expect(getEvent(db, 'ev-old')?.status).toBe('sending');
    } finally {
      db.close();
    }
  });
});

function db1Schema(db: Database.Database): void {
  db.transaction(() => {
    MIGRATIONS[0]!(db);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO raw_message (id, idempotency_key, source, channel, payload, received_at, correlation_id, status) VALUES (1, 'k', 'mes', 't', '{}', ?, 'c', 'mapped')").run(T0);
    db.prepare(`INSERT INTO event (event_id, raw_id, kind, status, order_id, body, correlation_id, created_at, updated_at)
      VALUES ('ev-old', 1, 'confirmation', 'ready', '1000001', '{}', 'c', ?, ?)`).run(T0, T0);
  })();
}
