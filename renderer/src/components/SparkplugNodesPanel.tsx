// Sparkplug B edge nodes the host connections have seen: state (icon + text), since when, last message, seq and
// bdSeq, metric count, devices, and why data is refused while a rebirth is awaited.
import type { SparkplugNodeInfo, SparkplugNodeState } from '../../../domain/api';
import { formatAge, formatTime, type StateLook } from './format';
import { StatusBadge } from './StatusBadge';

export const SPARKPLUG_STATE_LOOK: Readonly<Record<SparkplugNodeState, StateLook>> = {
  online: { tone: 'ok', icon: 'check', label: 'Online' },
  stale: { tone: 'warn', icon: 'clock', label: 'Stale' },
  offline: { tone: 'bad', icon: 'cross', label: 'Offline' },
};

export interface SparkplugNodesPanelProps {
  readonly nodes: readonly SparkplugNodeInfo[];
  /** Agent time now (epoch ms), for the age of the last message. */
  readonly now: number;
  readonly loadError: string | null;
}

function ageS(at: string | null, now: number): number | null {
  return at === null ? null : Math.max(0, (now - Date.parse(at)) / 1000);
}

export function SparkplugNodesPanel({ nodes, now, loadError }: SparkplugNodesPanelProps) {
  return (
    <section className="panel sparkplug-panel" aria-label="Sparkplug nodes">
      <h2 className="panel-title">Sparkplug nodes</h2>
      {loadError !== null && <p className="cert-error" role="alert">Could not read Sparkplug nodes: {loadError}</p>}
      {nodes.length === 0 ? (
        <p className="empty">No Sparkplug edge node seen yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="records sparkplug">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">State</th>
                <th scope="col">Since</th>
                <th scope="col" className="right">Last message</th>
                <th scope="col" className="right">Seq</th>
                <th scope="col" className="right">bdSeq</th>
                <th scope="col" className="right">Metrics</th>
                <th scope="col">Devices</th>
                <th scope="col">Rebirth</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <NodeRow key={`${n.source}/${n.group}/${n.node}`} node={n} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NodeRow({ node: n, now }: { readonly node: SparkplugNodeInfo; readonly now: number }) {
  const look = SPARKPLUG_STATE_LOOK[n.state];
  return (
    <tr data-testid="sparkplug-node" data-node={`${n.group}/${n.node}`} data-state={n.state}>
      <td>
        <span className="mono">{n.group}/{n.node}</span>
        <span className="panel-note"> ({n.source})</span>
      </td>
      <td>
        <StatusBadge tone={look.tone} icon={look.icon} label={look.label} />
      </td>
      <td className="num">
        <time dateTime={n.since ?? undefined}>{formatTime(n.since)}</time>
      </td>
      <td className="num right">{n.lastMessageAt === null ? '—' : `${formatAge(ageS(n.lastMessageAt, now))} ago`}</td>
      <td className="num right">{n.seq ?? '—'}</td>
      <td className="num right">{n.bdSeq ?? '—'}</td>
      <td className="num right">{n.metricCount}</td>
      <td className="devices">
        {n.devices.length === 0
          ? '—'
          : n.devices.map((d) => `${d.device} (${SPARKPLUG_STATE_LOOK[d.state].label.toLowerCase()}, ${d.metricCount})`).join(', ')}
      </td>
      <td className="reason" data-testid="sparkplug-rebirth">
        {n.awaitingRebirth === null ? '' : `Awaiting: ${n.awaitingRebirth}${n.rebirthRequestedAt !== null ? `; requested ${formatTime(n.rebirthRequestedAt)}` : ''}`}
      </td>
    </tr>
  );
}
