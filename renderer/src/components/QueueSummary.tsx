// The queue to the ERP in large numerals, readable from across the control room.
import { formatAge, formatCount } from './format';

export interface QueueSummaryProps {
  /** mapped + ready: waiting to be posted. */
  readonly pending: number | null;
  /** sending: posted, answer not yet in. */
  readonly inFlight: number | null;
  /** At the rate measured over the last 10 minutes (QueueCounts.postRatePerMin x 60). */
  readonly postedPerHour: number | null;
  readonly exceptions: number | null;
  readonly rejected: number | null;
  readonly oldestPendingAgeS: number | null;
}

export function QueueSummary(props: QueueSummaryProps) {
  const tiles = [
    { id: 'pending', label: 'Pending', value: formatCount(props.pending), note: 'waiting for the ERP', alert: false },
    { id: 'inflight', label: 'In flight', value: formatCount(props.inFlight), note: 'sent, answer pending', alert: false },
    { id: 'posted-hour', label: 'Posted / hour', value: formatCount(props.postedPerHour), note: 'rate of the last 10 min', alert: false },
    { id: 'exceptions', label: 'Exceptions', value: formatCount(props.exceptions), note: 'need a correction', alert: (props.exceptions ?? 0) > 0 },
    { id: 'rejected', label: 'Rejected', value: formatCount(props.rejected), note: 'unreadable messages', alert: (props.rejected ?? 0) > 0 },
    { id: 'oldest', label: 'Oldest pending', value: formatAge(props.oldestPendingAgeS), note: props.oldestPendingAgeS === null ? 'nothing waiting' : 'age', alert: (props.oldestPendingAgeS ?? 0) > 900 },
  ];
  return (
    <section className="panel" aria-labelledby="queue-summary-title">
      <h2 className="panel-title" id="queue-summary-title">Queue to ERP</h2>
      <div className="big-tiles">
        {tiles.map((t) => (
          <div key={t.id} className={`tile${t.alert ? ' tile-alert' : ''}`} data-testid={`queue-screen-${t.id}`}>
            <span className="tile-label">{t.label}</span>
            <span className="big-value num">{t.value}</span>
            <span className="tile-note">{t.note}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
