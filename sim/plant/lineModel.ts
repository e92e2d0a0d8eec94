// In-process model of the demo plant's production lines: parts, scrap, downtime and idle spells.
// Both the OPC UA server and the MES publisher read from it, so counters and confirmations agree.

import { EventEmitter } from 'node:events';
import { DEMO_ORDERS } from '../demoData.js';
import { DEFAULT_LINES, type LineConfig, type LineModelOptions, type LineOrder, type LineSnapshot, type MachineState, type ProducedEvent, type StateEvent } from './lineTypes.js';

export * from './lineTypes.js';

const UINT32 = 2 ** 32;
const JITTER = 0.15;
// Mean simulated seconds of running before a stop, and how long stops last. Frequent enough that a
// few minutes of demo show every state, rare enough that the lines mostly run.
const MEAN_RUN_BEFORE_DOWN_S = 90;
const MEAN_RUN_BEFORE_IDLE_S = 120;
const DOWN_S: readonly [number, number] = [3, 10];
const IDLE_S: readonly [number, number] = [2, 6];
const DOWN_REASONS = ['jam', 'material shortage', 'tool change', 'sensor fault'] as const;
const IDLE_REASONS = ['waiting for operator', 'blocked downstream', 'no material'] as const;

interface LineRuntime {
  readonly config: LineConfig;
  readonly order: LineOrder;
  good: number;
  scrap: number;
  state: MachineState;
  reason: string;
  stateSince: Date;
  countsChangedAt: Date;
  /** Simulated ms accumulated towards the current part. */
  progressMs: number;
  nextCycleMs: number;
  /** Simulated ms until an idle/down spell ends. */
  stopRemainingMs: number;
}

/** mulberry32: tiny, fast and good enough for a demo; Math.random cannot be seeded. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32;
  };
}

function orderFor(line: string): LineOrder {
  const o = DEMO_ORDERS.find((d) => d.line === line && d.status === 'released');
  if (!o) throw new Error(`no released demo order for line ${line}`);
  return { orderId: o.orderId, operation: o.operation, workCenter: o.workCenter, material: o.material, unit: o.unit, quantity: o.quantity };
}

/**
 * Counts parts on each line with one timer. Emits 'produced' (ProducedEvent) per part and 'state'
 * (StateEvent) per machine state change.
 * @example const m = new LineModel({ speed: 10 }); m.on('produced', (e) => ...); m.start(); ...; m.stop();
 */
export class LineModel extends EventEmitter<{ produced: [ProducedEvent]; state: [StateEvent] }> {
  readonly speed: number;
  readonly tickMs: number;
  private readonly rnd: () => number;
  private readonly runtimes = new Map<string, LineRuntime>();
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;

  constructor(options: LineModelOptions = {}) {
    super();
    this.speed = options.speed ?? 1;
    this.tickMs = options.tickMs ?? 100;
    if (!(this.speed > 0)) throw new RangeError('speed must be > 0');
    if (!(this.tickMs > 0)) throw new RangeError('tickMs must be > 0');
    this.rnd = options.random ?? seededRandom(options.seed ?? Date.now());
    const now = new Date();
    for (const config of options.lines ?? DEFAULT_LINES) {
      this.runtimes.set(config.line, {
        config,
        order: orderFor(config.line),
        good: (config.initialGoodCount ?? 0) % UINT32,
        scrap: (config.initialScrapCount ?? 0) % UINT32,
        state: 'running',
        reason: '',
        stateSince: now,
        countsChangedAt: now,
        progressMs: 0,
        nextCycleMs: this.drawCycleMs(config),
        stopRemainingMs: 0,
      });
    }
  }

  get lines(): string[] {
    return [...this.runtimes.keys()];
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  snapshot(line: string): LineSnapshot {
    const r = this.runtimes.get(line);
    if (!r) throw new Error(`unknown line ${line}`);
    return {
      line,
      order: r.order,
      goodCount: r.good,
      scrapCount: r.scrap,
      state: r.state,
      stateReason: r.reason,
      stateSince: r.stateSince,
      countsChangedAt: r.countsChangedAt,
    };
  }

  start(): void {
    if (this.timer) return;
    this.lastTick = Date.now();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    // A forgotten model must not keep a process (or a test runner) alive.
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Advances every line by `realMs` of wall time; the timer calls this, tests may too. */
  advance(realMs: number): void {
    const simMs = realMs * this.speed;
    const at = new Date();
    for (const r of this.runtimes.values()) this.advanceLine(r, simMs, at);
  }

  private tick(): void {
    // Measure real elapsed time instead of trusting the interval: timers drift and stall under load.
    const now = Date.now();
    const elapsed = Math.max(0, now - this.lastTick);
    this.lastTick = now;
    this.advance(elapsed);
  }

  private advanceLine(r: LineRuntime, simMs: number, at: Date): void {
    let left = simMs;
    while (left > 0) {
      if (r.state !== 'running') {
        const step = Math.min(left, r.stopRemainingMs);
        r.stopRemainingMs -= step;
        left -= step;
        if (r.stopRemainingMs <= 0) this.setState(r, 'running', '', at);
        continue;
      }
      // Stops are decided per simulated second of running, so their rate does not depend on tickMs.
      const step = Math.min(left, 1000);
      left -= step;
      this.produce(r, step, at);
      const perMs = step / 1000;
      const u = this.rnd();
      if (u < perMs / MEAN_RUN_BEFORE_DOWN_S) {
        this.stopFor(r, 'down', this.pick(DOWN_REASONS), DOWN_S, at);
      } else if (u < perMs / MEAN_RUN_BEFORE_DOWN_S + perMs / MEAN_RUN_BEFORE_IDLE_S) {
        this.stopFor(r, 'idle', this.pick(IDLE_REASONS), IDLE_S, at);
      }
    }
  }

  private produce(r: LineRuntime, simMs: number, at: Date): void {
    r.progressMs += simMs;
    while (r.progressMs >= r.nextCycleMs) {
      r.progressMs -= r.nextCycleMs;
      r.nextCycleMs = this.drawCycleMs(r.config);
      const kind = this.rnd() < r.config.scrapRate ? 'scrap' : 'good';
      // UInt32 on the wire: wrap like a PLC counter rather than overflow the data type.
      if (kind === 'good') r.good = (r.good + 1) % UINT32;
      else r.scrap = (r.scrap + 1) % UINT32;
      r.countsChangedAt = at;
      this.emit('produced', { line: r.config.line, orderId: r.order.orderId, kind, at, goodCount: r.good, scrapCount: r.scrap });
    }
  }

  private stopFor(r: LineRuntime, state: MachineState, reason: string, range: readonly [number, number], at: Date): void {
    r.stopRemainingMs = (range[0] + this.rnd() * (range[1] - range[0])) * 1000;
    this.setState(r, state, reason, at);
  }

  private setState(r: LineRuntime, state: MachineState, reason: string, at: Date): void {
    r.state = state;
    r.reason = reason;
    r.stateSince = at;
    this.emit('state', { line: r.config.line, state, reason, at });
  }

  private drawCycleMs(config: LineConfig): number {
    return config.cycleSeconds * 1000 * (1 + (this.rnd() * 2 - 1) * JITTER);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)] as T;
  }
}
