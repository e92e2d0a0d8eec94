// One correction over every matching exception (material X to Y, unit G to KG): a preview first, then apply.
// Each event gets its own audit entry; all carry the bulk correction's id as correlation id.
import { randomUUID } from 'node:crypto';
import { BulkCorrectSchema, ProductionConfirmationSchema, type BulkCorrectArgs, type BulkCorrectResult, type BulkPreviewItem, type Caller, type ExceptionActionResult } from '../../../domain/index.js';
import { listOpenExceptions, type StoredEvent } from '../../../local-store/index.js';
import { applyCorrection, describeViolations, planCorrection, type CorrectionPlan } from './correction.js';
import { requireOrders, type ExceptionsDeps } from './deps.js';
import { applyEdit, describeFieldErrors } from './editedBody.js';

/** At most this many exceptions per bulk correction; narrow it by rule for more. */
export const BULK_LIMIT = 1000;

export function bulkCorrect(deps: ExceptionsDeps, args: BulkCorrectArgs, caller: Caller): BulkCorrectResult {
  const { field, from, to, rule, reason, preview } = BulkCorrectSchema.parse(args);
  requireOrders(deps);
  const same = field === 'unit' ? (a: string) => a.toUpperCase() === from.toUpperCase() : (a: string) => a === from;
  const matching = listOpenExceptions(deps.db, { status: 'exception', limit: BULK_LIMIT, ...(rule !== undefined ? { rule } : {}) }).filter((event) => {
    if (event.body.kind !== 'confirmation') return false;
    const value = (event.body as unknown as Record<string, unknown>)[field];
    return typeof value === 'string' && same(value);
  });
  const planned: { event: StoredEvent; plan: CorrectionPlan | null; problem: string | null; item: BulkPreviewItem }[] = matching.map((event) => {
    const before = ProductionConfirmationSchema.parse(event.body);
    const edit = applyEdit(before, { [field]: to });
    if (!edit.ok) {
      const problem = describeFieldErrors(edit.fieldErrors);
      return { event, plan: null, problem, item: { eventId: event.eventId, before, after: before, violations: [{ code: 'FIELD_INVALID', message: problem, fields: [field] }], needsApproval: null } };
    }
    const plan = planCorrection(deps, event, before, edit.body);
    return { event, plan, problem: null, item: { eventId: event.eventId, before, after: plan.after, violations: plan.violations, needsApproval: plan.needsApproval } };
  });
  const items = planned.map((p) => p.item);
  if (preview) return { preview: true, bulkId: null, matched: matching.length, items, results: [] };

  const bulkId = `bulk-${randomUUID()}`;
  const bulkReason = `${reason} (bulk: ${field} ${from} -> ${to})`;
  const results: ExceptionActionResult[] = deps.db.transaction(() =>
    planned.map(({ event, plan, problem }): ExceptionActionResult => {
      if (!plan || plan.violations.length > 0) {
        return { eventId: event.eventId, status: 'exception', message: `left unchanged; it would still fail: ${problem ?? describeViolations(plan!.violations)}`, correlationId: bulkId };
      }
      return applyCorrection(deps, event, plan, caller, bulkReason, bulkId);
    }),
  )();
  deps.onChange?.();
  return { preview: false, bulkId, matched: matching.length, items, results };
}
