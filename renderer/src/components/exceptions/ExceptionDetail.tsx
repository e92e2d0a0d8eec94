// One exception in full: what arrived (raw message), what PlantDesk made of it (canonical event), the rules it
// fails (as stored and as they stand now), the history of its states and every correction of its body.
import type { ReactNode } from 'react';
import type { ExceptionDetail as Detail } from '../../../../domain/api';
import { StatusBadge } from '../StatusBadge';
import { formatTime } from '../format';
import { exceptionLook } from './look';

export interface ExceptionDetailProps {
  readonly detail: Detail;
  /** The action forms (correct, void, retry, approve), composed by the container. */
  readonly children?: ReactNode;
}

export function ExceptionDetail({ detail, children }: ExceptionDetailProps) {
  const { summary } = detail;
  return (
    <section className="panel exception-detail" aria-labelledby="detail-title" data-testid="exception-detail" data-event-id={summary.eventId} data-status={summary.status}>
      <h2 className="panel-title" id="detail-title">
        Record {summary.eventId} <StatusBadge {...exceptionLook(summary)} />
      </h2>
      <p className="detail-meta">
        line {summary.line} · order {summary.orderId} / {summary.operation} · received {formatTime(summary.receivedAt)} · correlation {summary.correlationId}
        {summary.erpDocument && <> · ERP document <strong data-testid="detail-erp-document">{summary.erpDocument}</strong></>}
      </p>
      {summary.approval && (
        <p className="approval-note tone-warn" data-testid="approval-note">
          {summary.approval.action === 'void' ? 'Void' : 'Correction'} requested by {summary.approval.requestedBy}: {summary.approval.reason}. Needs a second supervisor because {summary.approval.why}.
        </p>
      )}
      <h3>Failed rules</h3>
      {detail.failedRules.length === 0 ? (
        <p className="empty">none stored</p>
      ) : (
        <ul className="failed-rules" data-testid="failed-rules">
          {detail.failedRules.map((r) => (
            <li key={r.code}>
              <strong>{r.code}</strong> {r.message} {r.fields.length > 0 && <span className="muted">({r.fields.join(', ')})</span>}
            </li>
          ))}
        </ul>
      )}
      {summary.status === 'exception' && (
        <p className="muted" data-testid="current-violations">
          Against the ERP data now: {detail.currentViolations.length === 0 ? 'passes every rule (a retry would post it)' : detail.currentViolations.map((v) => v.code).join(', ')}
        </p>
      )}
      {children}
      <div className="detail-columns">
        <div>
          <h3>Canonical event</h3>
          <pre className="payload" data-testid="canonical-event">{JSON.stringify(detail.event, null, 2)}</pre>
        </div>
        <div>
          <h3>Raw message</h3>
          {detail.raw ? (
            <>
              <p className="muted">{detail.raw.source} · {detail.raw.channel} · {formatTime(detail.raw.receivedAt)}</p>
              <pre className="payload" data-testid="raw-message">{detail.raw.payload}</pre>
            </>
          ) : (
            <p className="empty">made by PlantDesk itself (no raw message)</p>
          )}
        </div>
      </div>
      <h3>History</h3>
      <ol className="history" data-testid="history">
        {detail.history.map((h, i) => (
          <li key={i}>
            {formatTime(h.at)} {h.from ?? 'new'} → <strong>{h.to.replace('_', ' ')}</strong> by {h.actor}{h.reason ? `: ${h.reason}` : ''}
          </li>
        ))}
      </ol>
      {detail.revisions.length > 0 && (
        <>
          <h3>Corrections</h3>
          <ol className="revisions" data-testid="revisions">
            {detail.revisions.map((r, i) => (
              <li key={i}>
                {formatTime(r.at)} by {r.actor}{r.approvedBy ? `, approved by ${r.approvedBy}` : ''}: {r.reason}
                <div className="before-after">
                  <span>before: {changedFields(r.before, r.after).map(([k, b]) => `${k} ${String(b)}`).join(', ')}</span>
                  <span>after: {changedFields(r.after, r.before).map(([k, a]) => `${k} ${String(a)}`).join(', ')}</span>
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** The fields of `a` that differ from `b` (quantities, unit, order, ...), for a short before/after line. */
export function changedFields(a: object, b: object): [string, unknown][] {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return Object.keys(left).filter((k) => k !== 'original' && JSON.stringify(left[k]) !== JSON.stringify(right[k])).map((k) => [k, left[k]]);
}
