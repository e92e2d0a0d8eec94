// Freshness of OPC UA signals: each signal has an expected update period and is stale after 3 periods without a
// value, whatever the socket says. Lines and connections show it (LineStatus.fresh, connection state 'stale').
// One exception: a line that reports idle or down makes no parts, so its counters are not expected to change while
// it says so (and the source is connected); once it runs again their periods count from then.
import type { ConnectionState } from '../../domain/index.js';
import type { AgentConfig } from './config/schema.js';

/** A signal is stale after this many expected periods without a value. */
export const STALE_AFTER_PERIODS = 3;

export interface TrackedSignal {
  readonly source: string;
  readonly line: string;
  /** 'good', 'scrap', 'state', ... */
  readonly role: string;
  /** 0: not checked (a signal that changes only on events, e.g. the order number). */
  readonly expectedPeriodMs: number;
}

export interface LineFreshness {
  readonly fresh: boolean;
  /** Roles of the line's stale signals, e.g. ['good', 'scrap']. */
  readonly staleSignals: readonly string[];
}

interface SignalClock extends TrackedSignal {
  /** Last value received, or when tracking started: a signal that never sends goes stale as well. */
  lastAt: number;
}

const key = (source: string, line: string, role: string): string => `${source}\0${line}\0${role}`;
const COUNTER_ROLES: ReadonlySet<string> = new Set(['good', 'scrap']);

export class Freshness {
  private readonly signals = new Map<string, SignalClock>();
  private timer: NodeJS.Timeout | undefined;
  private lastVerdict = '';
  /** Per line (source + line): whether its state signal last said running, and since when. */
  private readonly runs = new Map<string, { running: boolean; since: number }>();
  private readonly connected = new Map<string, boolean>();

  constructor(private readonly now: () => number = Date.now) {}

  track(signal: TrackedSignal): void {
    if (signal.expectedPeriodMs > 0) this.signals.set(key(signal.source, signal.line, signal.role), { ...signal, lastAt: this.now() });
  }

  /** A value arrived (agent clock); the value matters for the line's state signal. */
  seen(source: string, line: string, role: string, at: number, value?: number | string | null): void {
    const signal = this.signals.get(key(source, line, role));
    if (signal && at > signal.lastAt) signal.lastAt = at;
    if (role === 'state') {
      const running = String(value).toLowerCase() === 'running';
      const runKey = key(source, line, '');
      const before = this.runs.get(runKey);
      this.runs.set(runKey, { running, since: running && before?.running ? before.since : at });
    }
  }

  /** The source's socket state: a line's idle or down counts only while its source is connected. */
  setConnected(source: string, connected: boolean): void {
    this.connected.set(source, connected);
  }

  isStale(signal: TrackedSignal & { readonly lastAt: number }, now: number = this.now()): boolean {
    let since = signal.lastAt;
    const run = COUNTER_ROLES.has(signal.role) && this.connected.get(signal.source) === true ? this.runs.get(key(signal.source, signal.line, '')) : undefined;
    if (run) {
      if (!run.running) return false;
      since = Math.max(since, run.since);
    }
    return now - since > STALE_AFTER_PERIODS * signal.expectedPeriodMs;
  }

  line(line: string, now: number = this.now()): LineFreshness {
    const staleSignals = [...this.signals.values()].filter((s) => s.line === line && this.isStale(s, now)).map((s) => s.role);
    return { fresh: staleSignals.length === 0, staleSignals };
  }

  /** Plain words for a source's stale signals, or null when all are fresh. */
  describeSource(source: string, now: number = this.now()): string | null {
    const stale = [...this.signals.values()].filter((s) => s.source === source && this.isStale(s, now));
    if (stale.length === 0) return null;
    const names = stale.map((s) => `${s.line} ${s.role}`).join(', ');
    return `stale: no value from ${names} for ${STALE_AFTER_PERIODS} expected periods (${formatPeriods(stale)} each)`;
  }

  /** Checks every checkEveryMs and calls onChange when any signal turned stale or fresh. */
  start(onChange: () => void, checkEveryMs = 500): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const now = this.now();
      const verdict = [...this.signals.entries()].filter(([, s]) => this.isStale(s, now)).map(([k]) => k).join('\n');
      if (verdict === this.lastVerdict) return;
      this.lastVerdict = verdict;
      onChange();
    }, checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function formatPeriods(signals: readonly TrackedSignal[]): string {
  const periods = [...new Set(signals.map((s) => s.expectedPeriodMs))].sort((a, b) => a - b);
  return periods.map((p) => (p % 1000 === 0 ? `${p / 1000} s` : `${p} ms`)).join(' / ');
}

/**
 * The state a connection shows: what the socket says, except that a connected source whose signals are stale is
 * 'stale'. Wraps the registry's setState for one connection.
 */
export class ConnectionFreshness {
  private socketState: ConnectionState = 'connecting';
  private staleWhy: string | null = null;

  constructor(private readonly setState: (state: ConnectionState, error?: string) => void) {}

  /** From the connector's status listener. */
  socket(state: ConnectionState, error?: string): void {
    this.socketState = state;
    if (state === 'connected' && this.staleWhy !== null) this.setState('stale', this.staleWhy);
    else this.setState(state, error);
  }

  /** From the freshness check: why the source is stale, or null when it is fresh. */
  stale(why: string | null): void {
    const was = this.staleWhy;
    this.staleWhy = why;
    if (this.socketState !== 'connected') return;
    if (why !== null && why !== was) this.setState('stale', why);
    else if (why === null && was !== null) this.setState('connected');
  }
}

/** The signals of a configuration with their expected periods (per line: counters, state, order). */
export function trackedSignalsFromConfig(opcua: AgentConfig['opcua']): TrackedSignal[] {
  return opcua.flatMap((source) => source.lines.flatMap((l) => {
    const periods = l.expectedPeriodMs;
    const roles: [string, string | undefined, number][] = [
      ['good', l.good, periods.good], ['scrap', l.scrap, periods.scrap],
      ['state', l.state, periods.state], ['stateReason', l.stateReason, periods.state], ['order', l.order, periods.order],
    ];
    return roles.filter(([, nodeId]) => nodeId !== undefined).map(([role, , expectedPeriodMs]) => ({ source: source.name, line: l.line, role, expectedPeriodMs }));
  }));
}
