// The latest records on their way to the ERP, with the ERP document once posted and the reason when not.
import type { EventSummary } from '../../../domain/api';
import type { EventStatus } from '../../../domain/lifecycle';
import { formatCount, formatTime, type StateLook } from './format';
import { StatusBadge } from './StatusBadge';

const STATUS_LOOK: Readonly<Record<EventStatus, StateLook>> = {
  mapped: { tone: 'busy', icon: 'dots', label: 'Validating' },
  ready: { tone: 'busy', icon: 'dots', label: 'Ready' },
  sending: { tone: 'busy', icon: 'dots', label: 'Sending' },
  posted: { tone: 'ok', icon: 'check', label: 'Posted' },
  exception: { tone: 'bad', icon: 'warning', label: 'Exception' },
  voided: { tone: 'neutral', icon: 'cross', label: 'Voided' },
  recorded: { tone: 'neutral', icon: 'check', label: 'Recorded' },
  pending_approval: { tone: 'warn', icon: 'warning', label: 'Awaiting approval' },
};

export interface RecentRecordsProps {
  readonly records: readonly EventSummary[];
}

export function RecentRecords({ records }: RecentRecordsProps) {
  return (
    <section className="panel records-panel" aria-label="Recent records">
      <h2 className="panel-title">Recent records</h2>
      {records.length === 0 ? (
        <p className="empty">No records yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="records">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Line</th>
                <th scope="col">Order</th>
                <th scope="col">Op.</th>
                <th scope="col" className="right">
                  Qty
                </th>
                <th scope="col">Unit</th>
                <th scope="col">Status</th>
                <th scope="col">ERP document</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <RecordRow key={r.eventId} record={r} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RecordRow({ record: r }: { readonly record: EventSummary }) {
  const look = STATUS_LOOK[r.status];
  const reason = r.reasons.map((v) => v.message).join(' ');
  return (
    <tr data-testid="record-row" data-status={r.status} className={`status-${r.status}`}>
      <td className="num">
        <time dateTime={r.receivedAt}>{formatTime(r.receivedAt)}</time>
      </td>
      <td>{r.line}</td>
      <td className="num">{r.orderId}</td>
      <td className="num">{r.operation}</td>
      <td className="num right">
        {formatCount(r.quantity)}
        {r.scrap > 0 && <span className="scrap-note"> +{formatCount(r.scrap)} scrap</span>}
      </td>
      <td>{r.unit}</td>
      <td>
        <StatusBadge tone={look.tone} icon={look.icon} label={look.label} />
      </td>
      <td className="num" data-testid="erp-document">
        {r.erpDocument ?? ''}
      </td>
      <td className="reason">{reason}</td>
    </tr>
  );
}
