// Every OPC UA source, MQTT broker and the ERP: state (colour + icon + text), data freshness, latency, the last
// error in plain words and certificate days to expiry.
import type { ConnectionStatus } from '../../../domain/api';
import { StatusBadge } from './StatusBadge';
import { CONNECTION_KIND_LABEL, CONNECTION_STATE_LOOK, formatAge, formatCount } from './format';
import { plainError } from './plainWords';

export interface ConnectionRow {
  readonly status: ConnectionStatus;
  /** Seconds since the last data, in the agent's time; null before the first. */
  readonly dataAgeS: number | null;
  /** Mean request time in ms where known (the ERP); null otherwise. */
  readonly latencyMs: number | null;
  /** Days until the server certificate this source presented expires; null when none is known. */
  readonly certificateDays: number | null;
}

/** Under this many days a certificate is shown as a warning (node-opcua's servers renew yearly). */
export const CERTIFICATE_WARN_DAYS = 30;

export function ConnectionsTable({ rows }: { readonly rows: readonly ConnectionRow[] }) {
  return (
    <section className="panel" aria-labelledby="connections-title">
      <h2 className="panel-title" id="connections-title">Connections</h2>
      {rows.length === 0 ? (
        <p className="empty">No connection configured.</p>
      ) : (
        <div className="table-scroll">
          <table className="records conn-table">
            <thead>
              <tr>
                <th scope="col">Kind</th><th scope="col">Name</th><th scope="col">State</th>
                <th scope="col" className="right">Last data</th><th scope="col" className="right">Latency</th>
                <th scope="col" className="right">Certificate</th><th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ status, dataAgeS, latencyMs, certificateDays }) => {
                const look = CONNECTION_STATE_LOOK[status.state];
                const plain = plainError(status.lastError);
                const certWarn = certificateDays !== null && certificateDays < CERTIFICATE_WARN_DAYS;
                return (
                  <tr key={status.id} data-testid={`conn-${status.id}`}>
                    <td>{CONNECTION_KIND_LABEL[status.kind]}</td>
                    <td><span className="conn-name">{status.name}</span><br /><span className="connection-endpoint">{status.endpoint}</span></td>
                    <td><StatusBadge tone={look.tone} icon={look.icon} label={look.label} /></td>
                    <td className="right num">{dataAgeS === null ? 'none yet' : `${formatAge(dataAgeS)} ago`}</td>
                    <td className="right num">{latencyMs === null ? '—' : `${formatCount(latencyMs)} ms`}</td>
                    <td className={`right num${certWarn ? ' tone-warn' : ''}`}>{certificateDays === null ? '—' : `${certWarn ? '⚠ ' : ''}${formatCount(certificateDays)} days`}</td>
                    <td className="conn-error" title={status.lastError ?? undefined}>
                      {plain ?? <span className="muted">none</span>}
                      {status.warning ? <div className="connection-warning">{status.warning}</div> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
