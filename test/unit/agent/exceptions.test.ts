// The exceptions workspace's commands and queries on a real SQLite file: correct, void, retry, bulk, four-eyes,
// the inbox and detail, the live re-check and the audit CSV. Every change must be audited and keep the original.
import { describe, expect, it } from 'vitest';
import type { Caller, CanonicalEvent, ProductionOrder, RuleViolation } from '../../../domain/index.js';
import { BUILT_IN_UNITS } from '../../../domain/units.js';
import { getEvent, insertEvent, insertRawMessage, listAudit, verifyAudit, type WritableDb } from '../../../local-store/index.js';
import { ExceptionsConfigSchema, ExceptionsService } from '../../../main/agent/exceptions/index.js';
import { confirmation, releasedOrder } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

const ANNA: Caller = { user: 'anna', roles: ['supervisor'], sessionId: 's-anna' };
const BEN: Caller = { user: 'ben', roles: ['supervisor'], sessionId: 's-ben' };
const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
const UNIT_MISMATCH: RuleViolation[] = [{ code: 'UNIT_MISMATCH', message: 'Unit KG does not match the order unit PC.', fields: ['unit'] }];

let seq = 0;
function addException(db: WritableDb, body: CanonicalEvent, reasons: RuleViolation[] = UNIT_MISMATCH, at = T0): string {
  seq++;
  const rawId = insertRawMessage(db, {
    idempotencyKey: `mqtt:mes:x-${seq}`, source: 'demo-mes', channel: 'plant/1010/L1/confirmation', payload: JSON.stringify({ messageId: `x-${seq}`, unit: 'KG' }),
    receivedAt: at, correlationId: `corr-${seq}`, status: 'mapped', mappingVersion: 'mes-json-v1',
  })!;
  const eventId = `ev-${seq}`;
  insertEvent(db, { eventId, rawId, body, status: 'exception', reasons, correlationId: `corr-${seq}`, at });
  return eventId;
}

function service(db: WritableDb, orders: ProductionOrder[] = [releasedOrder()], config: Record<string, unknown> = {}): ExceptionsService {
  return new ExceptionsService({
    db, findOrder: (id) => orders.find((o) => o.orderId === id), ordersLoaded: () => true, units: BUILT_IN_UNITS,
    config: ExceptionsConfigSchema.parse(config), now: () => T0 + 3 * 3_600_000,
  });
}

describe('correctException', () => {
  it('a clean correction under the thresholds goes to ready, keeps the original and is audited', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    const result = service(db).correct({ eventId: id, fields: { unit: 'pc' }, reason: 'MES sent KG for pieces' }, ANNA);
    expect(result).toMatchObject({ eventId: id, status: 'ready', correlationId: 'corr-1'.replace('1', String(seq)) });
    const stored = getEvent(db, id)!;
    expect(stored.body).toMatchObject({ unit: 'PC', yieldQty: 120 });
    expect(stored.reasons).toEqual([]);
    const detail = service(db).get({ eventId: id });
    expect(detail.revisions).toEqual([expect.objectContaining({ actor: 'anna', before: expect.objectContaining({ unit: 'KG' }) as unknown, after: expect.objectContaining({ unit: 'PC' }) as unknown })]);
    expect(detail.history.map((h) => h.to)).toEqual(['exception', 'ready']);
    const [entry] = listAudit(db, 10);
    expect(entry).toMatchObject({ actor: 'anna', action: 'exception.correct', subject: `event:${id}`, reason: 'MES sent KG for pieces', correlationId: stored.correlationId });
    expect(entry?.before).toMatchObject({ unit: 'KG' });
    expect(entry?.after).toMatchObject({ unit: 'PC' });
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 1 });
  });

  it('a correction that still breaks a rule is refused with the rule, and nothing is saved', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    expect(() => service(db).correct({ eventId: id, fields: { operation: '99' }, reason: 'wrong op' }, ANNA)).toThrow(/nothing was saved.*OPERATION_UNKNOWN/);
    expect(getEvent(db, id)).toMatchObject({ status: 'exception', body: expect.objectContaining({ unit: 'KG' }) as unknown });
    expect(listAudit(db, 10)).toEqual([]);
  });

  it('a bad field is named, and a reason is mandatory', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    // A ZodError: apiDispatch turns it into "fields.yieldQty: must not be negative".
    expect(() => service(db).correct({ eventId: id, fields: { yieldQty: -5 }, reason: 'typo' }, ANNA)).toThrow(/"fields",\s*"yieldQty"[\s\S]*must not be negative|must not be negative[\s\S]*"fields",\s*"yieldQty"/);
    expect(() => service(db).correct({ eventId: id, fields: { unit: 'PC' }, reason: '' }, ANNA)).toThrow(/reason/);
  });
});

describe('four-eyes', () => {
  it('a quantity change over 10 % waits for a second supervisor; the one who corrected cannot approve', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG', yieldQty: 100 }));
    const svc = service(db);
    expect(svc.correct({ eventId: id, fields: { unit: 'PC', yieldQty: 125 }, reason: 'counted again' }, ANNA)).toMatchObject({ status: 'pending_approval', message: expect.stringContaining('25 %') as unknown });
    expect(getEvent(db, id)?.body).toMatchObject({ yieldQty: 100, unit: 'KG' });
    expect(svc.list({ status: 'pending_approval' }).items[0]?.approval).toMatchObject({ action: 'correct', requestedBy: 'anna', proposed: expect.objectContaining({ yieldQty: 125 }) as unknown });
    expect(() => svc.approve({ eventId: id }, ANNA)).toThrow(/four-eyes/);
    expect(svc.approve({ eventId: id }, BEN)).toMatchObject({ status: 'ready' });
    expect(getEvent(db, id)?.body).toMatchObject({ yieldQty: 125, unit: 'PC' });
    expect(svc.get({ eventId: id }).revisions[0]).toMatchObject({ actor: 'anna', approvedBy: 'ben' });
    expect(listAudit(db, 10).map((e) => `${e.actor}:${e.action}`)).toEqual(['ben:exception.correct.approved', 'anna:exception.correct.requested']);
  });

  it('a rejected correction goes back to exception with the body untouched', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG', yieldQty: 100 }));
    const svc = service(db);
    svc.correct({ eventId: id, fields: { unit: 'PC', yieldQty: 200 }, reason: 'doubled' }, ANNA);
    expect(() => svc.reject({ eventId: id, reason: '' }, BEN)).toThrow(/reason/);
    expect(svc.reject({ eventId: id, reason: 'the line made 100' }, BEN)).toMatchObject({ status: 'exception' });
    expect(getEvent(db, id)).toMatchObject({ status: 'exception', body: expect.objectContaining({ yieldQty: 100 }) as unknown });
    expect(svc.get({ eventId: id }).revisions).toEqual([]);
  });

  it('the threshold is configurable: 50 % lets a 25 % change through at once', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG', yieldQty: 100 }));
    expect(service(db, undefined, { approval: { quantityChangePct: 50 } }).correct({ eventId: id, fields: { unit: 'PC', yieldQty: 125 }, reason: 'counted again' }, ANNA)).toMatchObject({ status: 'ready' });
  });
});

describe('voidException', () => {
  it('needs a reason, waits for a second supervisor, then is voided', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    const svc = service(db);
    expect(() => svc.void({ eventId: id, reason: ' ' }, ANNA)).toThrow(/reason/);
    expect(svc.void({ eventId: id, reason: 'test message from commissioning' }, ANNA)).toMatchObject({ status: 'pending_approval' });
    expect(svc.approve({ eventId: id }, BEN)).toMatchObject({ status: 'voided' });
    expect(listAudit(db, 10).map((e) => e.action)).toEqual(['exception.void.approved', 'exception.void.requested']);
  });

  it('voids at once when the plant turns four-eyes for voids off', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    expect(service(db, undefined, { approval: { voids: false } }).void({ eventId: id, reason: 'duplicate' }, ANNA)).toMatchObject({ status: 'voided' });
  });
});

describe('retryException', () => {
  it('an ERP rejection whose cause was fixed in the ERP goes back to ready', () => {
    const db = openTempDb();
    const id = addException(db, confirmation(), [{ code: 'ERP:RU/505', message: 'Order 1000001 is locked by user SMITH', fields: [] }]);
    const svc = service(db);
    expect(svc.list().items[0]).toMatchObject({ erpSide: true });
    expect(svc.retry({ eventId: id }, ANNA)).toMatchObject({ status: 'ready' });
    expect(listAudit(db, 1)[0]).toMatchObject({ action: 'exception.retry', actor: 'anna' });
  });

  it('a record that still breaks a rule is not retried', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    expect(() => service(db).retry({ eventId: id }, ANNA)).toThrow(/correct it first.*UNIT_MISMATCH/);
    expect(getEvent(db, id)?.status).toBe('exception');
  });
});

describe('bulkCorrect', () => {
  it('previews without changing anything, then applies with one audit entry per event and one bulk id', () => {
    const db = openTempDb();
    const wrong: RuleViolation[] = [{ code: 'MATERIAL_NOT_IN_ORDER', message: 'MAT-X', fields: ['material'] }];
    const ids = [1, 2, 3].map(() => addException(db, confirmation({ material: 'MAT-X' }), wrong));
    const other = addException(db, confirmation({ unit: 'KG' }));
    const svc = service(db);
    const preview = svc.bulk({ field: 'material', from: 'MAT-X', to: 'MAT-1', reason: 'material renamed in the MES' }, ANNA);
    expect(preview).toMatchObject({ preview: true, matched: 3, bulkId: null });
    expect(preview.items.map((i) => i.after)).toEqual(ids.map(() => expect.objectContaining({ material: 'MAT-1' })));
    expect(ids.map((id) => getEvent(db, id)?.status)).toEqual(['exception', 'exception', 'exception']);
    expect(listAudit(db, 10)).toEqual([]);

    const applied = svc.bulk({ field: 'material', from: 'MAT-X', to: 'MAT-1', reason: 'material renamed in the MES', preview: false }, ANNA);
    expect(applied.bulkId).toMatch(/^bulk-/);
    expect(applied.results.map((r) => r.status)).toEqual(['ready', 'ready', 'ready']);
    expect(getEvent(db, other)?.status).toBe('exception');
    const audit = listAudit(db, 10);
    expect(audit).toHaveLength(3);
    expect(new Set(audit.map((e) => e.correlationId))).toEqual(new Set([applied.bulkId]));
    expect(new Set(audit.map((e) => e.subject))).toEqual(new Set(ids.map((id) => `event:${id}`)));
  });

  it('leaves an event unchanged when the change would not fix it', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG', operation: '0099' }), [...UNIT_MISMATCH, { code: 'OPERATION_UNKNOWN', message: 'op', fields: ['operation'] }]);
    const applied = service(db).bulk({ field: 'unit', from: 'kg', to: 'PC', reason: 'unit label', preview: false }, ANNA);
    expect(applied.results).toEqual([expect.objectContaining({ eventId: id, status: 'exception', message: expect.stringContaining('OPERATION_UNKNOWN') as unknown })]);
    expect(getEvent(db, id)?.body).toMatchObject({ unit: 'KG' });
  });
});

describe('the inbox, the detail and the live re-check', () => {
  it('filters and groups by rule, line, order and age', () => {
    const db = openTempDb();
    addException(db, confirmation({ unit: 'KG' }), UNIT_MISMATCH, T0);
    addException(db, confirmation({ unit: 'KG', line: 'L2', orderId: '1000002' }), UNIT_MISMATCH, T0 + 2.5 * 3_600_000);
    addException(db, confirmation({ orderId: '77' }), [{ code: 'ORDER_UNKNOWN', message: 'no order', fields: ['orderId'] }], T0);
    const svc = service(db);
    expect(svc.list({ rule: 'UNIT_MISMATCH' }).items).toHaveLength(2);
    expect(svc.list({ line: 'L2' }).items.map((i) => i.orderId)).toEqual(['1000002']);
    expect(svc.list({ orderId: '77' }).items).toHaveLength(1);
    expect(svc.list({ olderThanMin: 60 }).items).toHaveLength(2);
    expect(svc.list({ groupBy: 'rule' }).groups).toEqual([{ key: 'UNIT_MISMATCH', count: 2 }, { key: 'ORDER_UNKNOWN', count: 1 }]);
    expect(svc.list({ groupBy: 'age' }).groups).toEqual([{ key: '1–24 h', count: 2 }, { key: '< 1 h', count: 1 }]);
    expect(svc.list().total).toEqual({ exception: 3, pendingApproval: 0 });
  });

  it('the detail has the raw message, the canonical event, the failed rules and the history', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    const detail = service(db).get({ eventId: id });
    expect(detail.raw).toMatchObject({ source: 'demo-mes', payload: expect.stringContaining('"unit":"KG"') as unknown });
    expect(detail.event).toMatchObject({ unit: 'KG' });
    expect(detail.failedRules.map((r) => r.code)).toEqual(['UNIT_MISMATCH']);
    expect(detail.currentViolations.map((r) => r.code)).toEqual(['UNIT_MISMATCH']);
    expect(detail.history).toHaveLength(1);
    expect(() => service(db).get({ eventId: 'nope' })).toThrow(/no event nope/);
  });

  it('re-checks an edited form without saving, with field errors and the four-eyes outcome', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG', yieldQty: 100 }));
    const svc = service(db);
    expect(svc.recheck({ eventId: id, unit: 'PC' })).toMatchObject({ violations: [], fieldErrors: {}, needsApproval: null });
    expect(svc.recheck({ eventId: id, unit: 'PC', yieldQty: '150' })).toMatchObject({ violations: [], needsApproval: expect.stringContaining('50 %') as unknown });
    expect(svc.recheck({ eventId: id, unit: 'XX' }).violations.map((v) => v.code)).toEqual(['UNIT_MISMATCH']);
    expect(svc.recheck({ eventId: id, yieldQty: 'ten' }).fieldErrors).toHaveProperty('yieldQty');
    expect(getEvent(db, id)).toMatchObject({ status: 'exception', body: expect.objectContaining({ unit: 'KG' }) as unknown });
  });
});

describe('exportAuditCsv', () => {
  it('one row per entry, oldest first, with JSON before/after quoted', () => {
    const db = openTempDb();
    const id = addException(db, confirmation({ unit: 'KG' }));
    service(db).correct({ eventId: id, fields: { unit: 'PC' }, reason: 'label, "quoted", with comma' }, ANNA);
    const file = service(db).exportAuditCsv();
    const lines = file.csv.trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,action,subject,before,after,reason,correlation_id,hash');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('exception.correct');
    expect(lines[1]).toContain('"label, ""quoted"", with comma"');
    expect(lines[1]).toContain('""unit"":""KG""');
    expect(file).toMatchObject({ entries: 1, contentType: 'text/csv; charset=utf-8', fileName: expect.stringMatching(/^plantdesk-audit-\d{4}-\d\d-\d\d\.csv$/) as unknown });
  });
});
