// The other actions on one exception: void with a mandatory reason, retry (for ERP-side causes), and, while it
// waits, approve or reject by a second supervisor (not the one who asked: the agent refuses that too).
import { useState, type FormEvent } from 'react';
import type { CanonicalEvent } from '../../../../domain/confirmation';
import type { ExceptionSummary } from '../../../../domain/api';
import { changedFields } from './ExceptionDetail';

export interface ExceptionActionsProps {
  readonly summary: ExceptionSummary;
  /** The record as stored, to show what a proposed correction changes. */
  readonly current: CanonicalEvent;
  /** The logged-in user, or null. */
  readonly user: string | null;
  readonly canAct: boolean;
  readonly busy: boolean;
  readonly error: string | null;
  readonly onVoid: (reason: string) => void;
  readonly onRetry: () => void;
  readonly onApprove: () => void;
  readonly onReject: (reason: string) => void;
}

export function ExceptionActions({ summary, current, user, canAct, busy, error, onVoid, onRetry, onApprove, onReject }: ExceptionActionsProps) {
  const [voidReason, setVoidReason] = useState('');
  const [rejectReason, setRejectReason] = useState('');
  if (!canAct) return <p className="muted" data-testid="login-to-act">Log in as a supervisor to correct, void, retry or approve.</p>;
  if (summary.status === 'pending_approval' && summary.approval) {
    const own = summary.approval.requestedBy === user;
    const reject = (e: FormEvent) => {
      e.preventDefault();
      if (rejectReason.trim().length >= 3) onReject(rejectReason.trim());
    };
    return (
      <div className="approval-panel" data-testid="approval-panel">
        <h3>Approval</h3>
        {summary.approval.proposed && (
          <>
            <p data-testid="proposed-changes">
              Proposed: {changedFields(summary.approval.proposed, current).map(([field, after]) => `${field} ${String((current as unknown as Record<string, unknown>)[field] ?? '—')} → ${String(after)}`).join(', ')}
            </p>
            <pre className="payload" data-testid="proposed">{JSON.stringify(summary.approval.proposed, null, 2)}</pre>
          </>
        )}
        {own ? (
          <p className="tone-warn" data-testid="own-request">You asked for this change; a second supervisor decides on it.</p>
        ) : (
          <>
            <button type="button" onClick={onApprove} disabled={busy} data-testid="approve">Approve</button>
            <form onSubmit={reject} className="inline-form">
              <label>
                Reason to reject
                <input value={rejectReason} onChange={(e) => setRejectReason(e.target.value)} data-testid="reject-reason" />
              </label>
              <button type="submit" disabled={busy || rejectReason.trim().length < 3} data-testid="reject">Reject</button>
            </form>
          </>
        )}
        {error && <p className="form-error" role="alert">{error}</p>}
      </div>
    );
  }
  if (summary.status !== 'exception') return null;
  const submitVoid = (e: FormEvent) => {
    e.preventDefault();
    if (voidReason.trim().length >= 3) onVoid(voidReason.trim());
  };
  return (
    <div className="other-actions">
      <form onSubmit={submitVoid} className="inline-form">
        <label>
          Reason to void (mandatory)
          <input value={voidReason} onChange={(e) => setVoidReason(e.target.value)} data-testid="void-reason" />
        </label>
        <button type="submit" disabled={busy || voidReason.trim().length < 3} data-testid="void">Void…</button>
      </form>
      <button type="button" onClick={onRetry} disabled={busy} data-testid="retry" title="For ERP-side causes: checks it again and sends it as it is">
        Retry {summary.erpSide ? '(ERP rejected it)' : ''}
      </button>
      {error && <p className="form-error" role="alert">{error}</p>}
    </div>
  );
}
