// Formatting shared by the presentational components: counts, ages, times, state labels.
import type { ConnectionKind, ConnectionState, LineState } from '../../../domain/api';
import type { LinkState } from '../api/wsTypes';
import type { IconName } from './Icon';
import type { Tone } from './StatusBadge';

export interface StateLook {
  readonly tone: Tone;
  readonly icon: IconName;
  readonly label: string;
}

export const LINE_STATE_LOOK: Readonly<Record<LineState, StateLook>> = {
  running: { tone: 'ok', icon: 'play', label: 'Running' },
  idle: { tone: 'warn', icon: 'pause', label: 'Idle' },
  down: { tone: 'bad', icon: 'stop', label: 'Down' },
  unknown: { tone: 'neutral', icon: 'question', label: 'Unknown' },
};

export const CONNECTION_STATE_LOOK: Readonly<Record<ConnectionState, StateLook>> = {
  connected: { tone: 'ok', icon: 'check', label: 'Connected' },
  connecting: { tone: 'busy', icon: 'dots', label: 'Connecting' },
  disconnected: { tone: 'warn', icon: 'cross', label: 'Disconnected' },
  error: { tone: 'bad', icon: 'warning', label: 'Error' },
  stale: { tone: 'warn', icon: 'clock', label: 'Stale' },
};

export const LINK_STATE_LOOK: Readonly<Record<LinkState, StateLook>> = {
  open: { tone: 'ok', icon: 'check', label: 'Agent connected' },
  connecting: { tone: 'busy', icon: 'dots', label: 'Connecting to agent' },
  closed: { tone: 'bad', icon: 'cross', label: 'Agent unreachable' },
};

export const CONNECTION_KIND_LABEL: Readonly<Record<ConnectionKind, string>> = { opcua: 'OPC UA', mqtt: 'MQTT', erp: 'ERP' };

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12,345 or an em dash when unknown. */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : counts.format(n);
}

/** "4 s", "3 min", "2 h 5 min", "3 d"; an em dash when unknown. */
export function formatAge(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d`;
}

/** Local wall-clock time HH:MM:SS (24 h) of an ISO timestamp or epoch ms. */
export function formatTime(at: string | number | null): string {
  if (at === null) return '—';
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
