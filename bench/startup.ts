// Bench "startup": `plantdesk console` (a child process, as installed) started on a data directory holding a
// backlog of BENCH_EVENTS (default 1,000,000) buffered confirmations, the ERP unreachable so nothing drains.
// seconds: spawn until GET /api/v1/health and GET /api/v1/queue have both answered 200 (API ready; the integrity
// check then still runs on a worker). checked_s: spawn until health no longer says the check is running (intake,
// sync and publish start then). rss_mb: the agent's peak
// resident memory (VmHWM) 3 s after that. Baseline, same run, interleaved: the same agent on an empty data
// directory. Median of BENCH_ROUNDS (default 3). Also reported: quick_check and COUNT(*) GROUP BY status timed on
// the file, and a GET /api/v1/queue once the agent runs (answered from the counts the agent maintains).
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentProcess } from './support/agentProcess.js';
import { backlogDatabase } from './support/backlogDb.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SETTLE_MS = 3000;

interface StartFigures {
  readonly seconds: number;
  readonly readyLineS: number;
  /** Spawn until Health.store.integrity is no longer 'checking': s. */
  readonly checkedS: number;
  readonly rssMb: number;
  /** A later GET /api/v1/queue, as the console polls it: ms. */
  readonly queueApiMs: number;
  readonly queue: Record<string, unknown>;
}

function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function getOk(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

async function startOnce(dataDir: string): Promise<StartFigures> {
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(dataDir, 'plant.yaml');
  // Nothing listens on port 9: the sync engine backs off and the backlog stays where it is.
  writeFileSync(configFile, 'plant: "1010"\nlog:\n  level: warn\nerp:\n  kind: sap-odata\n  baseUrl: http://127.0.0.1:9\n');
  const started = performance.now();
  const agent = await startAgentProcess(['--config', configFile, '--data', dataDir, '--port', '0'], { timeoutMs: 120_000 });
  try {
    const readyLineS = (performance.now() - started) / 1000;
    const [, queue] = await Promise.all([getOk(`${agent.url}/api/v1/health`), getOk(`${agent.url}/api/v1/queue`)]);
    const seconds = (performance.now() - started) / 1000;
    let checkedS = seconds;
    while (((await getOk(`${agent.url}/api/v1/health`)) as { store?: { integrity?: string } }).store?.integrity === 'checking') {
      await new Promise((r) => setTimeout(r, 20));
      checkedS = (performance.now() - started) / 1000;
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const rssMb = memoryMb(agent.child.pid!, 'VmHWM');
    const asked = performance.now();
    await getOk(`${agent.url}/api/v1/queue`);
    return { seconds, readyLineS, checkedS, rssMb, queueApiMs: performance.now() - asked, queue: queue as Record<string, unknown> };
  } finally {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
}

/** quick_check (what the agent runs at start) and the queue counts, timed on the file directly. */
function timeQueries(file: string): { quickCheckMs: number; countsMs: number } {
  const db = new Database(file, { readonly: true });
  try {
    let t = performance.now();
    db.pragma('quick_check(10)');
    const quickCheckMs = performance.now() - t;
    t = performance.now();
    db.prepare('SELECT status, COUNT(*) AS n FROM event GROUP BY status').all();
    return { quickCheckMs, countsMs: performance.now() - t };
  } finally {
    db.close();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round1 = (value: number): number => Math.round(value * 10) / 10;
const round2 = (value: number): number => Math.round(value * 100) / 100;

const backlog = await backlogDatabase(EVENTS, (line) => console.error(line));
const work = mkdtempSync(join(tmpdir(), 'pd-bench-startup-'));
try {
  const loaded: StartFigures[] = [];
  const empty: StartFigures[] = [];
  let queries = { quickCheckMs: 0, countsMs: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const emptyDir = join(work, `empty-${round}`);
    empty.push(await startOnce(emptyDir));
    // A fresh copy each round: the agent may write to it (validation of the mapped events).
    const loadedDir = join(work, `loaded-${round}`);
    mkdirSync(loadedDir, { recursive: true });
    copyFileSync(backlog, join(loadedDir, 'plantdesk.db'));
    loaded.push(await startOnce(loadedDir));
    if (round === 0) queries = timeQueries(join(loadedDir, 'plantdesk.db'));
    rmSync(loadedDir, { recursive: true, force: true });
    if (process.env.BENCH_DEBUG) console.error({ round, loaded: loaded.at(-1), empty: empty.at(-1) });
  }
  const queue = loaded[0]!.queue;
  const buffered = ['mapped', 'ready', 'sending', 'exception'].reduce((sum, status) => sum + (Number(queue[status]) || 0), 0);
  if (buffered !== EVENTS) throw new Error(`the queue shows ${buffered} buffered events, expected ${EVENTS}: ${JSON.stringify(queue)}`);
  console.log(JSON.stringify({
    bench: 'startup', seconds: round2(median(loaded.map((f) => f.seconds))), events: EVENTS, rss_mb: round1(median(loaded.map((f) => f.rssMb))),
    baseline_seconds: round2(median(empty.map((f) => f.seconds))), baseline_rss_mb: round1(median(empty.map((f) => f.rssMb))),
    ready_line_s: round2(median(loaded.map((f) => f.readyLineS))), checked_s: round2(median(loaded.map((f) => f.checkedS))), quick_check_ms: Math.round(queries.quickCheckMs), queue_counts_ms: Math.round(queries.countsMs),
    queue_api_ms: round1(median(loaded.map((f) => f.queueApiMs))),
    rounds: ROUNDS,
  }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
