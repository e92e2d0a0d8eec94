// One record from the source message to the ERP document: ask by correlation id or event id.
import { useState, type FormEvent } from 'react';
import type { RecordTrace } from '../../../domain/api';
import { formatTime } from './format';

export interface TracePanelProps {
  readonly trace: RecordTrace | null;
  readonly error: string | null;
  readonly busy: boolean;
  /** Recent records to trace with one click (correlation id, label). */
  readonly suggestions: readonly { readonly id: string; readonly label: string }[];
  onTrace(id: string): void;
}

export function TracePanel({ trace, error, busy, suggestions, onTrace }: TracePanelProps) {
  const [id, setId] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (id.trim() !== '') onTrace(id.trim());
  };
  return (
    <section className="panel trace-panel" aria-labelledby="trace-title">
      <h2 className="panel-title" id="trace-title">Trace a record</h2>
      <form className="trace-form" onSubmit={submit}>
        <label htmlFor="trace-id">Correlation id or event id</label>
        <input id="trace-id" className="mono" value={id} onChange={(e) => setId(e.target.value)} placeholder="e.g. 0196c5e2-…" autoComplete="off" spellCheck={false} />
        <button type="submit" disabled={busy || id.trim() === ''}>Trace</button>
      </form>
      {suggestions.length > 0 ? (
        <div className="trace-suggestions">
          <span className="muted">Recent:</span>
          {suggestions.map((s) => (
            <button key={s.id} type="button" className="link-button" onClick={() => { setId(s.id); onTrace(s.id); }}>{s.label}</button>
          ))}
        </div>
      ) : null}
      {error ? <p className="cert-error" role="alert">{error}</p> : null}
      {trace ? (
        <ol className="trace-steps" aria-label={`Trace of ${trace.correlationId}`} data-testid="trace-steps">
          {trace.source ? (
            <li>
              <span className="trace-at num">{formatTime(trace.source.receivedAt)}</span>
              <span>Received from <strong>{trace.source.source}</strong> on <span className="mono">{trace.source.channel}</span>{trace.source.rejectReason ? <> — rejected: {trace.source.rejectReason}</> : null}</span>
            </li>
          ) : null}
          {trace.events.flatMap((event) =>
            event.history.map((step, i) => (
              <li key={`${event.eventId}-${i}`}>
                <span className="trace-at num">{formatTime(step.at)}</span>
                <span>
                  {step.from ? `${step.from} → ` : ''}<strong>{step.to}</strong> by {step.actor}{step.reason ? `: ${step.reason}` : ''}
                  {step.to === 'posted' && event.erpDocument ? <> — ERP document <strong className="mono" data-testid="trace-erp-document">{event.erpDocument}</strong></> : null}
                </span>
              </li>
            )),
          )}
        </ol>
      ) : null}
    </section>
  );
}
