// Shown while the ERP cannot be reached: since when, how many records wait in the buffer, and that none is lost.
import { Icon } from './Icon';
import { formatAge, formatCount, formatTime } from './format';

export interface ErpOfflineBannerProps {
  readonly erp: 'online' | 'retrying' | 'offline' | null;
  readonly since: string | null;
  /** Seconds the ERP has been unreachable, in the agent's time. */
  readonly forS: number | null;
  /** Records waiting for the ERP (mapped, ready, sending). */
  readonly buffered: number | null;
  readonly nextAttemptAt: string | null;
}

export function ErpOfflineBanner({ erp, since, forS, buffered, nextAttemptAt }: ErpOfflineBannerProps) {
  if (erp === null || erp === 'online') return null;
  const offline = erp === 'offline';
  return (
    <section className={`erp-banner ${offline ? 'erp-banner-bad' : 'erp-banner-warn'}`} role="alert" aria-label="ERP unreachable">
      <span className={`badge badge-large ${offline ? 'tone-bad' : 'tone-warn'}`}>
        <Icon name={offline ? 'cross' : 'warning'} />
        <span>{offline ? 'ERP unreachable' : 'ERP not answering, retrying'}</span>
      </span>
      <p className="erp-banner-text">
        Since <strong className="num">{formatTime(since)}</strong> ({formatAge(forS)}):{' '}
        <strong className="num" data-testid="erp-buffered">{formatCount(buffered)}</strong> records buffered on this PC.{' '}
        <strong>None is lost</strong>: they are posted once the ERP answers.
        {nextAttemptAt ? <span className="erp-banner-next"> Next try {formatTime(nextAttemptAt)}.</span> : null}
      </p>
    </section>
  );
}
