// A sync engine over a real temp SQLite file and the fake ERP, with confirmations committed through the real
// intake: what the sync engine's unit tests share.
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { SyncSchema } from '../../../main/agent/config/syncSchema.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { createLogger } from '../../../main/agent/logger.js';
import { OrderCache } from '../../../main/agent/orderCache.js';
import { SyncEngine } from '../../../main/agent/syncEngine.js';
import type { WritableDb } from '../../../local-store/index.js';
import { mesConfirmation, releasedOrder } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';
import { fakeErp, type FakeErp } from './fakeErp.js';

export const logger = createLogger('silent');
/** A realistic clock value: the engine refreshes orders when now - lastFetch >= ordersRefreshS. */
export const T0 = 1_700_000_000_000;

export interface SyncRig {
  readonly db: WritableDb;
  readonly erp: FakeErp;
  readonly engine: SyncEngine;
  readonly connections: ConnectionRegistry;
  readonly connectionId: string;
  /** Commits a confirmation through the real intake; returns its event id. */
  confirm(overrides?: Record<string, unknown>): string;
  erpState(): { state: string; lastError: string | null };
}

let messageNo = 0;

export function syncRig(options: { maxBatch?: number; sync?: Record<string, unknown>; orders?: string[]; random?: () => number } = {}): SyncRig {
  const db = openTempDb();
  const erp = fakeErp((options.orders ?? ['1000001', '1000002', '1000003']).map((orderId) => releasedOrder({ orderId, quantity: 1e6, operations: [
    { operation: '0010', workCenter: 'WC-10', unit: 'PC', plannedQty: 1e6, confirmedYieldQty: 0 },
    { operation: '0020', workCenter: 'WC-20', unit: 'PC', plannedQty: 1e6, confirmedYieldQty: 0 },
  ] })));
  erp.maxBatch = options.maxBatch ?? 10;
  const connections = new ConnectionRegistry();
  const connectionId = connections.register('erp', 'sap', erp.endpoint);
  // One order cache for the engine and the intake, as in the agent: once filled, confirmations arrive ready.
  const orders = new OrderCache(db);
  const engine = new SyncEngine({
    db, erp, orders, plant: '1010', ordersRefreshS: 300, postIntervalMs: 1000, logger, connections, connectionId,
    onChange: () => undefined, sync: SyncSchema.parse({ maxInFlight: 1, ...options.sync }), random: options.random ?? (() => 0.5), monotonicMs: () => 0,
  });
  const ingest = new Ingest(db, logger, { orders });
  return {
    db, erp, engine, connections, connectionId,
    confirm(overrides = {}) {
      messageNo++;
      const payload = JSON.stringify(mesConfirmation({ messageId: `s-${messageNo}`, yield: 5, scrap: 1, ...overrides }));
      ingest.commitMqtt({ source: 'mes', topic: 'plant/1010/L1/confirmation', type: 'confirmation', payload: Buffer.from(payload), receivedAt: T0 - 60_000 });
      return (db.prepare('SELECT event_id FROM event ORDER BY id DESC LIMIT 1').get() as { event_id: string }).event_id;
    },
    erpState() {
      const status = connections.list().find((c) => c.id === connectionId);
      return { state: status?.state ?? 'missing', lastError: status?.lastError ?? null };
    },
  };
}
