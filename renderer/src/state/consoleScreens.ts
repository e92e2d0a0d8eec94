// State of the issue-7 screens that is not the agent's snapshot: the theme (remembered in localStorage) and a
// fixed window of ERP throughput sampled from the snapshots' posted count. A store of its own, so the dashboard
// store stays as it is; writes only through the module-level actions below.
import { create } from 'zustand';

export type Theme = 'dark' | 'light';
export const THEME_STORAGE_KEY = 'plantdesk.theme';

/** One point per bucket: confirmations posted per minute in it. */
export interface ThroughputPoint {
  readonly t: number;
  readonly postedPerMin: number;
}

export const THROUGHPUT_BUCKET_MS = 30_000;
/** 30 minutes of 30-second buckets. */
export const THROUGHPUT_WINDOW = 60;

export interface ScreensState {
  readonly theme: Theme;
  readonly throughput: readonly ThroughputPoint[];
}

function storedTheme(): Theme {
  try {
    return globalThis.localStorage?.getItem(THEME_STORAGE_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

export const useScreensStore = create<ScreensState>()(() => ({ theme: storedTheme(), throughput: [] }));

function applyTheme(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme;
}
applyTheme(useScreensStore.getState().theme);

export function setTheme(theme: Theme): void {
  try {
    globalThis.localStorage?.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Private mode or storage full: the theme still changes for this session.
  }
  applyTheme(theme);
  useScreensStore.setState({ theme });
}

export function toggleTheme(): void {
  setTheme(useScreensStore.getState().theme === 'dark' ? 'light' : 'dark');
}

let current: { bucket: number; firstPosted: number; lastPosted: number; firstAt: number; lastAt: number } | null = null;

/**
 * Feeds the posted count of each snapshot; a point is added when its 30 s bucket closes, so the chart gets a
 * new array at most twice a minute however fast snapshots arrive. A falling count (a restored store) restarts.
 */
export function samplePosted(posted: number, atMs: number): void {
  const bucket = Math.floor(atMs / THROUGHPUT_BUCKET_MS);
  if (current && (posted < current.lastPosted || bucket < current.bucket)) current = null;
  if (!current) {
    current = { bucket, firstPosted: posted, lastPosted: posted, firstAt: atMs, lastAt: atMs };
    return;
  }
  if (bucket === current.bucket) {
    current.lastPosted = posted;
    current.lastAt = atMs;
    return;
  }
  // The bucket closed: the rate from its first to this sample (which spans the boundary, so no post is lost).
  const minutes = Math.max(1, atMs - current.firstAt) / 60_000;
  const point = { t: current.bucket * THROUGHPUT_BUCKET_MS, postedPerMin: Math.round(((posted - current.firstPosted) / minutes) * 10) / 10 };
  const next = [...useScreensStore.getState().throughput, point].slice(-THROUGHPUT_WINDOW);
  useScreensStore.setState({ throughput: next });
  current = { bucket, firstPosted: posted, lastPosted: posted, firstAt: atMs, lastAt: atMs };
}

/** Tests: back to no samples. */
export function resetScreensState(): void {
  current = null;
  useScreensStore.setState({ throughput: [] });
}
