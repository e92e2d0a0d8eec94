// Types of the demo line model (line configuration, orders, snapshots, events) and the demo's
// default lines: L1 0.8 s, L2 1.2 s, L3 0.5 s per part.

export type MachineState = 'running' | 'idle' | 'down';

export interface LineConfig {
  readonly line: string;
  /** Mean seconds per part at speed 1. */
  readonly cycleSeconds: number;
  /** Fraction of parts that are scrap, e.g. 0.03. */
  readonly scrapRate: number;
  /** Start values, e.g. near 2^32 to exercise a client's rollover handling. Default 0. */
  readonly initialGoodCount?: number;
  readonly initialScrapCount?: number;
}

export interface LineOrder {
  readonly orderId: string;
  readonly operation: string;
  readonly workCenter: string;
  readonly material: string;
  readonly unit: string;
  readonly quantity: number;
}

export interface LineSnapshot {
  readonly line: string;
  readonly order: LineOrder;
  readonly goodCount: number;
  readonly scrapCount: number;
  readonly state: MachineState;
  /** '' while running. */
  readonly stateReason: string;
  readonly stateSince: Date;
  /** When goodCount or scrapCount last changed. */
  readonly countsChangedAt: Date;
}

export interface ProducedEvent {
  readonly line: string;
  readonly orderId: string;
  readonly kind: 'good' | 'scrap';
  readonly at: Date;
  readonly goodCount: number;
  readonly scrapCount: number;
}

export interface StateEvent {
  readonly line: string;
  readonly state: MachineState;
  readonly reason: string;
  readonly at: Date;
}

export interface LineModelOptions {
  /** Simulated seconds per real second. Default 1. */
  readonly speed?: number;
  /** Real milliseconds between ticks. Default 100. */
  readonly tickMs?: number;
  /** Default: L1 0.8 s, L2 1.2 s, L3 0.5 s, scrap 2–5 %. */
  readonly lines?: readonly LineConfig[];
  /** Seed for the built-in PRNG, so a run can be replayed. Default: time-based. */
  readonly seed?: number;
  /** Replaces the PRNG entirely (values in [0, 1)). */
  readonly random?: () => number;
}

export const DEFAULT_LINES: readonly LineConfig[] = [
  { line: 'L1', cycleSeconds: 0.8, scrapRate: 0.03 },
  { line: 'L2', cycleSeconds: 1.2, scrapRate: 0.05 },
  { line: 'L3', cycleSeconds: 0.5, scrapRate: 0.02 },
];
