// One correction of one exception, shared by correctException and bulkCorrect: re-validated against the cached ERP
// data; clean and under the thresholds -> the new body, ready to post; above them -> pending approval; still
// failing -> refused with the rules it breaks, nothing saved.
import { checkWithConversion, type Caller, type ExceptionActionResult, type ProductionConfirmation, type RuleViolation } from '../../../domain/index.js';
import { appendAudit, moveEvent, putApprovalRequest, reviseEventBody, type StoredEvent } from '../../../local-store/index.js';
import { correctionNeedsApproval } from './approvalPolicy.js';
import { nowOf, type ExceptionsDeps } from './deps.js';
import { ruleContextFor } from './ruleContext.js';

export interface CorrectionPlan {
  readonly before: ProductionConfirmation;
  /** The body as it would be posted (converted into the order's unit where possible). */
  readonly after: ProductionConfirmation;
  readonly violations: RuleViolation[];
  readonly needsApproval: string | null;
}

export function planCorrection(deps: ExceptionsDeps, event: StoredEvent, before: ProductionConfirmation, edited: ProductionConfirmation): CorrectionPlan {
  const check = checkWithConversion(edited, ruleContextFor(deps.db, event.eventId, deps.findOrder, deps.config), deps.units);
  return { before, after: check.event, violations: check.violations, needsApproval: correctionNeedsApproval(before, check.event, deps.config, deps.units) };
}

export function describeViolations(violations: readonly RuleViolation[]): string {
  return violations.map((v) => `${v.code}: ${v.message}`).join(' ');
}

/**
 * Applies a clean plan: ready to post, or pending approval. Audited with the caller, before, after, reason and
 * correlation id (the event's, or the bulk correction's id). Runs in the caller's transaction when there is one.
 */
export function applyCorrection(deps: ExceptionsDeps, event: StoredEvent, plan: CorrectionPlan, caller: Caller, reason: string, correlationId: string): ExceptionActionResult {
  const at = nowOf(deps);
  const db = deps.db;
  return db.transaction((): ExceptionActionResult => {
    if (plan.needsApproval !== null) {
      moveEvent(db, event.eventId, { to: 'pending_approval', at, actor: caller.user, reason: `correction waits for a second supervisor: ${plan.needsApproval}` });
      putApprovalRequest(db, { eventId: event.eventId, action: 'correct', proposedBody: plan.after, reason, why: plan.needsApproval, requestedBy: caller.user, requestedAt: at, correlationId });
      appendAudit(db, { at, actor: caller.user, action: 'exception.correct.requested', subject: `event:${event.eventId}`, before: plan.before, after: plan.after, reason, correlationId });
      return { eventId: event.eventId, status: 'pending_approval', message: `waiting for a second supervisor: ${plan.needsApproval}`, correlationId };
    }
    reviseEventBody(db, event.eventId, { at, actor: caller.user, approvedBy: null, after: plan.after, reason, correlationId });
    moveEvent(db, event.eventId, { to: 'ready', at, actor: caller.user, reason: `corrected: ${reason}`, reasons: [] });
    appendAudit(db, { at, actor: caller.user, action: 'exception.correct', subject: `event:${event.eventId}`, before: plan.before, after: plan.after, reason, correlationId });
    return { eventId: event.eventId, status: 'ready', message: 'corrected; it passes every rule and is ready to post', correlationId };
  })();
}
