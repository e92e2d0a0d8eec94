// A consumed Sparkplug message as the raw row the intake commits: telemetry with the decoded metrics and the bytes,
// or rejected with the host's reason and the bytes in base64; keys that make a redelivery one row.
import { describe, expect, it } from 'vitest';
import { SparkplugHost, type SparkplugNodeStatus } from '../../../connectors/mqtt/sparkplug/index.js';
import { readSparkplugHeader } from '../../../connectors/mqtt/sparkplugHeader.js';
import type { IncomingSparkplugMessage } from '../../../connectors/mqtt/index.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { MessageMapper } from '../../../main/agent/mapping.js';
import { Replayer } from '../../../main/agent/replay.js';
import { sparkplugIdempotencyKey, sparkplugRawRecord, toSparkplugNodeInfo } from '../../../main/agent/sparkplug.js';
import { countRows, openTempDb } from '../local-store/tempDb.js';
import { dbirth, GROUP, NODE, nbirth, ndata, T0, topic } from '../connectors/mqtt/sparkplugFixtures.js';

const LIMIT = 256 * 1024;

/** Feeds the messages to one host in order and returns them as the source hands them to its sink. */
function consumeAll(messages: readonly { topic: string; payload: Buffer; at?: number }[], host = new SparkplugHost({ hostId: 'pd', clock: () => T0 + 2000 })): IncomingSparkplugMessage[] {
  return messages.map(({ topic: t, payload, at }, i) => {
    const receivedAt = at ?? T0 + 1000 + i;
    return { source: 'edge', topic: t, payload, receivedAt, result: host.consume(t, payload, receivedAt), header: readSparkplugHeader(payload) };
  });
}

describe('sparkplugRawRecord', () => {
  it('keeps an accepted NDATA as telemetry: metrics by name, seq, timestamp and the bytes as received', () => {
    const [, data] = consumeAll([{ topic: topic('NBIRTH'), payload: nbirth(0, 4) }, { topic: topic('NDATA'), payload: ndata(1, 3_000_000_007) }]);
    const record = sparkplugRawRecord(data!, { maxPayloadBytes: LIMIT, correlationId: 'c-1' });
    expect(record).toMatchObject({
      source: 'edge', channel: topic('NDATA'), status: 'telemetry', payloadEncoding: 'utf8', payloadBytes: data!.payload.length,
      mappingVersion: 'spBv1.0', correlationId: 'c-1', receivedAt: T0 + 1001,
    });
    expect(record.rejectReason).toBeUndefined();
    const body = JSON.parse(record.payload) as Record<string, unknown>;
    expect(body).toEqual({
      type: 'NDATA', group: GROUP, node: NODE, device: null, seq: 1, timestamp: T0 + 1000,
      metrics: [{ name: 'GoodCount', datatype: 'UInt32', value: 3_000_000_007, timestamp: T0 + 1000 }],
      raw: data!.payload.toString('base64'),
    });
    expect(Buffer.from(body.raw as string, 'base64').equals(data!.payload)).toBe(true);
    expect(record.idempotencyKey).toMatch(new RegExp(`^sparkplug:edge:${GROUP}/${NODE}:NDATA:1:${T0 + 1000}:[0-9a-f]{16}$`));
  });

  it('names the device in the key and the body of a device message', () => {
    const [, , birth] = consumeAll([{ topic: topic('NBIRTH'), payload: nbirth(0, 4) }, { topic: topic('NDATA'), payload: ndata(1, 5) }, { topic: topic('DBIRTH', 'Press'), payload: dbirth(2) }]);
    const record = sparkplugRawRecord(birth!, { maxPayloadBytes: LIMIT });
    expect(record.status).toBe('telemetry');
    expect(JSON.parse(record.payload)).toMatchObject({ type: 'DBIRTH', device: 'Press', seq: 2, metrics: [{ name: 'Speed', value: 12.5 }, { name: 'Running', value: true }] });
    expect(record.idempotencyKey).toMatch(new RegExp(`^sparkplug:edge:${GROUP}/${NODE}/Press:DBIRTH:2:${T0}:`));
  });

  it('gives a redelivered message the key of the first, whenever it arrives', () => {
    const bytes = nbirth(0, 4);
    const [first] = consumeAll([{ topic: topic('NBIRTH'), payload: bytes, at: T0 + 1000 }]);
    const [again] = consumeAll([{ topic: topic('NBIRTH'), payload: Buffer.from(bytes), at: T0 + 9000 }]);
    expect(sparkplugIdempotencyKey(again!)).toBe(sparkplugIdempotencyKey(first!));
    // Another bdSeq, same seq and timestamp: another message.
    const [other] = consumeAll([{ topic: topic('NBIRTH'), payload: nbirth(0, 5), at: T0 + 1000 }]);
    expect(sparkplugIdempotencyKey(other!)).not.toBe(sparkplugIdempotencyKey(first!));
  });

  it('keeps a refused message as rejected with the reason and its exact bytes in base64, one row per arrival', () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0x00, 0x13, 0x37]);
    const [a, b] = consumeAll([{ topic: topic('NDATA'), payload: garbage, at: T0 + 1 }, { topic: topic('NDATA'), payload: garbage, at: T0 + 2 }]);
    const record = sparkplugRawRecord(a!, { maxPayloadBytes: LIMIT });
    expect(record).toMatchObject({ status: 'rejected', payloadEncoding: 'base64', payloadTruncated: false, payloadBytes: 6, mappingVersion: 'spBv1.0' });
    expect(record.rejectReason).toMatch(/^not a Sparkplug B payload \(/);
    expect(Buffer.from(record.payload, 'base64').equals(garbage)).toBe(true);
    expect(record.idempotencyKey).toMatch(new RegExp(`^sparkplug:edge:${GROUP}/${NODE}:NDATA:-:-:[0-9a-f]{16}:${T0 + 1}$`));
    expect(sparkplugIdempotencyKey(b!)).not.toBe(record.idempotencyKey);
  });

  it('keeps only the first 4 KiB of an oversized payload, marked as cut', () => {
    const big = Buffer.alloc(LIMIT + 1, 0x41);
    const [m] = consumeAll([{ topic: topic('NDATA'), payload: big }]);
    const record = sparkplugRawRecord(m!, { maxPayloadBytes: LIMIT });
    expect(record).toMatchObject({ status: 'rejected', payloadTruncated: true, payloadBytes: LIMIT + 1, rejectReason: `payload of ${LIMIT + 1} bytes is over the limit of ${LIMIT} bytes` });
    expect(Buffer.from(record.payload, 'base64')).toHaveLength(4096);
  });

  it('keeps a host STATE as telemetry under one key per session, and a non-Sparkplug topic as rejected', () => {
    const state = Buffer.from(JSON.stringify({ online: true, timestamp: T0 }));
    const [s1, s2, other] = consumeAll([
      { topic: 'spBv1.0/STATE/scada', payload: state, at: T0 + 1 },
      { topic: 'spBv1.0/STATE/scada', payload: state, at: T0 + 5 },
      { topic: 'plant/1010/L1/confirmation', payload: Buffer.from('{}'), at: T0 + 6 },
    ]);
    const record = sparkplugRawRecord(s1!, { maxPayloadBytes: LIMIT });
    expect(record.status).toBe('telemetry');
    expect(JSON.parse(record.payload)).toEqual({ type: 'STATE', hostId: 'scada', raw: state.toString('base64') });
    expect(record.idempotencyKey).toMatch(/^sparkplug:edge:STATE\/scada:-:-:[0-9a-f]{16}$/);
    expect(sparkplugIdempotencyKey(s2!)).toBe(record.idempotencyKey);
    expect(sparkplugRawRecord(other!, { maxPayloadBytes: LIMIT })).toMatchObject({ status: 'rejected', rejectReason: 'topic plant/1010/L1/confirmation is not in the spBv1.0 namespace' });
  });
});

describe('Ingest.submitRaw', () => {
  it('commits the rows, stores a redelivery once and reports rejected ones', async () => {
    const db = openTempDb();
    const ingest = new Ingest(db, createLogger('silent'));
    const bytes = nbirth(0, 4);
    const [birth, gap] = consumeAll([{ topic: topic('NBIRTH'), payload: bytes }, { topic: topic('NDATA'), payload: ndata(3, 1) }]);
    const [again] = consumeAll([{ topic: topic('NBIRTH'), payload: bytes, at: T0 + 50_000 }]);
    expect(await ingest.submitRaw(sparkplugRawRecord(birth!, { maxPayloadBytes: LIMIT }))).toBe('stored');
    expect(await ingest.submitRaw(sparkplugRawRecord(again!, { maxPayloadBytes: LIMIT }))).toBe('duplicate');
    expect(await ingest.submitRaw(sparkplugRawRecord(gap!, { maxPayloadBytes: LIMIT }))).toBe('rejected');
    expect(countRows(db, 'raw_message')).toBe(2);
    expect(countRows(db, 'event')).toBe(0);
    const rows = db.prepare('SELECT status, reject_reason, payload_encoding FROM raw_message ORDER BY id').all();
    expect(rows).toEqual([
      { status: 'telemetry', reject_reason: null, payload_encoding: 'utf8' },
      { status: 'rejected', reject_reason: 'NDATA seq gap: expected 1, got 3; rebirth requested', payload_encoding: 'base64' },
    ]);
  });
});

describe('toSparkplugNodeInfo', () => {
  it('gives the host status in the API shape, times as ISO strings', () => {
    const status: SparkplugNodeStatus = {
      group: GROUP, node: NODE, state: 'stale', since: T0, lastMessageAt: T0 + 1000, awaitingRebirth: 'seq gap: expected 2, got 3',
      rebirthRequestedAt: T0 + 1000, bdSeq: '18446744073709551615', seq: 1, metricCount: 4,
      devices: [{ device: 'Press', state: 'offline', since: null, lastMessageAt: null, metricCount: 0 }],
    };
    expect(toSparkplugNodeInfo('edge', status)).toEqual({
      source: 'edge', group: GROUP, node: NODE, state: 'stale', since: new Date(T0).toISOString(), lastMessageAt: new Date(T0 + 1000).toISOString(),
      awaitingRebirth: 'seq gap: expected 2, got 3', rebirthRequestedAt: new Date(T0 + 1000).toISOString(), bdSeq: '18446744073709551615', seq: 1,
      metricCount: 4, devices: [{ device: 'Press', state: 'offline', since: null, lastMessageAt: null, metricCount: 0 }],
    });
  });
});

describe('replay of a rejected Sparkplug message', () => {
  it('is skipped with the reason, and the row keeps its status, reason and bytes', async () => {
    const db = openTempDb();
    const logger = createLogger('silent');
    const [gap] = consumeAll([{ topic: topic('NDATA'), payload: ndata(3, 1) }]);
    await new Ingest(db, logger).submitRaw(sparkplugRawRecord(gap!, { maxPayloadBytes: LIMIT }));
    const before = db.prepare('SELECT id, status, reject_reason, payload, mapping_version FROM raw_message').get() as { id: number };

    const result = await new Replayer({ db, mapper: new MessageMapper(), logger }).replay({ reason: 'mapping fixed' }, 'local-console');
    expect(result).toMatchObject({ replayed: 1, mapped: 0, stillRejected: 0, skipped: 1 });
    expect(result.items).toEqual([{ id: before.id, outcome: 'skipped', reason: 'a Sparkplug B message is judged by the host in arrival order and is not replayed', mappingVersion: 'spBv1.0' }]);
    expect(db.prepare('SELECT id, status, reject_reason, payload, mapping_version FROM raw_message').get()).toEqual(before);
    expect(countRows(db, 'event')).toBe(0);
  });
});
