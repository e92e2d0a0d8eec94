// Enterprise sequences after a restore from backup (local-store/enterpriseOutbox.ts segments,
// main/agent/sequenceCeiling.ts): the restored file hands out the lost part's history ids again, to other
// changes; their messages must carry sequences above every sequence ever published, while a change that was
// published before and is sent again keeps its sequence. Real files; the MQTT side is a fake session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { EnterpriseLink, EnterpriseSession, MqttStatusListener } from '../../../connectors/mqtt/index.js';
import {
  insertEvent, insertRawMessage, liftSequencesAbove, onlineBackup, openDatabase, openStore, readSequenceSegments, SEQUENCE_RESERVE,
  sequenceCeilingFile, sequenceOf, type WritableDb,
} from '../../../local-store/index.js';
import { EnterpriseSchema } from '../../../main/agent/config/enterpriseSchema.js';
import { EnterprisePublisher } from '../../../main/agent/enterprisePublisher.js';
import { createLogger } from '../../../main/agent/logger.js';
import { quality } from '../domain/fixtures.js';
import { addEvent, damageMiddle } from '../local-store/storeRows.js';
import { tempDir } from '../local-store/tempDb.js';

interface Message { readonly sequence: number; readonly previousSequence: number; readonly eventId: string }

/** Acknowledges every message at once and records it. */
class AckingSession implements EnterpriseSession {
  open = true;
  readonly receiveMaximum = Infinity;
  readonly sent: Message[] = [];
  readonly ended = new Promise<void>(() => undefined);
  publish(_topic: string, payload: string): Promise<void> {
    this.sent.push(JSON.parse(payload) as Message);
    return Promise.resolve();
  }
}

let n = 0;
function addQuality(db: WritableDb, at = Date.now()): string {
  n++;
  const rawId = insertRawMessage(db, { idempotencyKey: `q-${n}`, source: 'mes', channel: 't', payload: '{}', receivedAt: at, correlationId: `c-${n}`, status: 'mapped' });
  insertEvent(db, { eventId: `quality-${n}`, rawId: rawId!, body: quality({ line: 'L2' }), status: 'recorded', correlationId: `c-${n}`, at });
  return `quality-${n}`;
}

/** A publisher on `db` whose link connects at once; resolves once `count` messages were acknowledged, then stops. */
async function publish(db: WritableDb, count: number): Promise<Message[]> {
  const session = new AckingSession();
  const startLink = (_options: unknown, onSession: (s: EnterpriseSession) => void, onStatus: MqttStatusListener): EnterpriseLink => {
    onStatus('connected');
    setImmediate(() => onSession(session));
    return { stop: async () => undefined };
  };
  const publisher = new EnterprisePublisher({
    db, config: EnterpriseSchema.parse({ url: 'mqtt://broker.corp:1883', clientId: 'pd-1010-pub' }), plant: '1010', logger: createLogger('silent'),
    onStatus: () => undefined, startLink, pollMs: 5, commitDelayMs: 1,
  });
  publisher.start();
  await expect.poll(() => session.sent.length, { timeout: 5000 }).toBe(count);
  await new Promise((r) => setTimeout(r, 20));
  session.open = false;
  await publisher.stop();
  return session.sent;
}

describe('enterprise sequences across a restore from backup', () => {
  it('never hands out a published sequence again, and a re-sent change keeps its sequence', async () => {
    const dir = tempDir();
    const file = join(dir, 'plantdesk.db');
    let db = openDatabase(file);
    onTestFinished(() => {
      if (db.open) db.close();
    });
    await publish(db, 0); // creates the cursor: changes from now on are published
    const a = addQuality(db);
    const backup = await onlineBackup(db, join(dir, 'backups'), Date.now());
    const b = addQuality(db);
    const c = addQuality(db);
    const first = await publish(db, 3);
    expect(first.map((m) => m.eventId)).toEqual([a, b, c]);
    const highest = Math.max(...first.map((m) => m.sequence));
    expect(JSON.parse(readFileSync(sequenceCeilingFile(file), 'utf8'))).toMatchObject({ reservedUpTo: first[0]!.sequence + SEQUENCE_RESERVE });
    // Enough rows that the damage lands in a table page.
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) addEvent(db, 'posted', Date.now(), 600);
    })();
    db.close();

    // The disk damages the file; the recovery restores the backup (holding a, not yet acknowledged then).
    damageMiddle(file);
    const opened = openStore(file, { backupDir: join(dir, 'backups') });
    expect(opened.recovery?.recoveredFrom).toBe(backup);
    db = opened.db;
    const d = addQuality(db); // gets the history id b had in the lost file
    const second = await publish(db, 2);
    expect(second.map((m) => m.eventId)).toEqual([a, d]);
    // a is the same change as before: same sequence. d is new: above everything published, never b's or c's.
    expect(second[0]!.sequence).toBe(first[0]!.sequence);
    expect(second[1]!.sequence).toBeGreaterThan(highest);
    expect(second[1]!.previousSequence).toBe(second[0]!.sequence);
    expect(first.map((m) => m.sequence)).not.toContain(second[1]!.sequence);
  });

  it('keeps sequences equal to history ids until a ceiling requires a new segment', () => {
    const db = openDatabase(join(tempDir(), 'plantdesk.db'));
    onTestFinished(() => {
      db.close();
    });
    addQuality(db);
    addQuality(db);
    expect(liftSequencesAbove(db, 0)).toEqual([]);
    expect(sequenceOf([], 7)).toBe(7);
    const segments = liftSequencesAbove(db, 500);
    expect(segments).toEqual([{ fromHistoryId: 3, offset: 498 }]);
    expect(sequenceOf(segments, 2)).toBe(2);
    expect(sequenceOf(segments, 3)).toBe(501);
    expect(readSequenceSegments(db)).toEqual(segments);
    // A ceiling already below the next sequence changes nothing.
    expect(liftSequencesAbove(db, 400)).toEqual(segments);
  });
});
