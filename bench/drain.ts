// Bench "drain" (issue 5): a backlog of BENCH_EVENTS buffered confirmations (default 1,000,000; generated once by
// the agent's own intake, bench/support/backlogDb.ts) drained by the sync engine into sim/erp over HTTP, with the
// SAP adapter's $batch (BENCH_BATCH per request, default 100) and BENCH_IN_FLIGHT requests at once (default 4),
// while live confirmations arrive at BENCH_LIVE_PER_S (default 20) through the intake. The simulator runs in its
// own process. Baseline, same run, on a fresh simulator process: the simulator's own maximum, measured with a bare
// HTTP client posting ready-made $batch requests of the same size and body (bench/support/bareBatchClient.ts) over
// BENCH_BASELINE_EVENTS (default: as many as the drain), the best of 2 and 4 requests in flight up to 200,000 events,
// at BENCH_IN_FLIGHT above.
// Last line: {"bench":"drain","events_per_s":..,"baseline_per_s":..,"ratio":..,"lost":..,"duplicates":..,"live_p99_ms":..}
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSapODataAdapter } from '../connectors/erp/index.js';
import { maintainStatusCounts, openDatabase } from '../local-store/index.js';
import { ConnectionRegistry } from '../main/agent/connectionRegistry.js';
import { SyncSchema } from '../main/agent/config/syncSchema.js';
import { Ingest } from '../main/agent/ingest.js';
import { OrderCache } from '../main/agent/orderCache.js';
import { SyncEngine } from '../main/agent/syncEngine.js';
import type { DemoOrder } from '../sim/demoData.js';
import type { KeyCounts } from '../sim/erp/index.js';
import { backlogDatabase } from './support/backlogDb.js';
import { bareBatchRate } from './support/bareBatchClient.js';
import { startErpSimProcess } from './support/erpSimProcess.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const LIVE_PER_S = Number(process.env.BENCH_LIVE_PER_S ?? 20);
// As many as the drain posts: the simulator slows as it holds more records (its heap grows), so a shorter baseline
// would flatter it.
const BASELINE_EVENTS = Number(process.env.BENCH_BASELINE_EVENTS ?? EVENTS);
/** Best of several in-flight counts when that is affordable; one run at the drain's count for big volumes. */
const BASELINE_IN_FLIGHT = BASELINE_EVENTS <= 200_000 ? [2, 4] : [IN_FLIGHT];
const ORDERS = ['1000001', '1000002', '1000003', '1000004'];

// The backlog's orders (backlogDb.ts), released in the simulator with room for a million confirmations.
const SIM_ORDERS: DemoOrder[] = ORDERS.map((orderId, i) => ({
  orderId, material: 'FG-100', materialText: 'Bench part', plant: '1010', quantity: 1e9, unit: 'PC', operation: '0010', workCenter: `WC-L${i + 1}`, line: `L${i + 1}`, status: 'released',
}));

const log = (line: string): void => console.log(line);
const percentile = (sorted: readonly number[], p: number): number => sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function baseline(): Promise<number> {
  let best = 0;
  for (const inFlight of BASELINE_IN_FLIGHT) {
    const sim = await startErpSimProcess({ orders: SIM_ORDERS });
    try {
      const rate = await bareBatchRate(sim.url, BASELINE_EVENTS, BATCH, inFlight, ORDERS);
      log(`baseline: bare $batch client, ${inFlight} in flight: ${Math.round(rate)} confirmations/s over ${BASELINE_EVENTS}`);
      best = Math.max(best, rate);
    } finally {
      await sim.stop();
    }
  }
  return best;
}

async function drain(): Promise<{ eventsPerS: number; lost: number; duplicates: number; liveP99Ms: number; live: number; posted: number; seconds: number }> {
  const source = await backlogDatabase(EVENTS, log);
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-bench-drain-'));
  const sim = await startErpSimProcess({ orders: SIM_ORDERS });
  try {
    const file = join(dir, 'plantdesk.db');
    copyFileSync(source, file);
    const db = openDatabase(file);
    maintainStatusCounts(db);
    const logger = pino({ level: 'silent' });
    const orders = new OrderCache(db);
    const backlogMaxId = (db.prepare('SELECT MAX(id) AS id FROM event').get() as { id: number }).id;
    const pendingBacklog = db.prepare("SELECT COUNT(*) AS n FROM event WHERE status IN ('mapped', 'ready', 'sending') AND id <= ?");
    const connections = new ConnectionRegistry();
    const engine = new SyncEngine({
      db, erp: createSapODataAdapter({ baseUrl: sim.url, sapClient: '100', batchSize: BATCH, timeoutMs: 30_000 }), orders, plant: '1010', ordersRefreshS: 3600,
      postIntervalMs: 50, logger, connections, connectionId: connections.register('erp', 'sim', sim.url), onChange: () => undefined,
      sync: SyncSchema.parse({ maxInFlight: IN_FLIGHT }),
    });
    const ingest = new Ingest(db, logger, { orders });
    const backlog = (pendingBacklog.get(backlogMaxId) as { n: number }).n;
    log(`drain: ${backlog} events waiting (of ${EVENTS}; the rest are exceptions), ${BATCH} per $batch, ${IN_FLIGHT} in flight, ${LIVE_PER_S} live/s`);

    const started = performance.now();
    engine.start();
    let liveSeq = 0;
    const live = setInterval(() => {
      liveSeq++;
      const line = `L${(liveSeq % 4) + 1}`;
      void ingest.submitMqtt({
        source: 'mes', topic: `plant/1010/${line}/confirmation`, type: 'confirmation', receivedAt: Date.now(),
        payload: Buffer.from(JSON.stringify({ messageId: `live-${liveSeq}`, plant: '1010', line, orderId: ORDERS[liveSeq % 4], operation: '0010', yield: 5, scrap: 0, unit: 'PC', final: false, end: new Date().toISOString() })),
      });
    }, 1000 / LIVE_PER_S);
    let lastReport = performance.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const left = (pendingBacklog.get(backlogMaxId) as { n: number }).n;
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        const status = engine.status();
        log(`drain: ${backlog - left} of ${backlog} in ${Math.round((performance.now() - started) / 1000)} s, ERP ${status.erp}, ETA ${status.drain?.etaS ?? '-'} s`);
      }
      if (left === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(live);
    // The last live events: posted within a pass or two.
    const liveDeadline = Date.now() + 30_000;
    while (Date.now() < liveDeadline && (db.prepare("SELECT COUNT(*) AS n FROM event WHERE status IN ('mapped', 'ready', 'sending') AND id > ?").get(backlogMaxId) as { n: number }).n > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await engine.stop();
    const latencies = (db.prepare("SELECT updated_at - created_at AS ms FROM event WHERE id > ? AND status = 'posted' ORDER BY 1").all(backlogMaxId) as { ms: number }[]).map((r) => r.ms);
    const posted = (db.prepare("SELECT event_id FROM event WHERE status = 'posted'").all() as { event_id: string }[]).map((r) => r.event_id.toLowerCase());
    const notFinished = (db.prepare("SELECT COUNT(*) AS n FROM event WHERE status IN ('mapped', 'ready', 'sending')").get() as { n: number }).n;
    db.close();
    const counts = (await (await fetch(`${sim.url}/sim/counts`)).json()) as KeyCounts;
    const inErp = new Set(Object.keys(counts.byKey).map((k) => k.toLowerCase()));
    const lost = posted.filter((k) => !inErp.has(k)).length + notFinished;
    const duplicates = Object.values(counts.duplicates).reduce((sum, n) => sum + n - 1, 0);
    const backlogPosted = posted.length - latencies.length;
    return { eventsPerS: backlogPosted / seconds, lost, duplicates, liveP99Ms: percentile(latencies, 99), live: latencies.length, posted: backlogPosted, seconds };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = await baseline();
const result = await drain();
log(`drain: ${result.posted} backlog events posted in ${result.seconds.toFixed(1)} s, ${result.live} live events, live p99 ${result.liveP99Ms} ms`);
console.log(JSON.stringify({
  bench: 'drain', events_per_s: Math.round(result.eventsPerS), baseline_per_s: Math.round(base), ratio: Math.round((result.eventsPerS / base) * 100) / 100,
  lost: result.lost, duplicates: result.duplicates, live_p99_ms: result.liveP99Ms,
}));
