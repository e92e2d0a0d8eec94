// Bulk correction: one change (material X to Y, unit G to KG, ...) over every matching open exception, shown as
// a preview first (before, after, whether each would then pass), applied only after that.
import type { FormEvent } from 'react';
import type { BulkCorrectArgs, BulkCorrectResult } from '../../../../domain/api';

export type BulkField = BulkCorrectArgs['field'];

export interface BulkValues {
  readonly field: BulkField;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface BulkCorrectionProps {
  readonly values: BulkValues;
  readonly preview: BulkCorrectResult | null;
  readonly applied: BulkCorrectResult | null;
  readonly busy: boolean;
  readonly error: string | null;
  readonly onChange: (values: BulkValues) => void;
  readonly onPreview: () => void;
  readonly onApply: () => void;
}

export function BulkCorrection({ values, preview, applied, busy, error, onChange, onPreview, onApply }: BulkCorrectionProps) {
  const ready = values.from.trim() !== '' && values.to.trim() !== '' && values.reason.trim().length >= 3;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready && !busy) onPreview();
  };
  const fixes = preview?.items.filter((i) => i.violations.length === 0).length ?? 0;
  return (
    <section className="panel bulk" aria-labelledby="bulk-title" data-testid="bulk">
      <h2 className="panel-title" id="bulk-title">Bulk correction</h2>
      <form onSubmit={submit} className="inline-form">
        <label>
          Field
          <select value={values.field} onChange={(e) => onChange({ ...values, field: e.target.value as BulkField })} data-testid="bulk-field">
            <option value="material">material</option>
            <option value="unit">unit</option>
            <option value="orderId">order</option>
            <option value="operation">operation</option>
            <option value="workCenter">work centre</option>
            <option value="batch">batch</option>
          </select>
        </label>
        <label>
          from
          <input value={values.from} onChange={(e) => onChange({ ...values, from: e.target.value })} size={10} data-testid="bulk-from" />
        </label>
        <label>
          to
          <input value={values.to} onChange={(e) => onChange({ ...values, to: e.target.value })} size={10} data-testid="bulk-to" />
        </label>
        <label>
          Reason
          <input value={values.reason} onChange={(e) => onChange({ ...values, reason: e.target.value })} data-testid="bulk-reason" />
        </label>
        <button type="submit" disabled={!ready || busy} data-testid="bulk-preview">Preview</button>
      </form>
      {error && <p className="form-error" role="alert">{error}</p>}
      {preview && (
        <div data-testid="bulk-preview-result">
          <p>
            {preview.matched} match; {fixes} would pass every rule{preview.items.some((i) => i.needsApproval) ? ', some need a second supervisor' : ''}.
          </p>
          <ul className="bulk-items">
            {preview.items.map((i) => (
              <li key={i.eventId} className={i.violations.length === 0 ? 'tone-ok' : 'tone-bad'}>
                {i.violations.length === 0 ? '✓' : '✗'} {i.eventId}: {values.field} {String((i.before as unknown as Record<string, unknown>)[values.field])} → {String((i.after as unknown as Record<string, unknown>)[values.field])}
                {i.violations.length > 0 && ` — still fails ${i.violations.map((v) => v.code).join(', ')}`}
                {i.needsApproval && ` — needs approval: ${i.needsApproval}`}
              </li>
            ))}
          </ul>
          <button type="button" onClick={onApply} disabled={busy || fixes === 0} data-testid="bulk-apply">Apply to {fixes}</button>
        </div>
      )}
      {applied && (
        <p className="tone-ok" data-testid="bulk-applied">
          Applied as {applied.bulkId}: {applied.results.filter((r) => r.status === 'ready').length} ready to post, {applied.results.filter((r) => r.status === 'pending_approval').length} awaiting approval, {applied.results.filter((r) => r.status === 'exception').length} left unchanged.
        </p>
      )}
    </section>
  );
}
