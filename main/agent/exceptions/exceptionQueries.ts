// The exceptions inbox and detail (queries, open to views): filters, grouping, the raw message, the canonical
// event, the failed rules, the history; and the live re-check of an edited form, which saves nothing.
import {
  checkWithConversion, ExceptionIdSchema, ExceptionQuerySchema, isErpRuleCode, ProductionConfirmationSchema, RecheckExceptionSchema,
  type ExceptionDetail, type ExceptionGroup, type ExceptionIdArgs, type ExceptionList, type ExceptionQuery, type ExceptionSummary,
  type RecheckExceptionArgs, type RecheckResult,
} from '../../../domain/index.js';
import { countEventsByStatus, eventHistory, getApprovalRequest, listOpenExceptions, listRevisions, rawMessageOfEvent, type StoredEvent } from '../../../local-store/index.js';
import { ApiFailure } from '../apiFailure.js';
import { toEventSummary } from '../eventSummary.js';
import { correctionNeedsApproval } from './approvalPolicy.js';
import { nowOf, requireEvent, type ExceptionsDeps } from './deps.js';
import { applyEdit } from './editedBody.js';
import { ruleContextFor } from './ruleContext.js';

const RAW_PAYLOAD_LIMIT = 16 * 1024;

export function summarize(deps: ExceptionsDeps, event: StoredEvent, now: number): ExceptionSummary {
  const request = event.status === 'pending_approval' ? getApprovalRequest(deps.db, event.eventId) : undefined;
  return {
    ...toEventSummary(event),
    ageMin: Math.max(0, Math.floor((now - event.createdAt) / 60_000)),
    erpSide: event.reasons.length > 0 && event.reasons.every((r) => isErpRuleCode(r.code)),
    approval: request
      ? { action: request.action, requestedBy: request.requestedBy, requestedAt: new Date(request.requestedAt).toISOString(), reason: request.reason, why: request.why, proposed: request.proposedBody }
      : null,
  };
}

export function ageBand(ageMin: number): string {
  if (ageMin < 60) return '< 1 h';
  if (ageMin < 24 * 60) return '1–24 h';
  return '> 24 h';
}

function groupKeys(item: ExceptionSummary, by: NonNullable<ExceptionQuery['groupBy']>): string[] {
  switch (by) {
    case 'rule':
      return item.reasons.length > 0 ? [...new Set(item.reasons.map((r) => r.code))] : ['(none)'];
    case 'line':
      return [item.line];
    case 'order':
      return [item.orderId];
    case 'age':
      return [ageBand(item.ageMin)];
  }
}

export function listExceptions(deps: ExceptionsDeps, query: ExceptionQuery = {}): ExceptionList {
  const q = ExceptionQuerySchema.parse(query);
  const now = nowOf(deps);
  const events = listOpenExceptions(deps.db, {
    limit: q.limit,
    ...(q.rule !== undefined ? { rule: q.rule } : {}),
    ...(q.line !== undefined ? { line: q.line } : {}),
    ...(q.orderId !== undefined ? { orderId: q.orderId } : {}),
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.olderThanMin !== undefined ? { createdBefore: now - q.olderThanMin * 60_000 } : {}),
  });
  const items = events.map((e) => summarize(deps, e, now));
  const groups: ExceptionGroup[] = [];
  if (q.groupBy) {
    const counts = new Map<string, number>();
    for (const item of items) for (const key of groupKeys(item, q.groupBy)) counts.set(key, (counts.get(key) ?? 0) + 1);
    groups.push(...[...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)));
  }
  const counts = countEventsByStatus(deps.db);
  return { total: { exception: counts.exception, pendingApproval: counts.pending_approval }, items, groups };
}

export function getException(deps: ExceptionsDeps, args: ExceptionIdArgs): ExceptionDetail {
  const { eventId } = ExceptionIdSchema.parse(args);
  const event = requireEvent(deps, eventId);
  const now = nowOf(deps);
  const raw = rawMessageOfEvent(deps.db, eventId);
  // A body that no longer fits the schema (written by an older version) still shows; only the re-check is skipped.
  const body = event.body.kind === 'confirmation' ? ProductionConfirmationSchema.safeParse(event.body) : undefined;
  const currentViolations = body?.success === true && deps.ordersLoaded()
    ? checkWithConversion(body.data, ruleContextFor(deps.db, eventId, deps.findOrder, deps.config), deps.units).violations
    : [];
  return {
    summary: summarize(deps, event, now),
    raw: raw ? { source: raw.source, channel: raw.channel, payload: raw.payload.slice(0, RAW_PAYLOAD_LIMIT), receivedAt: new Date(raw.receivedAt).toISOString() } : null,
    event: event.body,
    failedRules: event.reasons,
    currentViolations,
    history: eventHistory(deps.db, eventId).map((h) => ({ at: new Date(h.at).toISOString(), actor: h.actor, from: h.from, to: h.to, reason: h.reason })),
    revisions: listRevisions(deps.db, eventId).map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
  };
}

export function recheckException(deps: ExceptionsDeps, args: RecheckExceptionArgs): RecheckResult {
  const parsed = RecheckExceptionSchema.safeParse(args);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? 'form')] ??= issue.message;
    if (fieldErrors.eventId !== undefined) throw new ApiFailure('bad_request', `eventId: ${fieldErrors.eventId}`);
    const event = requireEvent(deps, String((args as { eventId?: unknown }).eventId));
    return { event: event.body, violations: [], fieldErrors, needsApproval: null };
  }
  const { eventId, ...fields } = parsed.data;
  const event = requireEvent(deps, eventId);
  if (event.body.kind !== 'confirmation') throw new ApiFailure('bad_request', `event ${eventId} is a ${event.body.kind} record; only confirmations are corrected here`);
  const before = ProductionConfirmationSchema.parse(event.body);
  const edit = applyEdit(before, fields);
  if (!edit.ok) return { event: event.body, violations: [], fieldErrors: edit.fieldErrors, needsApproval: null };
  if (!deps.ordersLoaded()) {
    return { event: edit.body, violations: [{ code: 'ORDERS_NOT_LOADED', message: 'The ERP orders have not been fetched yet; nothing can be checked.', fields: [] }], fieldErrors: {}, needsApproval: null };
  }
  const check = checkWithConversion(edit.body, ruleContextFor(deps.db, eventId, deps.findOrder, deps.config), deps.units);
  return { event: check.event, violations: check.violations, fieldErrors: {}, needsApproval: correctionNeedsApproval(before, check.event, deps.config, deps.units) };
}
