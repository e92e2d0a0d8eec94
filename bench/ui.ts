// Bench "ui" (issue 7): the console in Chromium (Playwright, Chrome DevTools Protocol) while the plant is driven at
// BENCH_UI_RATE confirmations/s (default 2,000) through mosquitto into `plantdesk console`, posting to sim/erp.
// - latency_p99_ms: event to screen. Each confirmation's publish time is kept; the page records (wall time, total)
//   whenever the Overview's queue tiles change (pending + posted + exceptions + rejected). A message is on screen
//   at the first record whose total reaches its number. Messages published in the warm-up are not counted.
// - frame_p95_ms: main-thread time of each frame's rendering step: from the requestAnimationFrame callback to a
//   message posted from it, which runs after style, layout and paint of that frame. Baseline (same run): the same
//   figure with the agent idle, before the load starts; ratio = loaded / idle.
// - heap_drift_pct: renderer JS heap (after a forced GC, Runtime.getHeapUsage) at the end against after the warm-up.
// Durations: BENCH_UI_WARMUP_S (default 20), BENCH_UI_SECONDS (default 120). Issue 7 asks for the heap after 10 and
// 60 minutes: BENCH_UI_SECONDS=3600 does that; the default is a short run and is labelled so.
// Last line: {"bench":"ui","latency_p99_ms":..,"frame_p95_ms":..,"frame_idle_p95_ms":..,"ratio":..,"heap_drift_pct":..,...}
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Page } from 'playwright-core';
import type { DemoOrder } from '../sim/demoData.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';
import { REPO_ROOT, startAgentProcess } from './support/agentProcess.js';
import { startErpSimProcess } from './support/erpSimProcess.js';

const RATE = Number(process.env.BENCH_UI_RATE ?? 2000);
const WARMUP_S = Number(process.env.BENCH_UI_WARMUP_S ?? 20);
const SECONDS = Number(process.env.BENCH_UI_SECONDS ?? 120);
const IDLE_S = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TICK_MS = 10;
const ORDERS = ['1000001', '1000002', '1000003'];
const SIM_ORDERS: DemoOrder[] = ORDERS.map((orderId, i) => ({
  orderId, material: 'FG-100', materialText: 'Bench part', plant: '1010', quantity: 1e9, unit: 'PC', operation: '0010', workCenter: `WC-L${i + 1}`, line: `L${i + 1}`, status: 'released',
}));

const log = (line: string): void => console.log(line);
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round1 = (x: number): number => Math.round(x * 10) / 10;

if (!existsSync(join(REPO_ROOT, 'build', 'renderer', 'index.html'))) {
  console.error('the renderer is not built: run `npm run build` first');
  process.exit(2);
}

interface PageProbe { samples: [number, number][]; frameWork: number[]; frameGaps: number[] }

/**
 * Installed before the app's scripts (plain JS: the bench project has no DOM types): frame timing from the first
 * frame, tile totals once the tiles exist.
 */
const INSTALL_PROBE = `(() => {
  const probe = { samples: [], frameWork: [], frameGaps: [] };
  window.__uiBench = probe;
  const channel = new MessageChannel();
  let frameStart = 0;
  let lastFrame = 0;
  channel.port1.onmessage = () => { if (probe.frameWork.length < 2000000) probe.frameWork.push(performance.now() - frameStart); };
  const frame = (t) => {
    frameStart = performance.now();
    if (lastFrame > 0 && probe.frameGaps.length < 2000000) probe.frameGaps.push(t - lastFrame);
    lastFrame = t;
    channel.port2.postMessage(0);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const total = () => ['pending', 'posted', 'exceptions', 'rejected']
    .map((id) => Number((document.querySelector('[data-testid=queue-' + id + '] .tile-value')?.textContent ?? 'NaN').replace(/,/g, '')))
    .reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  let last = -1;
  const record = () => { const t = total(); if (t !== last) { last = t; probe.samples.push([Date.now(), t]); } };
  const attach = () => {
    const tiles = document.querySelector('.queue-tiles');
    if (!tiles) return void setTimeout(attach, 50);
    record();
    new MutationObserver(record).observe(tiles, { subtree: true, childList: true, characterData: true });
  };
  attach();
})()`;

async function heapUsedMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usage.usedSize / 1024 / 1024;
}

async function takeFrames(page: Page): Promise<{ work: number[]; gaps: number[] }> {
  return page.evaluate(`(() => {
    const probe = window.__uiBench;
    const out = { work: probe.frameWork, gaps: probe.frameGaps };
    probe.frameWork = [];
    probe.frameGaps = [];
    return out;
  })()`);
}

const dir = mkdtempSync(join(tmpdir(), 'plantdesk-bench-ui-'));
const broker = await startMosquitto();
const erp = await startErpSimProcess({ orders: SIM_ORDERS }, 2048);
const configFile = join(dir, 'plant.yaml');
writeFileSync(configFile, `
plant: "1010"
log: { level: warn }
mqtt:
  - name: mes
    url: ${broker.url}
    clientId: plantdesk-bench-ui
    topics:
      - { filter: bench/1010/+/confirmation, type: confirmation }
erp:
  kind: sap-odata
  baseUrl: ${erp.url}
  sapClient: "100"
  postIntervalMs: 100
`);
const agent = await startAgentProcess(['--config', configFile, '--data', join(dir, 'data'), '--port', '0'], { timeoutMs: 60_000 });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'] });
const publisher = await mqtt.connectAsync(broker.url, { clientId: `bench-ui-pub-${process.pid}`, clean: true });
let timer: NodeJS.Timeout | undefined;
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.addInitScript({ content: INSTALL_PROBE });
  await page.goto(agent.url);
  await page.locator('[data-testid=queue-pending] .tile-value').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(IDLE_S * 1000);
  const idle = await takeFrames(page);
  const frameIdleP95 = percentile(idle.work, 95);
  log(`idle: ${idle.work.length} frames, frame work p95 ${round1(frameIdleP95)} ms, frame interval p95 ${round1(percentile(idle.gaps, 95))} ms`);

  // The plant: RATE confirmations/s in ticks of 10 ms, QoS 1, with the publish time of each kept.
  const publishedAt: number[] = [];
  const start = Date.now();
  let acked = 0;
  timer = setInterval(() => {
    const due = Math.floor(((Date.now() - start) / 1000) * RATE) - publishedAt.length;
    for (let i = 0; i < due; i++) {
      const seq = publishedAt.length;
      const orderId = ORDERS[seq % ORDERS.length]!;
      const end = new Date();
      publishedAt.push(end.getTime());
      publisher.publish(`bench/1010/L${(seq % 3) + 1}/confirmation`, JSON.stringify({
        messageId: `ui-${process.pid}-${seq}`, plant: '1010', line: `L${(seq % 3) + 1}`, orderId, operation: '0010', workCenter: 'WC-L1', material: 'FG-100',
        yield: 1, scrap: 0, unit: 'PC', final: false, start: new Date(end.getTime() - 1000).toISOString(), end: end.toISOString(),
      }), { qos: 1 }, () => { acked++; });
    }
  }, TICK_MS);

  await page.waitForTimeout(WARMUP_S * 1000);
  await takeFrames(page);
  const heapStart = await heapUsedMb(page);
  const measuredFrom = Date.now();
  log(`warm-up ${WARMUP_S} s done: ${publishedAt.length} published, heap ${round1(heapStart)} MB; measuring ${SECONDS} s`);
  const work: number[] = [];
  const gaps: number[] = [];
  for (let elapsed = 0; elapsed < SECONDS; elapsed += 10) {
    await page.waitForTimeout(Math.min(10, SECONDS - elapsed) * 1000);
    const frames = await takeFrames(page);
    work.push(...frames.work);
    gaps.push(...frames.gaps);
  }
  clearInterval(timer);
  timer = undefined;
  const measuredTo = Date.now();
  const heapEnd = await heapUsedMb(page);
  // Let the last published reach the screen (or not) before the latencies are read.
  await page.waitForTimeout(3000);
  const samples = await page.evaluate<PageProbe['samples']>('window.__uiBench.samples');

  // Message k (0-based) is on screen at the first sample whose total is >= k + 1.
  const latencies: number[] = [];
  let notShown = 0;
  let s = 0;
  for (let k = 0; k < publishedAt.length; k++) {
    while (s < samples.length && samples[s]![1] < k + 1) s++;
    const at = publishedAt[k]!;
    if (at < measuredFrom || at > measuredTo) continue;
    if (s >= samples.length) notShown++;
    else latencies.push(samples[s]![0] - at);
  }
  const result = {
    bench: 'ui',
    rate_per_s: RATE,
    achieved_per_s: Math.round(publishedAt.length / ((measuredTo - start) / 1000)),
    seconds: SECONDS,
    warmup_s: WARMUP_S,
    short_run: SECONDS < 3600,
    latency_p50_ms: round1(percentile(latencies, 50)),
    latency_p99_ms: round1(percentile(latencies, 99)),
    not_shown: notShown,
    frame_p95_ms: round1(percentile(work, 95)),
    frame_idle_p95_ms: round1(frameIdleP95),
    ratio: round1(percentile(work, 95) / Math.max(0.1, frameIdleP95)),
    frame_interval_p95_ms: round1(percentile(gaps, 95)),
    frames: work.length,
    heap_start_mb: round1(heapStart),
    heap_end_mb: round1(heapEnd),
    heap_drift_pct: round1(((heapEnd - heapStart) / heapStart) * 100),
    acked,
  };
  log(`measured ${latencies.length} messages (${notShown} not on screen by the end), ${work.length} frames`);
  log(JSON.stringify(result));
} finally {
  if (timer) clearInterval(timer);
  await publisher.endAsync().catch(() => undefined);
  await browser.close();
  agent.child.kill('SIGTERM');
  await agent.exited;
  await erp.stop();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
