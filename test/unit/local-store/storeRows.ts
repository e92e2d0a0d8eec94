// Rows as the agent writes them, for the backup, retention and integrity tests: a raw message and its event
// (with its first history row) through the store's own functions, then status changes with history.
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import type { EventStatus, RuleViolation } from '../../../domain/index.js';
import { insertEvent, insertRawMessage, moveEvent, type WritableDb } from '../../../local-store/index.js';
import { confirmation } from '../domain/fixtures.js';

let seq = 0;

/** The path an event takes to `status`, from its first one. */
const PATH: Readonly<Record<EventStatus, readonly EventStatus[]>> = {
  mapped: ['mapped'],
  ready: ['ready'],
  exception: ['exception'],
  sending: ['ready', 'sending'],
  posted: ['ready', 'sending', 'posted'],
  voided: ['exception', 'voided'],
  recorded: ['mapped', 'recorded'],
  pending_approval: ['exception', 'pending_approval'],
};

export interface AddedEvent {
  readonly eventId: string;
  readonly rawId: number;
}

/** An event that reached `status` at `at` (every step at the same time), with a payload of `payloadBytes`. */
export function addEvent(db: WritableDb, status: EventStatus, at: number, payloadBytes = 200): AddedEvent {
  seq += 1;
  const rawId = insertRawMessage(db, {
    idempotencyKey: `mqtt:mes:m-${seq}`, source: 'mes', channel: 'plant/1010/L1/confirmation', payload: 'x'.repeat(payloadBytes), receivedAt: at,
    correlationId: `corr-${seq}`, status: 'mapped', mappingVersion: 'mes-json-v1',
  });
  if (rawId === null) throw new Error('duplicate key in test setup');
  const eventId = `ev-${seq}`;
  const [first, ...rest] = PATH[status];
  const reasons: RuleViolation[] = first === 'exception' ? [{ code: 'UNIT_MISMATCH', message: 'unit', fields: ['unit'] }] : [];
  insertEvent(db, { eventId, rawId, body: confirmation({ orderId: `${1000000 + (seq % 7)}` }), status: first!, reasons, correlationId: `corr-${seq}`, at });
  for (const to of rest) moveEvent(db, eventId, { to, at, actor: to === 'posted' ? 'erp' : 'system', reason: `to ${to}`, ...(to === 'posted' ? { erpDocument: `DOC-${seq}` } : {}) });
  return { eventId, rawId };
}

/** A telemetry raw row (an OPC UA value) received at `at`. */
export function addTelemetry(db: WritableDb, at: number, payloadBytes = 20): number {
  seq += 1;
  const id = insertRawMessage(db, {
    idempotencyKey: `opcua:plc-1:ns=1;s=L1.GoodCount:${seq}`, source: 'plc-1', channel: 'ns=1;s=L1.GoodCount', payload: '1'.repeat(payloadBytes), receivedAt: at,
    correlationId: `corr-${seq}`, status: 'telemetry',
  });
  if (id === null) throw new Error('duplicate key in test setup');
  return id;
}

export function count(db: WritableDb, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

/** Overwrites `length` bytes in the middle of the file with a fixed pseudo-random pattern. */
export function damageMiddle(file: string, length = 16 * 1024): void {
  const size = statSync(file).size;
  const bytes = Buffer.alloc(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, length, Math.floor(size / 2 / 4096) * 4096 + 100);
  } finally {
    closeSync(fd);
  }
}
