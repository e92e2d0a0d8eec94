// The console store's slices: link to the agent, the live dashboard, the rate chart window.
import type { StateCreator } from 'zustand';
import type { AuthStatus, ConnectionStatus, EventSummary, Health, LineStatus, QueueCounts, SessionInfo } from '../../../domain/api';
import type { LinkState } from '../api/wsTypes';
import type { ChartData } from './rateWindow';

export interface LinkSlice {
  readonly link: LinkState;
  /** Local epoch ms of the last link state change. */
  readonly linkSince: number;
  readonly health: Health | null;
}

export interface DashboardSlice {
  /** Agent time of the snapshot shown, ISO; null until the first one arrives. */
  readonly snapshotAt: string | null;
  /** Agent clock minus local clock, so ages are computed in the agent's time. */
  readonly clockOffsetMs: number;
  readonly lines: readonly LineStatus[];
  readonly queue: QueueCounts | null;
  readonly connections: readonly ConnectionStatus[];
  readonly recent: readonly EventSummary[];
}

export interface RateSlice {
  readonly chart: ChartData;
}

/** Who is logged in (token in memory only, never in storage) and whether the login form is asked for. */
export interface AuthSlice {
  readonly session: SessionInfo | null;
  readonly authStatus: AuthStatus | null;
  /** The login form is open; with the reason it was opened for (e.g. "your session expired ..."), if any. */
  readonly loginPrompt: { readonly reason: string | null } | null;
}

export type ConsoleState = LinkSlice & DashboardSlice & RateSlice & AuthSlice;
type Slice<T> = StateCreator<ConsoleState, [], [], T>;

export const createLinkSlice: Slice<LinkSlice> = () => ({ link: 'connecting', linkSince: Date.now(), health: null });

export const createDashboardSlice: Slice<DashboardSlice> = () => ({
  snapshotAt: null,
  clockOffsetMs: 0,
  lines: [],
  queue: null,
  connections: [],
  recent: [],
});

export const createRateSlice: Slice<RateSlice> = () => ({ chart: { bucketS: 60, series: [], rows: [] } });

export const createAuthSlice: Slice<AuthSlice> = () => ({ session: null, authStatus: null, loginPrompt: null });
