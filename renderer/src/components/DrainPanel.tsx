// Drain of a backlog (after an ERP outage) with its ETA, and how long the buffer lasts at the current intake.
import type { DrainProgress } from '../../../domain/api';
import { formatAge, formatCount } from './format';

export interface DrainPanelProps {
  readonly drain: DrainProgress | null;
  /** The queue's ETA at the measured rates when no drain runs (QueueCounts.drainEtaS). */
  readonly drainEtaS: number | null;
  readonly bufferHoursLeft: number | null;
}

export function DrainPanel({ drain, drainEtaS, bufferHoursLeft }: DrainPanelProps) {
  const pct = drain && drain.total > 0 ? Math.min(100, Math.round((drain.done / drain.total) * 100)) : null;
  const eta = drain ? drain.etaS : drainEtaS;
  return (
    <section className="panel" aria-labelledby="drain-title">
      <h2 className="panel-title" id="drain-title">Drain and buffer</h2>
      {drain ? (
        <>
          <div className="progress" role="progressbar" aria-label="Backlog drained" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? 0}>
            <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
          </div>
          <p className="drain-line num" data-testid="drain-progress">
            {formatCount(drain.done)} of {formatCount(drain.total)} backlog records posted ({pct ?? 0} %)
          </p>
        </>
      ) : (
        <p className="drain-line">No backlog is draining.</p>
      )}
      <dl className="facts">
        <div>
          <dt>Queue empty in</dt>
          <dd className="num" data-testid="drain-eta">{eta === null ? '—' : eta === 0 ? 'empty' : formatAge(eta)}</dd>
          {eta === null ? <dd className="fact-note">not shrinking, or nothing posted lately</dd> : null}
        </div>
        <div>
          <dt>Buffer time left</dt>
          <dd className="num" data-testid="buffer-left">{bufferHoursLeft === null ? '—' : formatAge(bufferHoursLeft * 3600)}</dd>
          {bufferHoursLeft === null ? <dd className="fact-note">no business records arriving</dd> : null}
        </div>
      </dl>
    </section>
  );
}
