// Module-level actions: the only writers of the console store. Data pushed from the agent lands here.
import type { DashboardSnapshot, Health, RateSeries } from '../../../domain/api';
import type { LinkState } from '../api/wsTypes';
import { toChartData } from './rateWindow';
import type { DashboardSlice } from './slices';
import { initialConsoleState, useConsoleStore } from './store';

/** The chart gets a new array at most this often, however fast snapshots arrive. */
export const RATE_MIN_INTERVAL_MS = 250;

let lastRateBuildMs = Number.NEGATIVE_INFINITY;
let lastRateSignature = '';
let pendingRate: { rate: RateSeries; atMs: number } | null = null;
let rateTimer: ReturnType<typeof setTimeout> | null = null;

/** Applies a dashboard snapshot; older snapshots (e.g. a slow getDashboard answer) are ignored. */
export function applySnapshot(snapshot: DashboardSnapshot): void {
  const state = useConsoleStore.getState();
  if (state.snapshotAt !== null && Date.parse(snapshot.at) < Date.parse(state.snapshotAt)) return;
  const next: Partial<DashboardSlice> = {
    snapshotAt: snapshot.at,
    clockOffsetMs: Date.parse(snapshot.at) - Date.now(),
    // Unchanged parts keep their reference, so their components do not re-render.
    lines: same(state.lines, snapshot.lines),
    queue: same(state.queue, snapshot.queue),
    connections: same(state.connections, snapshot.connections),
    recent: same(state.recent, snapshot.recent),
  };
  useConsoleStore.setState(next);
  offerRate({ rate: snapshot.rate, atMs: Date.parse(snapshot.at) });
}

export function setLinkState(link: LinkState): void {
  if (useConsoleStore.getState().link !== link) useConsoleStore.setState({ link, linkSince: Date.now() });
}

export function setHealth(health: Health): void {
  useConsoleStore.setState({ health });
}

/** Back to the initial state and no pending chart update (tests). */
export function resetConsoleState(): void {
  if (rateTimer) clearTimeout(rateTimer);
  rateTimer = null;
  pendingRate = null;
  lastRateBuildMs = Number.NEGATIVE_INFINITY;
  lastRateSignature = '';
  useConsoleStore.setState({ ...initialConsoleState, linkSince: Date.now() }, true);
}

function offerRate(next: { rate: RateSeries; atMs: number }): void {
  pendingRate = next;
  if (rateTimer) return;
  const waitMs = lastRateBuildMs + RATE_MIN_INTERVAL_MS - Date.now();
  if (waitMs <= 0) flushRate();
  else rateTimer = setTimeout(flushRate, waitMs);
}

function flushRate(): void {
  rateTimer = null;
  const next = pendingRate;
  pendingRate = null;
  if (!next) return;
  lastRateBuildMs = Date.now();
  const chart = toChartData(next.rate, next.atMs);
  // A few KB at most 4 times a second: cheaper than re-rendering an unchanged chart.
  const signature = JSON.stringify(chart);
  if (signature === lastRateSignature) return;
  lastRateSignature = signature;
  useConsoleStore.setState({ chart });
}

function same<T>(previous: T, next: T): T {
  return JSON.stringify(previous) === JSON.stringify(next) ? previous : next;
}
