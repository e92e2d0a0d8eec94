// A supervisor's edit applied to a confirmation: the fields they changed over the body as stored, checked against
// the canonical schema so a bad field is named before any rule runs.
import { CorrectionFieldsSchema, ProductionConfirmationSchema, type CorrectionFields, type ProductionConfirmation } from '../../../domain/index.js';

export type EditOutcome =
  | { readonly ok: true; readonly body: ProductionConfirmation }
  | { readonly ok: false; readonly fieldErrors: Record<string, string> };

export function applyEdit(body: ProductionConfirmation, edit: CorrectionFields): EditOutcome {
  const fields = CorrectionFieldsSchema.safeParse(edit);
  if (!fields.success) return { ok: false, fieldErrors: fieldErrorsOf(fields.error.issues) };
  // The original quantities of a converted body belong to the old body: the edit states what is true now.
  const merged: Record<string, unknown> = { ...body };
  delete merged.original;
  for (const [key, value] of Object.entries(fields.data)) {
    if (value === undefined) continue;
    // An emptied optional text field removes it.
    if (value === '' && (key === 'batch' || key === 'material' || key === 'workCenter')) delete merged[key];
    else merged[key] = value;
  }
  const parsed = ProductionConfirmationSchema.safeParse(merged);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error.issues) };
  return { ok: true, body: parsed.data };
}

function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** "yieldQty must not be negative; unit is empty", for an error message. */
export function describeFieldErrors(errors: Readonly<Record<string, string>>): string {
  return Object.entries(errors).map(([field, message]) => `${field} ${message}`).join('; ');
}
