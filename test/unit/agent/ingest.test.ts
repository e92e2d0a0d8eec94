import { describe, expect, it } from 'vitest';
import { Ingest, MAX_PAYLOAD_BYTES } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import type { IncomingMqttMessage } from '../../../connectors/mqtt/index.js';
import type { OpcuaSample } from '../../../connectors/opcua/index.js';
import { listEventsByStatus, type WritableDb } from '../../../local-store/index.js';
import { mesConfirmation, mesQuality } from '../domain/fixtures.js';
import { countRows, openTempDb } from '../local-store/tempDb.js';

const logger = createLogger('silent');
const TOPIC = 'plant/1010/L1/confirmation';

function mqtt(payload: string | Buffer, overrides: Partial<IncomingMqttMessage> = {}): IncomingMqttMessage {
  return { source: 'mes', topic: TOPIC, type: 'confirmation', payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload), receivedAt: 1_700_000_000_000, ...overrides };
}

interface RawRow { id: number; idempotency_key: string; channel: string; payload: string; status: string; reject_reason: string | null; correlation_id: string; received_at: number }
function rawRows(db: WritableDb): RawRow[] {
  return db.prepare('SELECT * FROM raw_message ORDER BY id').all() as RawRow[];
}

describe('Ingest.commitMqtt', () => {
  it('stores one raw row and one mapped event linked to it, with one correlation id', () => {
    const db = openTempDb();
    expect(new Ingest(db, logger).commitMqtt(mqtt(JSON.stringify(mesConfirmation())))).toBe('stored');

    const [raw, ...moreRaw] = rawRows(db);
    expect(moreRaw).toEqual([]);
    expect(raw).toMatchObject({ idempotency_key: 'mqtt:mes:mes-0001', channel: TOPIC, status: 'mapped', reject_reason: null, received_at: 1_700_000_000_000 });
    expect(raw?.payload).toBe(JSON.stringify(mesConfirmation()));

    const events = listEventsByStatus(db, 'mapped', 10);
    expect(events).toHaveLength(1);
    expect(countRows(db, 'event')).toBe(1);
    expect(events[0]).toMatchObject({ kind: 'confirmation', orderId: '1000001', correlationId: raw?.correlation_id, createdAt: 1_700_000_000_000 });
    expect(events[0]?.body).toMatchObject({ operation: '0010', unit: 'PC', yieldQty: 120 });
    expect(db.prepare('SELECT raw_id FROM event').get()).toEqual({ raw_id: raw?.id });
  });

  it('stores a redelivered message once and reports it as duplicate', () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    const payload = JSON.stringify(mesConfirmation());
    expect(ingest.commitMqtt(mqtt(payload))).toBe('stored');
    expect(ingest.commitMqtt(mqtt(payload, { receivedAt: 1_700_000_005_000 }))).toBe('duplicate');
    expect([countRows(db, 'raw_message'), countRows(db, 'event')]).toEqual([1, 1]);
  });

  it('treats the same message id as the same message even when the payload bytes differ', () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    ingest.commitMqtt(mqtt(JSON.stringify(mesConfirmation())));
    expect(ingest.commitMqtt(mqtt(JSON.stringify(mesConfirmation({ yield: 121 }))))).toBe('duplicate');
    expect(countRows(db, 'event')).toBe(1);
  });

  it('commits the raw row and the event in one transaction: if the event insert fails, no raw row remains', () => {
    const db = openTempDb();
    db.exec("CREATE TRIGGER refuse_event BEFORE INSERT ON event BEGIN SELECT RAISE(ABORT, 'event insert refused'); END");
    expect(() => new Ingest(db, logger).commitMqtt(mqtt(JSON.stringify(mesConfirmation())))).toThrow(/event insert refused/);
    expect([countRows(db, 'raw_message'), countRows(db, 'event')]).toEqual([0, 0]);

    // The same message, redelivered once the fault is gone, is stored (not taken for a duplicate).
    db.exec('DROP TRIGGER refuse_event');
    expect(new Ingest(db, logger).commitMqtt(mqtt(JSON.stringify(mesConfirmation())))).toBe('stored');
  });

  it('stores a quality result as recorded, not for the ERP queue', () => {
    const db = openTempDb();
    const outcome = new Ingest(db, logger).commitMqtt(mqtt(JSON.stringify(mesQuality({ result: 'fail' })), { topic: 'plant/1010/L1/quality', type: 'quality' }));
    expect(outcome).toBe('stored');
    expect(listEventsByStatus(db, 'mapped', 10)).toEqual([]);
    const [recorded] = listEventsByStatus(db, 'recorded', 10);
    expect(recorded?.kind).toBe('quality');
    expect(recorded?.body).toMatchObject({ passed: false });
  });

  it('rejects a bad payload with its reason, keeping the raw message and no event', () => {
    const db = openTempDb();
    expect(new Ingest(db, logger).commitMqtt(mqtt(JSON.stringify(mesConfirmation({ yield: 'lots' }))))).toBe('rejected');
    const [raw] = rawRows(db);
    expect(raw).toMatchObject({ status: 'rejected', idempotency_key: 'mqtt:mes:mes-0001' });
    expect(raw?.reject_reason).toMatch(/\byield\b/);
    expect(countRows(db, 'event')).toBe(0);
  });

  it('keys a rejected message without a message id by its content, so its redelivery is a duplicate', () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    expect(ingest.commitMqtt(mqtt('not json'))).toBe('rejected');
    expect(ingest.commitMqtt(mqtt('not json'))).toBe('duplicate');
    expect(ingest.commitMqtt(mqtt('not json either'))).toBe('rejected');
    expect(ingest.commitMqtt(mqtt('not json', { topic: 'plant/1010/L2/confirmation' }))).toBe('rejected');
    expect(countRows(db, 'raw_message')).toBe(3);
    expect(rawRows(db)[0]?.idempotency_key).toMatch(/^mqtt:mes:[0-9a-f]{64}$/);
  });

  it('rejects a payload over MAX_PAYLOAD_BYTES naming its size, and keeps only a prefix', () => {
    const db = openTempDb();
    const size = MAX_PAYLOAD_BYTES + 1;
    const huge = Buffer.alloc(size, 'x');
    expect(new Ingest(db, logger).commitMqtt(mqtt(huge))).toBe('rejected');
    const [raw] = rawRows(db);
    expect(raw?.status).toBe('rejected');
    expect(raw?.reject_reason).toContain(`${size} bytes`);
    expect(raw?.reject_reason).toContain(String(MAX_PAYLOAD_BYTES));
    expect(raw?.payload.length).toBeGreaterThan(0);
    expect(raw?.payload.length).toBeLessThanOrEqual(16 * 1024);
    expect(huge.toString('utf8').startsWith(raw?.payload ?? '?')).toBe(true);
  });

  it('maps a payload of exactly MAX_PAYLOAD_BYTES', () => {
    const db = openTempDb();
    const base = JSON.stringify(mesConfirmation({ material: '' }));
    const padded = base.replace('"material":""', `"material":"","pad":"${'x'.repeat(MAX_PAYLOAD_BYTES - base.length - 9)}"`);
    expect(Buffer.byteLength(padded)).toBe(MAX_PAYLOAD_BYTES);
    expect(new Ingest(db, logger).commitMqtt(mqtt(padded))).toBe('stored');
  });

  it('rejects a message whose topic has no mapping, naming the topic', () => {
    const db = openTempDb();
    const outcome = new Ingest(db, logger).commitMqtt(mqtt(JSON.stringify(mesConfirmation()), { topic: 'plant/1010/L1/mystery', type: 'unmapped' }));
    expect(outcome).toBe('rejected');
    expect(rawRows(db)[0]?.reject_reason).toContain('plant/1010/L1/mystery');
    expect(countRows(db, 'event')).toBe(0);
  });

  it('throws to the caller when the commit fails, so the message is not acknowledged', () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    db.close();
    expect(() => ingest.commitMqtt(mqtt(JSON.stringify(mesConfirmation())))).toThrow();
  });
});

describe('Ingest.commitOpcua', () => {
  function sample(overrides: Partial<OpcuaSample> = {}): OpcuaSample {
    return { source: 'plc1', signal: { line: 'L1', role: 'good', nodeId: 'ns=2;s=L1.Good' }, value: 1200, sourceTime: 1_700_000_000_000, receivedAt: 1_700_000_000_050, ...overrides };
  }

  it('stores a sample as telemetry, and the same sample re-sent after a reconnect as a duplicate', () => {
    const db = openTempDb();
    const ingest = new Ingest(db, logger);
    expect(ingest.commitOpcua(sample())).toBe('stored');
    expect(ingest.commitOpcua(sample({ receivedAt: 1_700_000_009_000 }))).toBe('duplicate');
    expect(ingest.commitOpcua(sample({ sourceTime: 1_700_000_001_000, value: 1201 }))).toBe('stored');
    const rows = rawRows(db);
    expect(rows.map((r) => r.status)).toEqual(['telemetry', 'telemetry']);
    expect(JSON.parse(rows[0]?.payload ?? '')).toEqual({ line: 'L1', signal: 'good', value: 1200, sourceTime: 1_700_000_000_000 });
    expect(countRows(db, 'event')).toBe(0);
  });
});
