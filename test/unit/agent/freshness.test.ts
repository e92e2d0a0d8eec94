import { describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../../domain/index.js';
import { ConfigSchema } from '../../../main/agent/config/schema.js';
import { ConnectionFreshness, Freshness, trackedSignalsFromConfig } from '../../../main/agent/freshness.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';

const T = 1_700_000_000_000;

describe('Freshness', () => {
  it('makes a signal stale after 3 expected periods without a value, and fresh again with the next value', () => {
    let now = T;
    const f = new Freshness(() => now);
    f.track({ source: 'plc', line: 'L1', role: 'good', expectedPeriodMs: 1000 });
    f.track({ source: 'plc', line: 'L1', role: 'order', expectedPeriodMs: 0 });
    f.seen('plc', 'L1', 'good', T);
    now = T + 3000;
    expect(f.line('L1')).toEqual({ fresh: true, staleSignals: [] });
    now = T + 3001;
    expect(f.line('L1')).toEqual({ fresh: false, staleSignals: ['good'] });
    expect(f.describeSource('plc')).toBe('stale: no value from L1 good for 3 expected periods (1 s each)');
    f.seen('plc', 'L1', 'good', now);
    expect(f.line('L1').fresh).toBe(true);
    expect(f.describeSource('plc')).toBeNull();
    // A signal with period 0 is never checked.
    now = T + 10_000_000;
    expect(f.line('L1').staleSignals).toEqual(['good']);
  });

  it('counts from the start for a signal that never sends a value', () => {
    let now = T;
    const f = new Freshness(() => now);
    f.track({ source: 'plc', line: 'L2', role: 'scrap', expectedPeriodMs: 500 });
    now = T + 1501;
    expect(f.line('L2')).toEqual({ fresh: false, staleSignals: ['scrap'] });
  });

  it('calls onChange only when a signal turns stale or fresh', () => {
    vi.useFakeTimers({ now: T });
    try {
      const f = new Freshness();
      f.track({ source: 'plc', line: 'L1', role: 'good', expectedPeriodMs: 1000 });
      const onChange = vi.fn();
      f.start(onChange, 100);
      vi.advanceTimersByTime(2900);
      expect(onChange).not.toHaveBeenCalled();
      vi.advanceTimersByTime(300);
      expect(onChange).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(5000);
      expect(onChange).toHaveBeenCalledTimes(1);
      f.seen('plc', 'L1', 'good', Date.now());
      vi.advanceTimersByTime(100);
      expect(onChange).toHaveBeenCalledTimes(2);
      f.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('feeds the line status: fresh and the stale signals', () => {
    let now = T;
    const f = new Freshness(() => now);
    f.track({ source: 'plc', line: 'L1', role: 'good', expectedPeriodMs: 1000 });
    const lines = new LineMonitor(() => now);
    lines.addLine('L1', 'plc');
    lines.useFreshness((line) => f.line(line));
    expect(lines.statuses()[0]).toMatchObject({ fresh: true, staleSignals: [] });
    now = T + 5000;
    expect(lines.statuses()[0]).toMatchObject({ fresh: false, staleSignals: ['good'] });
  });

  it('does not expect counters to change while the line says idle or down and its source is connected', () => {
    let now = T;
    const f = new Freshness(() => now);
    f.track({ source: 'plc', line: 'L1', role: 'good', expectedPeriodMs: 1000 });
    f.setConnected('plc', true);
    f.seen('plc', 'L1', 'good', T);
    f.seen('plc', 'L1', 'state', T, 'running');
    f.seen('plc', 'L1', 'state', T + 500, 'down');
    now = T + 60_000;
    expect(f.line('L1').fresh).toBe(true);
    // Running again: the counter's periods count from the restart, not from its last value a minute ago.
    f.seen('plc', 'L1', 'state', now, 'running');
    now += 3000;
    expect(f.line('L1').fresh).toBe(true);
    now += 1;
    expect(f.line('L1')).toEqual({ fresh: false, staleSignals: ['good'] });
    // A stopped line whose source is gone: its counters are stale like any signal without values.
    f.seen('plc', 'L1', 'state', now, 'idle');
    expect(f.line('L1').fresh).toBe(true);
    f.setConnected('plc', false);
    expect(f.line('L1').fresh).toBe(false);
  });

  it('tracks the configured periods: good 5 s by default, scrap, state and order not checked unless set', () => {
    const config = ConfigSchema.parse({
      plant: '1010', erp: { kind: 'sap-odata', baseUrl: 'http://127.0.0.1:1' },
      opcua: [{ name: 'plc', endpoint: 'opc.tcp://127.0.0.1:4840', lines: [
        { line: 'L1', good: 'g', scrap: 's', state: 'st', order: 'o' },
        { line: 'L2', good: 'g2', scrap: 's2', state: 'st2', expectedPeriodMs: { good: 1000, scrap: 30_000, state: 60_000 } },
      ] }],
    });
    expect(trackedSignalsFromConfig(config.opcua).map((s) => `${s.line}.${s.role}:${s.expectedPeriodMs}`)).toEqual([
      'L1.good:5000', 'L1.scrap:0', 'L1.state:0', 'L1.order:0', 'L2.good:1000', 'L2.scrap:30000', 'L2.state:60000',
    ]);
  });
});

describe('ConnectionFreshness', () => {
  it('shows stale while the socket is connected and signals are stale, whatever the socket says', () => {
    const states: [ConnectionState, string | undefined][] = [];
    const c = new ConnectionFreshness((state, error) => states.push([state, error]));
    c.socket('connected');
    c.stale('stale: no value from L1 good');
    c.socket('connected'); // the socket insists it is fine
    c.stale(null);
    expect(states).toEqual([
      ['connected', undefined],
      ['stale', 'stale: no value from L1 good'],
      ['stale', 'stale: no value from L1 good'],
      ['connected', undefined],
    ]);
  });

  it('shows the socket state while the socket is not connected, and stale once it is', () => {
    const states: ConnectionState[] = [];
    const c = new ConnectionFreshness((state) => states.push(state));
    c.socket('disconnected', 'connection lost');
    c.stale('stale: no value from L1 good');
    c.socket('connecting');
    c.socket('connected');
    expect(states).toEqual(['disconnected', 'connecting', 'stale']);
  });
});
