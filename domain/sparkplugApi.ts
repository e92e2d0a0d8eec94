// The Sparkplug B part of the PlantDesk API: the edge nodes and devices PlantDesk's Sparkplug host connections
// have seen, with their liveness. Re-exported by api.ts.

/** online: born and heard from recently; stale: born but silent, or the host lost its broker since; offline: dead. */
export type SparkplugNodeState = 'online' | 'stale' | 'offline';

export interface SparkplugDeviceInfo {
  readonly device: string;
  /** offline when the node is, stale when the node is. */
  readonly state: SparkplugNodeState;
  /** When the DBIRTH or DDEATH that set the current online/offline state arrived; null before either. */
  readonly since: string | null;
  readonly lastMessageAt: string | null;
  readonly metricCount: number;
}

export interface SparkplugNodeInfo {
  /** The `sparkplug:` connection of the configuration that sees this node. */
  readonly source: string;
  readonly group: string;
  readonly node: string;
  readonly state: SparkplugNodeState;
  /** When the NBIRTH or NDEATH that set the current online/offline state arrived; null before either. */
  readonly since: string | null;
  readonly lastMessageAt: string | null;
  /** Why the node's data is refused until its next NBIRTH (e.g. "seq gap: expected 2, got 3"); null when all is well. */
  readonly awaitingRebirth: string | null;
  /** When PlantDesk last sent the node an NCMD rebirth request; null when it has not since the last NBIRTH. */
  readonly rebirthRequestedAt: string | null;
  /** bdSeq of the current NBIRTH (or of the last NDEATH); a decimal string beyond 2^53. */
  readonly bdSeq: number | string | null;
  /** Last sequence number accepted (0–255). */
  readonly seq: number | null;
  /** Metrics declared in the current NBIRTH. */
  readonly metricCount: number;
  readonly devices: readonly SparkplugDeviceInfo[];
}
