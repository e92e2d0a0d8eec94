// Health of each plant and ERP connection: kind, name, state (icon + text), endpoint, last error.
import type { ConnectionStatus } from '../../../domain/api';
import { CONNECTION_KIND_LABEL, CONNECTION_STATE_LOOK, formatTime } from './format';
import { StatusBadge } from './StatusBadge';

export interface ConnectionsListProps {
  readonly connections: readonly ConnectionStatus[];
}

export function ConnectionsList({ connections }: ConnectionsListProps) {
  return (
    <section className="panel connections-panel" aria-label="Connections">
      <h2 className="panel-title">Connections</h2>
      {connections.length === 0 ? (
        <p className="empty">No connections reported yet.</p>
      ) : (
        <ul className="connections">
          {connections.map((c) => {
            const look = CONNECTION_STATE_LOOK[c.state];
            return (
              <li key={c.id} className="connection" data-testid="connection" data-kind={c.kind} data-state={c.state}>
                <div className="connection-head">
                  <span className="connection-kind">{CONNECTION_KIND_LABEL[c.kind]}</span>
                  <span className="connection-name">{c.name}</span>
                  <StatusBadge tone={look.tone} icon={look.icon} label={look.label} />
                </div>
                <div className="connection-endpoint" title={c.endpoint}>
                  {c.endpoint}
                </div>
                <div className="connection-since">
                  since <time className="num">{formatTime(c.since)}</time>
                </div>
                {c.warning && (
                  <div className="connection-warning" data-testid="connection-warning">
                    <StatusBadge tone="warn" icon="warning" label="Warning" /> {c.warning}
                  </div>
                )}
                {c.lastError && <div className="connection-error">Last error: {c.lastError}</div>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
