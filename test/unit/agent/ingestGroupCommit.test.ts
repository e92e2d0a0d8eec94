import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { OrderCache } from '../../../main/agent/orderCache.js';
import type { IncomingMqttMessage } from '../../../connectors/mqtt/index.js';
import { countEventsByStatus, getEvent, listEventsByStatus } from '../../../local-store/index.js';
import { mesConfirmation, releasedOrder } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

const logger = createLogger('silent');

function mqtt(payload: unknown): IncomingMqttMessage {
  return { source: 'mes', topic: 'plant/1010/L1/confirmation', type: 'confirmation', payload: Buffer.from(JSON.stringify(payload)), receivedAt: 1_700_000_000_000 };
}

describe('Ingest.submitMqtt (group commit)', () => {
  it('resolves each message after its batch committed, one transaction for many messages', async () => {
    const db = openTempDb();
    // Count only this batch's frames, not the migrations' (each schema version adds some).
    db.pragma('wal_checkpoint(TRUNCATE)');
    const ingest = new Ingest(db, logger);
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => ingest.submitMqtt(mqtt(mesConfirmation({ messageId: `m-${i}` })))));
    expect(outcomes).toEqual(Array(50).fill('stored'));
    expect(countEventsByStatus(db).mapped).toBe(50);
    // All 50 arrived in one turn of the event loop, so they share one commit: the WAL holds one commit frame set.
    const frames = db.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as { log: number }[];
    expect(frames[0]!.log).toBeLessThan(50);
  });

  it('stores a redelivery once, also within the same batch', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    const same = mqtt(mesConfirmation({ messageId: 'dup' }));
    expect(await Promise.all([ingest.submitMqtt(same), ingest.submitMqtt(same)])).toEqual(['stored', 'duplicate']);
  });

  it('rejects every message of a batch whose commit failed, so none of them is acknowledged', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    db.close();
    await expect(ingest.submitMqtt(mqtt(mesConfirmation()))).rejects.toThrow(/database connection is not open/);
  });

  it('fails only the bad message of a batch and commits the others', async () => {
    const db = openTempDb();
    db.exec("CREATE TRIGGER refuse_bad BEFORE INSERT ON event WHEN NEW.order_id = 'BAD' BEGIN SELECT RAISE(ABORT, 'refused by test'); END;");
    const ingest = new Ingest(db, logger);
    const results = await Promise.allSettled([
      ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'a' }))),
      ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'b', orderId: 'BAD' }))),
      ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'c' }))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The failed message left no raw row behind: its redelivery is stored, not taken for a duplicate.
    expect(db.prepare("SELECT COUNT(*) AS n FROM raw_message WHERE idempotency_key = 'mqtt:mes:b'").get()).toEqual({ n: 0 });
    expect(countEventsByStatus(db).mapped).toBe(2);
  });
});

describe('Ingest with cached ERP orders', () => {
  it('validates a confirmation as it arrives: ready when it fits, exception with reasons when not', async () => {
    const db = openTempDb();
    const orders = new OrderCache(db);
    orders.replace([releasedOrder()], 1);
    const ingest = new Ingest(db, logger, { orders });
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'ok' })));
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'kg', unit: 'KG' })));
    expect(listEventsByStatus(db, 'ready', 10)).toHaveLength(1);
    const [exception] = listEventsByStatus(db, 'exception', 10);
    expect(exception?.reasons.map((r) => r.code)).toEqual(['UNIT_MISMATCH']);
    expect(getEvent(db, exception!.eventId)?.status).toBe('exception');
  });

  it('keeps confirmations mapped while the ERP has never answered, and a new cache reads the stored orders', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger, { orders: new OrderCache(db) });
    await ingest.submitMqtt(mqtt(mesConfirmation()));
    expect(countEventsByStatus(db).mapped).toBe(1);
    new OrderCache(db).replace([releasedOrder()], 1);
    expect(new OrderCache(db).loaded).toBe(true);
    expect(new OrderCache(db).lookup(releasedOrder().orderId)?.orderId).toBe(releasedOrder().orderId);
  });
});

describe('Ingest logs per outcome only what the logger level lets through', () => {
  function capture(level: string): { logger: ReturnType<typeof createLogger>; lines: () => { level: number; msg: string }[] } {
    const chunks: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk.toString()), done()) });
    return { logger: createLogger(level, destination), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string }) };
  }

  it('at warn, still says which message was rejected and which confirmation needs a supervisor, and nothing else', async () => {
    const db = openTempDb();
    const orders = new OrderCache(db);
    orders.replace([releasedOrder()], 1);
    const log = capture('warn');
    const ingest = new Ingest(db, log.logger, { orders });
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'ok' })));
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'kg', unit: 'KG' })));
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'bad', yield: 'lots' })));
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'ok' })));
    expect(log.lines().map((l) => l.msg)).toEqual([expect.stringMatching(/^confirmation needs a supervisor/), 'message rejected']);
  });

  it('at info, every stored message; at debug, the redelivery too', async () => {
    const db = openTempDb();
    const log = capture('debug');
    const ingest = new Ingest(db, log.logger);
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'one' })));
    await ingest.submitMqtt(mqtt(mesConfirmation({ messageId: 'one' })));
    expect(log.lines().map((l) => l.msg)).toEqual(['message committed and mapped', 'redelivered message already stored']);
  });
});
