// Four-eyes: which corrections wait for a second supervisor (config `exceptions.approval`), in plain words.
import type { ProductionConfirmation } from '../../../domain/index.js';
import type { UnitTable } from '../../../domain/units.js';
import type { ExceptionsConfig } from './configSchema.js';

/** Why the correction from `before` to `after` needs a second supervisor, or null when one is enough. */
export function correctionNeedsApproval(before: ProductionConfirmation, after: ProductionConfirmation, config: ExceptionsConfig, units: UnitTable): string | null {
  const reasons: string[] = [];
  const limit = config.approval.quantityChangePct;
  // The quantities compared in one unit; a unit the table cannot convert was a wrong label, compared as numbers.
  const factor = units.factor(before.unit, after.unit) ?? 1;
  for (const field of ['yieldQty', 'scrapQty'] as const) {
    const was = before[field] * factor;
    const now = after[field];
    const change = was === 0 ? (now === 0 ? 0 : Infinity) : (Math.abs(now - was) / was) * 100;
    if (change > limit + 1e-9) {
      const label = field === 'yieldQty' ? 'yield' : 'scrap';
      reasons.push(Number.isFinite(change) ? `${label} changed by ${Math.round(change * 10) / 10} % (more than ${limit} %)` : `${label} changed from 0 to ${now}`);
    }
  }
  if (config.approval.orderChange && before.orderId !== after.orderId) reasons.push(`moved from order ${before.orderId} to ${after.orderId}`);
  return reasons.length > 0 ? reasons.join('; ') : null;
}

export function voidNeedsApproval(config: ExceptionsConfig): string | null {
  return config.approval.voids ? 'every void needs a second supervisor' : null;
}
