// Replay of rejected messages: mapped ones become events exactly once, the rest get a new reason, every run is
// audited with counts before and after; listRejected and replayRejected through the API.
import { describe, expect, it } from 'vitest';
import type { DeclarativeMapping } from '../../../domain/mapping/declarative.js';
import type { IncomingMqttMessage } from '../../../connectors/mqtt/index.js';
import { callApi } from '../../../main/agent/apiDispatch.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { createLogger } from '../../../main/agent/logger.js';
import { MessageMapper, type MapperSource } from '../../../main/agent/mapping.js';
import { OrderCache } from '../../../main/agent/orderCache.js';
import { Replayer } from '../../../main/agent/replay.js';
import { listAudit, listEventsByStatus, verifyAudit, type WritableDb } from '../../../local-store/index.js';
import { releasedOrder } from '../domain/fixtures.js';
import { countRows, openTempDb } from '../local-store/tempDb.js';

const logger = createLogger('silent');
const T0 = Date.parse('2026-11-25T06:00:00Z');
const TOPIC = 'v2/1010/L1/confirmation';

const fixed: DeclarativeMapping = {
  version: 2, type: 'confirmation', messageId: 'id',
  fields: { line: '$topicLevels[2]', orderId: 'order', operation: 'op', yieldQty: 'good', scrapQty: 'bad', unit: 'uom', end: 'at' },
  units: {},
};
/** Version 1 read the order from the wrong field: every message was rejected. */
const broken: DeclarativeMapping = { ...fixed, version: 1, fields: { ...fixed.fields, orderId: 'orderNumber' } };

function mapperWith(mapping: DeclarativeMapping): MessageMapper {
  const source: MapperSource = { name: 'mes', topics: [{ filter: 'v2/#', type: 'confirmation', mapping }], eventTime: { maxAheadS: 86_400, maxAgeS: 30 * 86_400 } };
  return new MessageMapper({ plant: '1010', sources: [source] });
}

function message(i: number, overrides: Record<string, unknown> = {}, topic = TOPIC): IncomingMqttMessage {
  const body = { id: `m-${i}`, order: '1000001', op: '10', good: 10 + i, bad: 0, uom: 'PC', at: new Date(T0 + i * 1000).toISOString(), ...overrides };
  return { source: 'mes', topic, type: 'confirmation', payload: Buffer.from(JSON.stringify(body)), receivedAt: T0 + i * 1000 + 500 };
}

async function ingestAll(db: WritableDb, mapping: DeclarativeMapping, messages: IncomingMqttMessage[]): Promise<void> {
  const ingest = new Ingest(db, logger, { mapper: mapperWith(mapping) });
  for (const m of messages) await ingest.submitMqtt(m);
}

function rawRows(db: WritableDb): { id: number; status: string; reject_reason: string | null; mapping_version: string | null }[] {
  return db.prepare('SELECT id, status, reject_reason, mapping_version FROM raw_message ORDER BY id').all() as never;
}

function replayer(db: WritableDb, mapping = fixed, orders?: OrderCache): Replayer {
  return new Replayer({ db, mapper: mapperWith(mapping), logger, now: () => T0 + 3_600_000, ...(orders ? { orders } : {}) });
}

describe('Replayer', () => {
  it('maps the rejected messages with the fixed mapping, once, and audits the run with counts before and after', async () => {
    const db = openTempDb();
    await ingestAll(db, broken, [message(1), message(2), message(3, { good: -1 })]);
    expect(rawRows(db).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(rawRows(db)[0]?.reject_reason).toBe('orderId (orderNumber) is missing in the message');
    expect(rawRows(db)[0]?.mapping_version).toMatch(/^mes:v2\/#@v1#/);

    const result = await replayer(db).replay({ source: 'mes', channel: TOPIC, reason: 'orderId read from order (mapping v2)' }, 'local-console');
    expect(result).toMatchObject({ rejectedBefore: 3, rejectedAfter: 1, replayed: 3, mapped: 2, stillRejected: 1, skipped: 0, remaining: 0 });
    expect(result.items.map((i) => i.outcome)).toEqual(['mapped', 'mapped', 'rejected']);
    expect(result.items[2]?.reason).toBe('yieldQty (good) must not be negative, got -1');

    const rows = rawRows(db);
    expect(rows.map((r) => r.status)).toEqual(['mapped', 'mapped', 'rejected']);
    expect(rows[0]?.mapping_version).toMatch(/@v2#/);
    expect(rows[2]).toMatchObject({ reject_reason: 'yieldQty (good) must not be negative, got -1', mapping_version: expect.stringMatching(/@v2#/) as unknown });
    const events = listEventsByStatus(db, 'mapped', 10);
    expect(events.map((e) => e.body.kind === 'confirmation' && e.body.yieldQty)).toEqual([11, 12]);
    expect(db.prepare('SELECT mapping_version FROM event').all()).toEqual([{ mapping_version: expect.stringMatching(/@v2#/) as unknown }, { mapping_version: expect.stringMatching(/@v2#/) as unknown }]);
    const history = db.prepare('SELECT actor, reason FROM event_history').all() as { actor: string; reason: string }[];
    expect(history[0]).toEqual({ actor: 'local-console', reason: expect.stringMatching(/^replayed with mapping mes:v2\/#@v2#[0-9a-f]{8}: orderId read from order/) as unknown });

    const [audit] = listAudit(db, 1);
    expect(audit).toMatchObject({
      seq: result.auditSeq, actor: 'local-console', action: 'rejected.replay', subject: `rejected messages: source mes, channel ${TOPIC}`,
      before: { rejected: 3 }, after: { rejected: 1, replayed: 3, mapped: 2, stillRejected: 1, skipped: 0, remaining: 0 }, reason: 'orderId read from order (mapping v2)',
    });
    expect(verifyAudit(db).ok).toBe(true);

    // Again: nothing maps twice; the one still wrong is tried again and stays rejected.
    const again = await replayer(db).replay({ source: 'mes', reason: 'second run' }, 'local-console');
    expect(again).toMatchObject({ rejectedBefore: 1, replayed: 1, mapped: 0, stillRejected: 1 });
    expect(countRows(db, 'event')).toBe(2);
  });

  it('selects by time and by ids, and skips ids that are not rejected with the reason', async () => {
    const db = openTempDb();
    await ingestAll(db, broken, [message(1), message(2), message(3)]);
    const since = await replayer(db).replay({ since: new Date(T0 + 2000).toISOString(), reason: 'only the recent ones' }, 'local-console');
    expect(since).toMatchObject({ replayed: 2, mapped: 2, rejectedBefore: 2, rejectedAfter: 0 });
    const byId = await replayer(db).replay({ ids: [1, 2, 99], reason: 'pick some' }, 'local-console');
    expect(byId).toMatchObject({ replayed: 1, mapped: 1, skipped: 2 });
    expect(byId.items).toEqual([
      { id: 2, outcome: 'skipped', reason: 'it is mapped, not rejected', mappingVersion: null },
      { id: 99, outcome: 'skipped', reason: 'no such raw message', mappingVersion: null },
      { id: 1, outcome: 'mapped', eventId: expect.any(String) as unknown, mappingVersion: expect.any(String) as unknown },
    ]);
    expect(countRows(db, 'event')).toBe(3);
  });

  it('two replays at once map every message once', async () => {
    const db = openTempDb();
    await ingestAll(db, broken, Array.from({ length: 30 }, (_, i) => message(i)));
    const [a, b] = await Promise.all([replayer(db).replay({ reason: 'first' }, 'a'), replayer(db).replay({ reason: 'second' }, 'b')]);
    expect(a.mapped + b.mapped).toBe(30);
    expect(a.skipped + b.skipped).toBe(a.replayed + b.replayed - 30);
    expect(countRows(db, 'event')).toBe(30);
  });

  it('the store refuses a second event for a raw message (unique event.raw_id)', async () => {
    const db = openTempDb();
    await ingestAll(db, fixed, [message(1)]);
    const event = db.prepare('SELECT * FROM event').get() as Record<string, unknown>;
    expect(() => db.prepare("INSERT INTO event (event_id, raw_id, kind, status, order_id, body, correlation_id, created_at, updated_at) VALUES ('other', ?, 'confirmation', 'mapped', '1', '{}', 'c', 1, 1)").run(event.raw_id)).toThrow(/UNIQUE/);
  });

  it('keeps a message rejected when the new mapping finds it is one already stored under its message id', async () => {
    const db = openTempDb();
    // v1 could not read the id, so the message was keyed by a hash; the MES then re-sent it and v2 stored it.
    const noId: DeclarativeMapping = { ...broken, messageId: 'identifier' };
    await ingestAll(db, noId, [message(1)]);
    await ingestAll(db, fixed, [message(1)]);
    expect(rawRows(db).map((r) => r.status)).toEqual(['rejected', 'mapped']);
    const result = await replayer(db).replay({ reason: 'after the fix' }, 'local-console');
    expect(result).toMatchObject({ mapped: 0, stillRejected: 1 });
    expect(result.items[0]?.reason).toBe('the same message (id m-1) is already stored as raw message 2');
    expect(countRows(db, 'event')).toBe(1);
  });

  it('validates like the intake when the orders are cached, converting a convertible unit', async () => {
    const db = openTempDb();
    const orders = new OrderCache(db);
    orders.replace([releasedOrder({ unit: 'KG', operations: [{ operation: '0010', workCenter: 'WC-10', unit: 'KG', plannedQty: 100, confirmedYieldQty: 0 }] })], T0);
    await ingestAll(db, broken, [message(1, { good: 1500, uom: 'G' }), message(2, { uom: 'PC' })]);
    await replayer(db, fixed, orders).replay({ reason: 'fixed' }, 'local-console');
    const [ready] = listEventsByStatus(db, 'ready', 10);
    expect(ready?.body).toMatchObject({ yieldQty: 1.5, unit: 'KG', original: { yieldQty: 1500, unit: 'G' } });
    const [exception] = listEventsByStatus(db, 'exception', 10);
    expect(exception?.reasons.map((r) => r.code)).toEqual(['UNIT_MISMATCH']);
  });

  it('refuses a replay without a reason, or with since after until', async () => {
    const db = openTempDb();
    await expect(replayer(db).replay({ reason: '' }, 'x')).rejects.toThrow(/reason/);
    await expect(replayer(db).replay({ since: '2026-11-25T07:00:00Z', until: '2026-11-25T06:00:00Z', reason: 'why not' }, 'x')).rejects.toThrow(/since must be before until/);
  });
});

describe('listRejected and replayRejected through the API', () => {
  function service(db: WritableDb): ApiService {
    return new ApiService({
      db, lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: 't', demo: false, startedAt: Date.now(), replayer: replayer(db),
    });
  }

  it('lists rejected messages newest first with reason, payload cut at payloadChars, channel, time and mapping version', async () => {
    const db = openTempDb();
    await ingestAll(db, broken, [message(1), message(2, {}, 'v2/1010/L2/confirmation')]);
    const result = await callApi(service(db), 'listRejected', { payloadChars: '20', limit: '10' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toEqual([
      expect.objectContaining({ id: 2, channel: 'v2/1010/L2/confirmation', payloadTruncated: true, payloadEncoding: 'utf8', receivedAt: new Date(T0 + 2500).toISOString() }),
      expect.objectContaining({
        id: 1, source: 'mes', channel: TOPIC, reason: 'orderId (orderNumber) is missing in the message', payload: '{"id":"m-1","order":',
        payloadTruncated: true, mappingVersion: expect.stringMatching(/@v1#/) as unknown, payloadBytes: expect.any(Number) as unknown,
      }),
    ]);
    const byChannel = await callApi(service(db), 'listRejected', { channel: TOPIC, since: new Date(T0).toISOString() });
    expect(byChannel.ok && (byChannel.value as { id: number }[]).map((r) => r.id)).toEqual([1]);
    const bad = await callApi(service(db), 'listRejected', { since: 'yesterday' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('since') as unknown } });
  });

  it('reads the newest rejected messages from the partial index, without sorting', () => {
    const db = openTempDb();
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM raw_message INDEXED BY raw_message_rejected
      WHERE status = 'rejected' AND (? IS NULL OR source = ?) ORDER BY received_at DESC, id DESC LIMIT 50`).all(null, null) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX raw_message_rejected/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('replayRejected is a command: refused unless the transport allows commands, then answered with the counts', async () => {
    const db = openTempDb();
    await ingestAll(db, broken, [message(1)]);
    expect(await callApi(service(db), 'replayRejected', { reason: 'fix' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Past the transport's gate (apiCommands.test.ts), the command runs for a caller and audits under its name.
    const engineer = { user: 'erik', roles: ['engineer'] as const, sessionId: 's1' };
    const result = await service(db).replayRejected({ reason: 'mapping v2', channel: TOPIC }, engineer).then((value) => ({ ok: true, value }));
    expect(result).toMatchObject({ ok: true, value: { mapped: 1, rejectedBefore: 1, rejectedAfter: 0 } });
    await expect(service(db).replayRejected({ channel: TOPIC } as never, engineer)).rejects.toThrow(/reason/);
  });
});
