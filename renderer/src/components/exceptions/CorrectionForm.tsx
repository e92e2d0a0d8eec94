// The edit form of an exception: the fields a supervisor may change, each with its own error, the rules as they
// stand for what is typed (live re-check, nothing saved), whether a second supervisor must approve, and a reason.
import type { FormEvent } from 'react';
import type { CorrectableField, RecheckResult } from '../../../../domain/api';

export type CorrectionValues = Readonly<Record<CorrectableField, string>>;

const FIELDS: readonly { readonly name: Exclude<CorrectableField, 'final'>; readonly label: string; readonly inputMode?: 'decimal' }[] = [
  { name: 'orderId', label: 'Order' },
  { name: 'operation', label: 'Operation' },
  { name: 'workCenter', label: 'Work centre' },
  { name: 'material', label: 'Material' },
  { name: 'batch', label: 'Batch' },
  { name: 'yieldQty', label: 'Yield', inputMode: 'decimal' },
  { name: 'scrapQty', label: 'Scrap', inputMode: 'decimal' },
  { name: 'unit', label: 'Unit' },
];

export interface CorrectionFormProps {
  readonly values: CorrectionValues;
  readonly reason: string;
  readonly recheck: RecheckResult | null;
  readonly busy: boolean;
  readonly error: string | null;
  readonly onChange: (field: CorrectableField, value: string) => void;
  readonly onReason: (reason: string) => void;
  readonly onSubmit: () => void;
}

export function CorrectionForm({ values, reason, recheck, busy, error, onChange, onReason, onSubmit }: CorrectionFormProps) {
  const concerned = new Set((recheck?.violations ?? []).flatMap((v) => v.fields));
  const fieldErrors = recheck?.fieldErrors ?? {};
  const clean = recheck !== null && recheck.violations.length === 0 && Object.keys(fieldErrors).length === 0;
  const reasonOk = reason.trim().length >= 3;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (clean && reasonOk && !busy) onSubmit();
  };
  return (
    <form className="correction-form" onSubmit={submit} aria-labelledby="correct-title" data-testid="correction-form">
      <h3 id="correct-title">Correct and post</h3>
      <div className="form-grid">
        {FIELDS.map((f) => {
          const problem = fieldErrors[f.name];
          return (
            <label key={f.name} className={concerned.has(f.name) ? 'field-concerned' : undefined}>
              {f.label}
              <input
                name={f.name}
                value={values[f.name]}
                inputMode={f.inputMode}
                aria-invalid={problem !== undefined || concerned.has(f.name)}
                aria-describedby={problem ? `err-${f.name}` : undefined}
                data-testid={`field-${f.name}`}
                onChange={(e) => onChange(f.name, e.target.value)}
              />
              {problem && <span className="field-error" id={`err-${f.name}`}>{problem}</span>}
            </label>
          );
        })}
        <label>
          Final
          <select name="final" value={values.final} onChange={(e) => onChange('final', e.target.value)} data-testid="field-final">
            <option value="false">partial</option>
            <option value="true">final</option>
          </select>
        </label>
      </div>
      <div className="recheck" aria-live="polite" data-testid="recheck">
        {recheck === null && <span className="muted">checking…</span>}
        {recheck !== null && recheck.violations.length > 0 && (
          <ul className="tone-bad">
            {recheck.violations.map((v) => (
              <li key={v.code}>✗ <strong>{v.code}</strong> {v.message}</li>
            ))}
          </ul>
        )}
        {clean && <span className="tone-ok" data-testid="recheck-clean">✓ passes every rule</span>}
        {clean && recheck.needsApproval && <p className="tone-warn" data-testid="needs-approval">⧗ A second supervisor must approve: {recheck.needsApproval}</p>}
      </div>
      <label className="reason">
        Reason (kept in the audit log)
        <input value={reason} onChange={(e) => onReason(e.target.value)} required minLength={3} data-testid="correction-reason" />
      </label>
      {error && <p className="form-error" role="alert">{error}</p>}
      <button type="submit" disabled={!clean || !reasonOk || busy} data-testid="correct-submit">
        {clean && recheck.needsApproval ? 'Correct and ask for approval' : 'Correct and post'}
      </button>
    </form>
  );
}
