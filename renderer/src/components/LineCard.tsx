// One production line at a glance: state (colour + icon + text), reason, order, good and scrap, data age.
import type { LineStatus } from '../../../domain/api';
import { formatAge, formatCount, LINE_STATE_LOOK } from './format';
import { StatusBadge } from './StatusBadge';

export interface LineCardProps {
  readonly status: LineStatus;
  /** Seconds since the line last sent data; null when it never did. */
  readonly ageS: number | null;
  /** Data older than this is flagged as stale. Default 60 s. */
  readonly staleAfterS?: number;
}

export function LineCard({ status, ageS, staleAfterS = 60 }: LineCardProps) {
  const look = LINE_STATE_LOOK[status.state];
  const stale = ageS === null || ageS > staleAfterS || !status.fresh;
  return (
    <article className={`card line-card line-${status.state}`} data-testid="line-card" data-line={status.line} data-state={status.state} data-fresh={status.fresh}>
      <header className="line-card-head">
        <h2 className="line-name">{status.line}</h2>
        {!status.fresh && (
          <span className="stale-badge" data-testid="stale-badge" title={`No value for 3 expected periods: ${status.staleSignals.join(', ')}`}>
            <StatusBadge tone="warn" icon="clock" label="Stale" />
          </span>
        )}
        <StatusBadge tone={look.tone} icon={look.icon} label={look.label} large />
      </header>
      <p className="line-reason">{status.stateReason || '\u00a0'}</p>
      <dl className="line-order">
        <dt>Order</dt>
        <dd className="num">{status.orderId ?? '—'}</dd>
      </dl>
      <div className="line-counts">
        <div className="count count-good">
          <span className="count-label">Good</span>
          <span className="count-value num" data-testid="good-count">
            {formatCount(status.good)}
          </span>
        </div>
        <div className="count count-scrap">
          <span className="count-label">Scrap</span>
          <span className="count-value num" data-testid="scrap-count">
            {formatCount(status.scrap)}
          </span>
        </div>
      </div>
      <p className={`line-age${stale ? ' stale' : ''}`}>
        Last data <span className="num">{ageS === null ? 'never' : `${formatAge(ageS)} ago`}</span>
        {stale && ageS !== null && <span className="stale-tag"> (stale)</span>}
      </p>
    </article>
  );
}
