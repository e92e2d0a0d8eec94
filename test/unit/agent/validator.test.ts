import { describe, expect, it } from 'vitest';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { validateMappedEvents } from '../../../main/agent/validator.js';
import { getEvent, listEventsByStatus, replaceOrders, type WritableDb } from '../../../local-store/index.js';
import { mesConfirmation, mesQuality, releasedOrder } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

const logger = createLogger('silent');

function ingest(db: WritableDb, payload: Record<string, unknown>, type: 'confirmation' | 'quality' = 'confirmation'): string {
  new Ingest(db, logger).commitMqtt({ source: 'mes', topic: `plant/1010/L1/${type}`, type, payload: Buffer.from(JSON.stringify(payload)), receivedAt: 1000 });
  const event = db.prepare('SELECT event_id FROM event ORDER BY id DESC LIMIT 1').get() as { event_id: string };
  return event.event_id;
}

describe('validateMappedEvents', () => {
  it('does nothing before the order cache was filled once', () => {
    const db = openTempDb();
    const id = ingest(db, mesConfirmation());
    expect(validateMappedEvents(db, logger, 2000)).toBe(0);
    expect(getEvent(db, id)?.status).toBe('mapped');
  });

  it('moves valid confirmations to ready and invalid ones to exception with the rule reasons', () => {
    const db = openTempDb();
    const good = ingest(db, mesConfirmation({ messageId: 'm-good' }));
    const unknownOrder = ingest(db, mesConfirmation({ messageId: 'm-unknown', orderId: '9999999' }));
    const wrongUnit = ingest(db, mesConfirmation({ messageId: 'm-unit', unit: 'kg' }));
    const qualityId = ingest(db, mesQuality(), 'quality');
    replaceOrders(db, [releasedOrder()], 1500);

    expect(validateMappedEvents(db, logger, 2000)).toBe(3);

    expect(getEvent(db, good)).toMatchObject({ status: 'ready', reasons: [], updatedAt: 2000 });
    expect(getEvent(db, unknownOrder)?.status).toBe('exception');
    expect(getEvent(db, unknownOrder)?.reasons.map((r) => r.code)).toEqual(['ORDER_UNKNOWN']);
    expect(getEvent(db, wrongUnit)?.reasons).toEqual([expect.objectContaining({ code: 'UNIT_MISMATCH', fields: ['unit'] })]);
    expect(getEvent(db, qualityId)?.status).toBe('recorded');
    expect(listEventsByStatus(db, 'mapped', 10)).toEqual([]);

    const history = db.prepare("SELECT event_id, from_status, to_status, actor FROM event_history WHERE from_status = 'mapped' ORDER BY id").all();
    expect(history).toEqual([
      { event_id: good, from_status: 'mapped', to_status: 'ready', actor: 'system' },
      { event_id: unknownOrder, from_status: 'mapped', to_status: 'exception', actor: 'system' },
      { event_id: wrongUnit, from_status: 'mapped', to_status: 'exception', actor: 'system' },
    ]);
  });

  it('validates against an empty order list once it was fetched (every order unknown)', () => {
    const db = openTempDb();
    const id = ingest(db, mesConfirmation());
    replaceOrders(db, [], 1500);
    expect(validateMappedEvents(db, logger, 2000)).toBe(1);
    expect(getEvent(db, id)?.reasons.map((r) => r.code)).toEqual(['ORDER_UNKNOWN']);
  });

  it('does not touch events that were already validated', () => {
    const db = openTempDb();
    ingest(db, mesConfirmation());
    replaceOrders(db, [releasedOrder()], 1500);
    expect(validateMappedEvents(db, logger, 2000)).toBe(1);
    expect(validateMappedEvents(db, logger, 3000)).toBe(0);
  });
});
