// Live line state from OPC UA signals (counts, machine state, current order) and the good-parts rate chart.
import type { LineState, LineStatus, RateSeries } from '../../domain/index.js';
import { counterDelta } from '../../connectors/opcua/counterDelta.js';
import type { LineFreshness } from './freshness.js';

const BUCKET_S = 10;
const WINDOW_POINTS = 60;
const LINE_STATES: readonly LineState[] = ['running', 'idle', 'down'];

interface MutableLine {
  line: string; source: string; state: LineState; stateReason: string; orderId: string | null;
  good: number | null; scrap: number | null; lastDataAt: number | null;
}

export type LineSignal = 'good' | 'scrap' | 'state' | 'stateReason' | 'order';

export class LineMonitor {
  private readonly lines = new Map<string, MutableLine>();
  /** bucket start (ms) -> line -> good parts counted in that bucket */
  private readonly buckets = new Map<number, Map<string, number>>();
  /** Freshness of a line's signals (freshness.ts); every line is fresh until one is given. */
  private freshnessOf: (line: string) => LineFreshness = () => ({ fresh: true, staleSignals: [] });

  constructor(private readonly now: () => number = Date.now) {}

  addLine(line: string, source: string): void {
    this.lines.set(line, { line, source, state: 'unknown', stateReason: '', orderId: null, good: null, scrap: null, lastDataAt: null });
  }

  apply(line: string, signal: LineSignal, value: number | string | null, at: number): void {
    const current = this.lines.get(line);
    if (!current) return;
    current.lastDataAt = at;
    switch (signal) {
      case 'good': {
        const count = typeof value === 'number' ? value : null;
        // The counter rule of the confirmations (counterDelta.ts), without order checks: a live view only.
        if (count !== null && current.good !== null) this.addGood(line, counterDelta({ value: current.good, sourceTime: 0 }, { value: count, sourceTime: 0 }).delta, at);
        current.good = count;
        break;
      }
      case 'scrap':
        current.scrap = typeof value === 'number' ? value : null;
        break;
      case 'state':
        current.state = LINE_STATES.find((s) => s === String(value).toLowerCase()) ?? 'unknown';
        break;
      case 'stateReason':
        current.stateReason = value === null ? '' : String(value);
        break;
      case 'order':
        current.orderId = value === null || value === '' ? null : String(value);
        break;
    }
  }

  private addGood(line: string, parts: number, at: number): void {
    const bucket = Math.floor(at / (BUCKET_S * 1000)) * BUCKET_S * 1000;
    const perLine = this.buckets.get(bucket) ?? new Map<string, number>();
    perLine.set(line, (perLine.get(line) ?? 0) + parts);
    this.buckets.set(bucket, perLine);
    const oldest = bucket - WINDOW_POINTS * BUCKET_S * 1000;
    for (const key of this.buckets.keys()) if (key <= oldest) this.buckets.delete(key);
  }

  useFreshness(freshnessOf: (line: string) => LineFreshness): void {
    this.freshnessOf = freshnessOf;
  }

  statuses(): LineStatus[] {
    return [...this.lines.values()].map((l) => ({ ...l, lastDataAt: l.lastDataAt === null ? null : new Date(l.lastDataAt).toISOString(), ...this.freshnessOf(l.line) }));
  }

  /** Good parts counted per line in fixed buckets over the last ten minutes, zero-filled (RateSeries). */
  rate(): RateSeries {
    const bucketMs = BUCKET_S * 1000;
    const newest = Math.floor(this.now() / bucketMs) * bucketMs;
    const lines = [...this.lines.keys()];
    const points = [];
    for (let i = WINDOW_POINTS - 1; i >= 0; i--) {
      const t = newest - i * bucketMs;
      const counted = this.buckets.get(t);
      points.push({ t, perLine: Object.fromEntries(lines.map((line) => [line, counted?.get(line) ?? 0])) });
    }
    return { bucketS: BUCKET_S, lines, points };
  }
}
