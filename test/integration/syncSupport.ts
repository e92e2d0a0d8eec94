// The sync engine against the ERP simulator over real HTTP: a real SQLite file, confirmations committed through the
// agent's intake, the SAP OData adapter ($batch), and the simulator's own counts (GET /sim/counts) as the judge.
import { onTestFinished } from 'vitest';
import { createSapODataAdapter, type ErpAdapter } from '../../connectors/erp/index.js';
import { countEventsByStatus, type WritableDb } from '../../local-store/index.js';
import { ConnectionRegistry } from '../../main/agent/connectionRegistry.js';
import { SyncSchema } from '../../main/agent/config/syncSchema.js';
import { Ingest } from '../../main/agent/ingest.js';
import { createLogger } from '../../main/agent/logger.js';
import { OrderCache } from '../../main/agent/orderCache.js';
import { SyncEngine } from '../../main/agent/syncEngine.js';
import { startErpSimulator, type ErpSimulator, type FaultConfigInput, type KeyCounts } from '../../sim/erp/index.js';
import { openTempDb } from '../unit/local-store/tempDb.js';

export const RELEASED = ['1000001', '1000002', '1000003'] as const;

export interface SyncHttpRig {
  readonly sim: ErpSimulator;
  readonly db: WritableDb;
  readonly erp: ErpAdapter;
  readonly engine: SyncEngine;
  /** Commits n confirmations through the intake (spread over the released orders); returns their event ids. */
  confirm(n: number, overrides?: (i: number) => Record<string, unknown>): string[];
  /** Ticks the engine until nothing is mapped, ready or sending (or the timeout); returns how long it took. */
  settle(timeoutMs: number): Promise<number>;
  /** GET /sim/counts over HTTP. */
  counts(): Promise<KeyCounts>;
}

let seq = 0;

export async function syncHttpRig(options: { faults?: FaultConfigInput; batchSize?: number; sync?: Record<string, unknown>; timeoutMs?: number } = {}): Promise<SyncHttpRig> {
  const sim = await startErpSimulator(options.faults ? { faults: options.faults } : {});
  onTestFinished(() => sim.stop());
  const db = openTempDb();
  const logger = createLogger('silent');
  const erp = createSapODataAdapter({ baseUrl: sim.url, sapClient: '100', batchSize: options.batchSize ?? 20, timeoutMs: options.timeoutMs ?? 5000 });
  const orders = new OrderCache(db);
  const connections = new ConnectionRegistry();
  const engine = new SyncEngine({
    db, erp, orders, plant: '1010', ordersRefreshS: 3600, postIntervalMs: 50, logger, connections, connectionId: connections.register('erp', 'sim', sim.url),
    onChange: () => undefined, sync: SyncSchema.parse({ backoff: { baseMs: 50, maxMs: 400 }, offlineAfterFailures: 5, ...options.sync }),
  });
  const ingest = new Ingest(db, logger, { orders });
  return {
    sim, db, erp, engine,
    confirm(n, overrides) {
      const ids: string[] = [];
      const insert = db.transaction(() => {
        for (let i = 0; i < n; i++) {
          seq++;
          const orderId = RELEASED[seq % RELEASED.length]!;
          const payload = {
            messageId: `sync-${seq}`, plant: '1010', line: 'L1', orderId, operation: '0010', yield: 1 + (seq % 5), scrap: seq % 2, unit: 'PC', final: false,
            start: '2026-01-05T06:00:00Z', end: '2026-01-05T07:00:00Z', ...overrides?.(i),
          };
          ingest.commitMqtt({ source: 'mes', topic: 'plant/1010/L1/confirmation', type: 'confirmation', payload: Buffer.from(JSON.stringify(payload)), receivedAt: Date.now() });
          ids.push((db.prepare('SELECT event_id FROM event ORDER BY id DESC LIMIT 1').get() as { event_id: string }).event_id);
        }
      });
      insert();
      return ids;
    },
    async settle(timeoutMs) {
      const start = Date.now();
      for (;;) {
        await engine.tick(Date.now());
        const c = countEventsByStatus(db);
        if (c.mapped + c.ready + c.sending === 0) return Date.now() - start;
        if (Date.now() - start > timeoutMs) throw new Error(`not settled after ${timeoutMs} ms: ${JSON.stringify(c)}; ERP ${JSON.stringify(engine.status())}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async counts() {
      const res = await fetch(`${sim.url}/sim/counts`);
      return (await res.json()) as KeyCounts;
    },
  };
}

/** Every posted event's key is in the ERP exactly once; nothing else of ours is there. */
export function exactlyOnce(db: WritableDb, counts: KeyCounts): { lost: number; duplicates: number; posted: number } {
  const posted = (db.prepare("SELECT event_id FROM event WHERE status = 'posted'").all() as { event_id: string }[]).map((r) => r.event_id.toLowerCase());
  const byKey = new Map(Object.entries(counts.byKey).map(([k, n]) => [k.toLowerCase(), n]));
  const lost = posted.filter((key) => !byKey.has(key)).length;
  const duplicates = [...byKey.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  return { lost, duplicates, posted: posted.length };
}
