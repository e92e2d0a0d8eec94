// The Orders, trace and Quality read models against a real SQLite file written through the store's functions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalEvent, EventStatus, ProductionOrder } from '../../../domain/index.js';
import { insertEvent, insertRawMessage, moveEvent, openDatabase, replaceOrders, type WritableDb } from '../../../local-store/index.js';
import { listOrderProgress } from '../../../main/agent/orderProgress.js';
import { qualitySummary } from '../../../main/agent/qualitySummary.js';
import { traceRecord } from '../../../main/agent/recordTrace.js';
import { confirmation, quality } from '../domain/fixtures.js';

const NOW = Date.parse('2026-03-01T10:00:00Z');
let dir = '';
let db: WritableDb;
let seq = 0;

function add(body: CanonicalEvent, path: readonly EventStatus[], at = NOW - 60_000): { eventId: string; correlationId: string } {
  seq += 1;
  const correlationId = `corr-${seq}`;
  const rawId = insertRawMessage(db, { idempotencyKey: `mqtt:mes:${seq}`, source: 'mes', channel: `plant/1010/${body.line}/${body.kind}`, payload: JSON.stringify({ n: seq }), receivedAt: at, correlationId, status: 'mapped' })!;
  const eventId = `ev-${seq}`;
  const [first, ...rest] = path;
  insertEvent(db, { eventId, rawId, body, status: first!, correlationId, at });
  for (const to of rest) moveEvent(db, eventId, { to, at, actor: to === 'posted' ? 'sync' : 'system', ...(to === 'posted' ? { erpDocument: `0000000012/0000000${seq}` } : {}) });
  return { eventId, correlationId };
}

const order = (orderId: string, quantity: number, over: Partial<ProductionOrder> = {}): ProductionOrder =>
  ({ orderId, plant: '1010', material: 'FG-1', quantity, unit: 'PC', released: true, technicallyCompleted: false, confirmedYieldQty: 0, operations: [], ...over });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-readmodels-'));
  db = openDatabase(join(dir, 'plantdesk.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('listOrderProgress', () => {
  it('adds up posted, pending and exceptions per order and derives the status', () => {
    replaceOrders(db, [order('1000001', 200), order('1000002', 100), order('1000003', 50, { confirmedYieldQty: 60 }), order('1000004', 10, { technicallyCompleted: true })], NOW);
    add(confirmation({ orderId: '1000001', yieldQty: 80, scrapQty: 2 }), ['ready', 'sending', 'posted']);
    add(confirmation({ orderId: '1000001', yieldQty: 20, scrapQty: 1 }), ['ready']);
    add(confirmation({ orderId: '1000001', yieldQty: 5 }), ['exception']);
    const byId = new Map(listOrderProgress(db).map((o) => [o.orderId, o]));
    expect(byId.get('1000001')).toMatchObject({ postedQty: 80, pendingQty: 20, scrapQty: 3, exceptions: 1, progressPct: 40, status: 'in_progress' });
    expect(byId.get('1000002')).toMatchObject({ postedQty: 0, status: 'released', progressPct: 0, lastEventAt: null });
    expect(byId.get('1000003')).toMatchObject({ status: 'complete', progressPct: 120 });
    expect(byId.get('1000004')!.status).toBe('closed');
  });

  it('refuses an unknown parameter by name', () => {
    expect(() => listOrderProgress(db, { limt: 5 } as never)).toThrow(/limt/);
  });
});

describe('traceRecord', () => {
  it('follows one record from the raw message through every status change to the ERP document, by either id', () => {
    const { eventId, correlationId } = add(confirmation(), ['ready', 'sending', 'posted']);
    const trace = traceRecord(db, { id: correlationId });
    expect(trace.source).toMatchObject({ source: 'mes', channel: 'plant/1010/L1/confirmation' });
    expect(trace.events).toHaveLength(1);
    expect(trace.events[0]!.history.map((h) => h.to)).toEqual(['ready', 'sending', 'posted']);
    expect(trace.events[0]!.erpDocument).toMatch(/^0000000012\//);
    expect(traceRecord(db, { id: eventId }).correlationId).toBe(correlationId);
  });

  it('says not found in words for an unknown id', () => {
    expect(() => traceRecord(db, { id: 'no-such-record' })).toThrow(/no record with correlation id or event id no-such-record/);
  });
});

describe('qualitySummary', () => {
  it('counts results, defects and first-pass yield per line and order; a re-inspection does not raise it', () => {
    add(quality({ line: 'L1', orderId: '1000001', characteristic: 'DIA', passed: false, defectCode: 'D-11' }), ['mapped', 'recorded']);
    add(quality({ line: 'L1', orderId: '1000001', characteristic: 'DIA', passed: true }), ['mapped', 'recorded']);
    add(quality({ line: 'L1', orderId: '1000001', characteristic: 'LEN', passed: true }), ['mapped', 'recorded']);
    add(quality({ line: 'L2', orderId: '1000002', characteristic: 'DIA', passed: true }), ['mapped', 'recorded']);
    add(quality({ line: 'L2', orderId: '1000002', characteristic: 'OLD', passed: false }), ['mapped', 'recorded'], NOW - 48 * 3_600_000);
    const summary = qualitySummary(db, {}, NOW);
    const l1 = summary.lines.find((l) => l.line === 'L1')!;
    expect(l1).toMatchObject({ results: 3, failed: 1, firstPassYieldPct: 50 });
    expect(l1.defects).toEqual([{ code: 'D-11', count: 1 }]);
    expect(summary.lines.find((l) => l.line === 'L2')).toMatchObject({ results: 1, failed: 0, firstPassYieldPct: 100 });
    expect(summary.orders.map((o) => o.orderId)).toEqual(['1000001', '1000002']);
  });

  it('lists final confirmations of orders that have no quality result', () => {
    add(quality({ orderId: '1000001' }), ['mapped', 'recorded']);
    add(confirmation({ orderId: '1000001', final: true }), ['ready']);
    const missing = add(confirmation({ orderId: '1000009', line: 'L3', final: true }), ['ready', 'sending', 'posted']);
    add(confirmation({ orderId: '1000010', final: false }), ['ready']);
    const summary = qualitySummary(db, {}, NOW);
    expect(summary.finalsMissingQuality.map((m) => m.eventId)).toEqual([missing.eventId]);
    expect(summary.finalsMissingQuality[0]).toMatchObject({ line: 'L3', orderId: '1000009', status: 'posted' });
  });
});
