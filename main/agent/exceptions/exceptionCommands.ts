// The supervisor's commands on exceptions (COMMAND_ROLES: supervisor): correct, void, retry, and the second
// supervisor's approve or reject. Each is audited with who, when, before, after, reason and correlation id.
import {
  ApprovalDecisionSchema, checkWithConversion, CorrectExceptionSchema, isErpRuleCode, ProductionConfirmationSchema, RejectCorrectionSchema, RetryExceptionSchema, VoidExceptionSchema,
  type ApprovalDecisionArgs, type Caller, type CorrectExceptionArgs, type ExceptionActionResult, type ProductionConfirmation, type RejectCorrectionArgs,
  type RetryExceptionArgs, type VoidExceptionArgs,
} from '../../../domain/index.js';
import { appendAudit, deleteApprovalRequest, getApprovalRequest, moveEvent, putApprovalRequest, reviseEventBody } from '../../../local-store/index.js';
import { ApiFailure } from '../apiFailure.js';
import { voidNeedsApproval } from './approvalPolicy.js';
import { applyCorrection, describeViolations, planCorrection } from './correction.js';
import { nowOf, requireConfirmationIn, requireEvent, requireOrders, type ExceptionsDeps } from './deps.js';
import { applyEdit, describeFieldErrors } from './editedBody.js';
import { ruleContextFor } from './ruleContext.js';

export function correctException(deps: ExceptionsDeps, args: CorrectExceptionArgs, caller: Caller): ExceptionActionResult {
  const { eventId, fields, reason } = CorrectExceptionSchema.parse(args);
  requireOrders(deps);
  const event = requireEvent(deps, eventId);
  const before = requireConfirmationIn(event, 'exception');
  const edit = applyEdit(before, fields);
  if (!edit.ok) throw new ApiFailure('bad_request', `the correction is not valid: ${describeFieldErrors(edit.fieldErrors)}`);
  const plan = planCorrection(deps, event, before, edit.body);
  if (plan.violations.length > 0) throw new ApiFailure('bad_request', `nothing was saved; the corrected record still fails: ${describeViolations(plan.violations)}`);
  const result = applyCorrection(deps, event, plan, caller, reason, event.correlationId);
  deps.onChange?.();
  return result;
}

export function voidException(deps: ExceptionsDeps, args: VoidExceptionArgs, caller: Caller): ExceptionActionResult {
  const { eventId, reason } = VoidExceptionSchema.parse(args);
  const event = requireEvent(deps, eventId);
  if (event.status !== 'exception') throw new ApiFailure('bad_request', `event ${eventId} is ${event.status.replace('_', ' ')}, not an exception; only exceptions are voided`);
  const why = voidNeedsApproval(deps.config);
  const at = nowOf(deps);
  const result = deps.db.transaction((): ExceptionActionResult => {
    if (why !== null) {
      moveEvent(deps.db, eventId, { to: 'pending_approval', at, actor: caller.user, reason: `void waits for a second supervisor: ${reason}` });
      putApprovalRequest(deps.db, { eventId, action: 'void', proposedBody: null, reason, why, requestedBy: caller.user, requestedAt: at, correlationId: event.correlationId });
      appendAudit(deps.db, { at, actor: caller.user, action: 'exception.void.requested', subject: `event:${eventId}`, before: { status: event.status, body: event.body }, after: { status: 'pending_approval' }, reason, correlationId: event.correlationId });
      return { eventId, status: 'pending_approval', message: `waiting for a second supervisor: ${why}`, correlationId: event.correlationId };
    }
    moveEvent(deps.db, eventId, { to: 'voided', at, actor: caller.user, reason: `voided: ${reason}` });
    appendAudit(deps.db, { at, actor: caller.user, action: 'exception.void', subject: `event:${eventId}`, before: { status: event.status, body: event.body }, after: { status: 'voided' }, reason, correlationId: event.correlationId });
    return { eventId, status: 'voided', message: 'voided; it will not be posted', correlationId: event.correlationId };
  })();
  deps.onChange?.();
  return result;
}

/**
 * For ERP-side causes (the ERP refused it, or its master data changed since): the record is checked again as it
 * is and, when it passes every rule, goes back to `ready` for the sync engine to post. A record that still
 * breaks a rule needs a correction, and the answer says which.
 */
export function retryException(deps: ExceptionsDeps, args: RetryExceptionArgs, caller: Caller): ExceptionActionResult {
  const { eventId, reason } = RetryExceptionSchema.parse(args);
  requireOrders(deps);
  const event = requireEvent(deps, eventId);
  const body = requireConfirmationIn(event, 'exception');
  const check = checkWithConversion(body, ruleContextFor(deps.db, eventId, deps.findOrder, deps.config), deps.units);
  if (check.violations.length > 0) throw new ApiFailure('bad_request', `a retry would fail the same way; correct it first: ${describeViolations(check.violations)}`);
  const erpSide = event.reasons.some((r) => isErpRuleCode(r.code));
  const why = reason ?? (erpSide ? 'retry after an ERP-side cause was fixed' : 'retry: it passes every rule against the current ERP data');
  const at = nowOf(deps);
  deps.db.transaction(() => {
    if (check.converted) reviseEventBody(deps.db, eventId, { at, actor: caller.user, approvedBy: null, after: check.event, reason: 'converted into the order unit on retry', correlationId: event.correlationId });
    moveEvent(deps.db, eventId, { to: 'ready', at, actor: caller.user, reason: why, reasons: [] });
    appendAudit(deps.db, { at, actor: caller.user, action: 'exception.retry', subject: `event:${eventId}`, before: { status: event.status, reasons: event.reasons }, after: { status: 'ready' }, reason: why, correlationId: event.correlationId });
  })();
  deps.onChange?.();
  return { eventId, status: 'ready', message: 'ready to post again', correlationId: event.correlationId };
}

function requireSecondSupervisor(requestedBy: string, caller: Caller, eventId: string): void {
  if (requestedBy === caller.user) {
    throw new ApiFailure('forbidden', `four-eyes: ${caller.user} asked for this change of event ${eventId}; a second supervisor decides on it`);
  }
}

export function approveCorrection(deps: ExceptionsDeps, args: ApprovalDecisionArgs, caller: Caller): ExceptionActionResult {
  const { eventId, reason } = ApprovalDecisionSchema.parse(args);
  const event = requireEvent(deps, eventId);
  const request = getApprovalRequest(deps.db, eventId);
  if (event.status !== 'pending_approval' || !request) throw new ApiFailure('bad_request', `event ${eventId} is ${event.status.replace('_', ' ')}; nothing waits for approval`);
  requireSecondSupervisor(request.requestedBy, caller, eventId);
  const at = nowOf(deps);
  const note = reason ? `${request.reason} (approved: ${reason})` : request.reason;
  if (request.action === 'void') {
    deps.db.transaction(() => {
      moveEvent(deps.db, eventId, { to: 'voided', at, actor: caller.user, reason: `void by ${request.requestedBy} approved by ${caller.user}: ${request.reason}` });
      deleteApprovalRequest(deps.db, eventId);
      appendAudit(deps.db, { at, actor: caller.user, action: 'exception.void.approved', subject: `event:${eventId}`, before: { status: 'pending_approval', requestedBy: request.requestedBy }, after: { status: 'voided' }, reason: note, correlationId: request.correlationId });
    })();
    deps.onChange?.();
    return { eventId, status: 'voided', message: `void approved; requested by ${request.requestedBy}`, correlationId: request.correlationId };
  }
  requireOrders(deps);
  // The ERP data may have changed while it waited: the proposed record is checked again before it goes out.
  const proposed = ProductionConfirmationSchema.parse(request.proposedBody) as ProductionConfirmation;
  const check = checkWithConversion(proposed, ruleContextFor(deps.db, eventId, deps.findOrder, deps.config), deps.units);
  if (check.violations.length > 0) throw new ApiFailure('bad_request', `the proposed correction no longer passes (reject it instead): ${describeViolations(check.violations)}`);
  const before = event.body;
  deps.db.transaction(() => {
    reviseEventBody(deps.db, eventId, { at, actor: request.requestedBy, approvedBy: caller.user, after: check.event, reason: request.reason, correlationId: request.correlationId });
    moveEvent(deps.db, eventId, { to: 'ready', at, actor: caller.user, reason: `correction by ${request.requestedBy} approved by ${caller.user}`, reasons: [] });
    deleteApprovalRequest(deps.db, eventId);
    appendAudit(deps.db, { at, actor: caller.user, action: 'exception.correct.approved', subject: `event:${eventId}`, before, after: check.event, reason: note, correlationId: request.correlationId });
  })();
  deps.onChange?.();
  return { eventId, status: 'ready', message: `correction approved; requested by ${request.requestedBy}; ready to post`, correlationId: request.correlationId };
}

export function rejectCorrection(deps: ExceptionsDeps, args: RejectCorrectionArgs, caller: Caller): ExceptionActionResult {
  const { eventId, reason } = RejectCorrectionSchema.parse(args);
  const event = requireEvent(deps, eventId);
  const request = getApprovalRequest(deps.db, eventId);
  if (event.status !== 'pending_approval' || !request) throw new ApiFailure('bad_request', `event ${eventId} is ${event.status.replace('_', ' ')}; nothing waits for approval`);
  requireSecondSupervisor(request.requestedBy, caller, eventId);
  const at = nowOf(deps);
  deps.db.transaction(() => {
    moveEvent(deps.db, eventId, { to: 'exception', at, actor: caller.user, reason: `${request.action} by ${request.requestedBy} rejected by ${caller.user}: ${reason}` });
    deleteApprovalRequest(deps.db, eventId);
    appendAudit(deps.db, { at, actor: caller.user, action: `exception.${request.action}.rejected`, subject: `event:${eventId}`, before: { status: 'pending_approval', proposed: request.proposedBody, requestedBy: request.requestedBy }, after: { status: 'exception' }, reason, correlationId: request.correlationId });
  })();
  deps.onChange?.();
  return { eventId, status: 'exception', message: `${request.action === 'void' ? 'void' : 'correction'} rejected; it is an exception again`, correlationId: request.correlationId };
}

