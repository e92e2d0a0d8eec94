// Quality per line and per order: results, failures, first-pass yield, defects; and final confirmations still
// missing a quality record.
import type { QualityGroup, QualitySummary } from '../../../domain/api';
import { Icon } from './Icon';
import { formatCount, formatTime } from './format';

/** Below this first-pass yield a line is flagged. */
export const FPY_WARN_PCT = 95;

/** "1 Mar 08:15": the period starts the day before, so the time alone would mislead. */
function formatDateTime(at: string): string {
  const date = new Date(at);
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${formatTime(at).slice(0, 5)}`;
}

function fpy(group: QualityGroup): string {
  return group.firstPassYieldPct === null ? '—' : `${group.firstPassYieldPct.toFixed(1)} %`;
}

function defects(group: QualityGroup): string {
  return group.defects.length === 0 ? 'none' : group.defects.slice(0, 4).map((d) => `${d.code} × ${d.count}`).join(', ');
}

export function QualityView({ summary, error }: { readonly summary: QualitySummary | null; readonly error: string | null }) {
  if (error) return <p className="cert-error" role="alert">{error}</p>;
  if (!summary) return <p className="empty">Loading quality results…</p>;
  return (
    <>
      <section className="panel" aria-labelledby="quality-lines-title">
        <h2 className="panel-title" id="quality-lines-title">Quality per line <span className="panel-note">since {formatDateTime(summary.since)}</span></h2>
        {summary.lines.length === 0 ? <p className="empty">No quality results in this period.</p> : (
          <div className="quality-cards">
            {summary.lines.map((line) => {
              const low = line.firstPassYieldPct !== null && line.firstPassYieldPct < FPY_WARN_PCT;
              return (
                <div key={line.line} className={`card quality-card ${low ? 'line-idle' : 'line-running'}`} data-testid={`quality-${line.line}`}>
                  <div className="line-card-head"><span className="line-name">{line.line}</span>
                    <span className={`badge ${low ? 'tone-warn' : 'tone-ok'}`}><Icon name={low ? 'warning' : 'check'} /><span>{low ? `Below ${FPY_WARN_PCT} %` : 'On target'}</span></span>
                  </div>
                  <div className="line-counts">
                    <div className="count"><span className="count-label">First-pass yield</span><span className="count-value num">{fpy(line)}</span></div>
                    <div className="count"><span className="count-label">Results</span><span className="count-value num">{formatCount(line.results)}</span></div>
                    <div className="count count-scrap"><span className="count-label">Failed</span><span className="count-value num">{formatCount(line.failed)}</span></div>
                  </div>
                  <p className="line-age">Defects: {defects(line)}</p>
                </div>
              );
            })}
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="quality-orders-title">
        <h2 className="panel-title" id="quality-orders-title">Quality per order</h2>
        {summary.orders.length === 0 ? <p className="empty">No results.</p> : (
          <div className="table-scroll">
            <table className="records">
              <thead><tr><th scope="col">Line</th><th scope="col">Order</th><th scope="col" className="right">Results</th><th scope="col" className="right">Failed</th><th scope="col" className="right">First-pass yield</th><th scope="col">Defects</th></tr></thead>
              <tbody>
                {summary.orders.map((o) => (
                  <tr key={`${o.line}-${o.orderId}`}>
                    <td>{o.line}</td><td className="mono">{o.orderId}</td><td className="right num">{formatCount(o.results)}</td>
                    <td className="right num">{formatCount(o.failed)}</td><td className="right num">{fpy(o)}</td><td>{defects(o)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="quality-missing-title">
        <h2 className="panel-title" id="quality-missing-title">Final confirmations without a quality record</h2>
        {summary.finalsMissingQuality.length === 0 ? <p className="empty"><span className="badge tone-ok"><Icon name="check" /><span>None missing</span></span></p> : (
          <table className="records" data-testid="quality-missing">
            <thead><tr><th scope="col">Received</th><th scope="col">Line</th><th scope="col">Order</th><th scope="col">Operation</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {summary.finalsMissingQuality.map((m) => (
                <tr key={m.eventId}><td className="num">{formatTime(m.receivedAt)}</td><td>{m.line}</td><td className="mono">{m.orderId}</td><td>{m.operation}</td><td>{m.status}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
