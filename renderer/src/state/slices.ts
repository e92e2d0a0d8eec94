// The console store's slices: link to the agent, the live dashboard, the rate chart window.
import type { StateCreator } from 'zustand';
import type { ConnectionStatus, EventSummary, Health, LineStatus, QueueCounts } from '../../../domain/api';
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

export type ConsoleState = LinkSlice & DashboardSlice & RateSlice;
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
