// Builders for dashboard data in renderer tests.
import type { ConnectionStatus, DashboardSnapshot, EventSummary, LineStatus } from '../../../domain/api.js';

export function line(overrides: Partial<LineStatus> = {}): LineStatus {
  return { line: 'L1', source: 'opcua', state: 'running', stateReason: '', orderId: '1000123', good: 1234, scrap: 5, lastDataAt: '2026-01-05T10:00:00.000Z', fresh: true, staleSignals: [], ...overrides };
}

export function record(overrides: Partial<EventSummary> = {}): EventSummary {
  return {
    eventId: 'e1', kind: 'confirmation', status: 'posted', line: 'L1', orderId: '1000123', operation: '0010', quantity: 12, scrap: 0, unit: 'PC',
    erpDocument: '0000000012/00000003', reasons: [], correlationId: 'c1', receivedAt: '2026-01-05T10:00:00.000Z', updatedAt: '2026-01-05T10:00:01.000Z',
    ...overrides,
  };
}

export function connection(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return {
    id: 'opc1', kind: 'opcua', name: 'Demo PLC', endpoint: 'opc.tcp://127.0.0.1:4840', state: 'connected', since: '2026-01-05T09:00:00.000Z',
    lastError: null, lastDataAt: '2026-01-05T10:00:00.000Z', ...overrides,
  };
}

export function snapshot(at: string, overrides: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return {
    at,
    lines: [line()],
    queue: { mapped: 1, ready: 2, exception: 3, sending: 4, posted: 50, voided: 0, recorded: 0, pending_approval: 0, rejected: 6, oldestPendingAgeS: 12 },
    connections: [connection()],
    rate: { bucketS: 10, lines: ['L1'], points: [] },
    recent: [record()],
    ...overrides,
  };
}
