// Tampering with the audit log: one changed field, one deleted row (in the middle, or the newest) makes verify fail
// and name the first bad entry; through the store function, the API query and `plantdesk audit verify`.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appendAudit, openDatabase, verifyAudit, verifyAuditInSteps, type WritableDb } from '../../../local-store/index.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { runAudit } from '../../../main/console/auditCli.js';
import { tempDir } from './tempDb.js';

function logWithEntries(n: number): { db: WritableDb; dir: string } {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'plantdesk.db'));
  for (let i = 1; i <= n; i++) {
    appendAudit(db, { at: 1_700_000_000_000 + i, actor: i % 2 ? 'anna' : 'erik', action: 'event.correct', subject: `ev-${i}`, before: { qty: i }, after: { qty: i + 1 }, reason: `fix ${i}` });
  }
  // What someone with the file and sqlite3 could do: the append-only triggers are no obstacle to them.
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  return { db, dir };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('verifyAudit', () => {
  it('passes an untouched log', () => {
    const { db } = logWithEntries(5);
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 5 });
    db.close();
  });

  it('names the entry whose field was changed', () => {
    const { db } = logWithEntries(5);
    db.prepare("UPDATE audit_log SET after = '{\"qty\":999}' WHERE seq = 3").run();
    expect(verifyAudit(db)).toEqual({ ok: false, entries: 3, firstBadSeq: 3, problem: 'entry 3 was changed after it was written (event.correct by anna)' });
    db.close();
  });

  it('names a changed entry even when its hash was recomputed without the ones after it', () => {
    const { db } = logWithEntries(5);
    db.prepare("UPDATE audit_log SET actor = 'mallory', hash = 'f' || substr(hash, 2) WHERE seq = 2").run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBadSeq: 2 });
    db.close();
  });

  it('names the entry that was deleted from the middle', () => {
    const { db } = logWithEntries(5);
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(verifyAudit(db)).toEqual({ ok: false, entries: 2, firstBadSeq: 2, problem: 'entry 2 was removed' });
    db.close();
  });

  it('names the newest entries when they were deleted, from the head kept beside the chain', () => {
    const { db } = logWithEntries(5);
    db.prepare('DELETE FROM audit_log WHERE seq >= 4').run();
    expect(verifyAudit(db)).toEqual({ ok: false, entries: 3, firstBadSeq: 4, problem: 'entries 4 to 5, the newest, were removed' });
    db.close();
  });
});

describe('verifyAuditInSteps (the agent\'s, with the event loop free between pages)', () => {
  it('finds a change and a removal across pages, as the one-pass check does', async () => {
    const { db } = logWithEntries(25);
    expect(await verifyAuditInSteps(db, 4)).toEqual({ ok: true, entries: 25 });
    db.prepare("UPDATE audit_log SET subject = 'ev-x' WHERE seq = 18").run();
    expect(await verifyAuditInSteps(db, 4)).toEqual(verifyAudit(db));
    expect(await verifyAuditInSteps(db, 4)).toMatchObject({ ok: false, firstBadSeq: 18 });
    db.prepare('DELETE FROM audit_log WHERE seq = 9').run();
    expect(await verifyAuditInSteps(db, 4)).toMatchObject({ ok: false, firstBadSeq: 9, problem: 'entry 9 was removed' });
    db.close();
  });

  it('raises no false alarm for entries written while it runs', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'plantdesk.db'));
    const add = (i: number) => appendAudit(db, { at: i, actor: 'anna', action: 'user.login', subject: 'anna' });
    for (let i = 0; i < 20; i++) add(i);
    // A writer taking turns with the check's pages on the event loop, as intake does in the agent.
    let written = 0;
    const writing = new Promise<void>((done) => {
      const write = (): void => {
        add(100 + written);
        if (++written < 30) setImmediate(write);
        else done();
      };
      setImmediate(write);
    });
    const running = verifyAuditInSteps(db, 3);
    const result = await running;
    expect(result.ok).toBe(true);
    expect(result.entries).toBeGreaterThan(20);
    // The writer ends on its own turn: the file closes after its last entry, whichever finished first.
    await writing;
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 50 });
    db.close();
  });
});

describe('verifyAudit through the API and the command line', () => {
  it('answers the API query with the first bad entry', async () => {
    const { db } = logWithEntries(4);
    const api = new ApiService({ db, lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: 'test', demo: false, startedAt: Date.now() });
    expect(await api.verifyAudit()).toEqual({ ok: true, entries: 4 });
    db.prepare("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 4").run();
    expect(await api.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 4 });
    db.close();
  });

  it('`plantdesk audit verify --data DIR` exits 0 for an intact log, 1 naming the bad entry, 2 for a bad folder', () => {
    const { db, dir } = logWithEntries(3);
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => out.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => out.push(line));
    expect(runAudit(['verify', '--data', dir])).toBe(0);
    expect(out.pop()).toBe('audit log intact: 3 entries, hash chain unbroken');
    db.prepare('DELETE FROM audit_log WHERE seq = 1').run();
    db.close();
    expect(runAudit(['verify', '--data', dir])).toBe(1);
    expect(out.pop()).toBe('audit log NOT intact: entry 1 was removed; first bad entry: 1');
    expect(runAudit(['verify', '--data', join(dir, 'nope')])).toBe(2);
    expect(out.pop()).toMatch(/^plantdesk audit: no PlantDesk database at .*nope\/plantdesk\.db; give the data folder with --data$/);
    expect(runAudit(['check'])).toBe(2);
  });
});
