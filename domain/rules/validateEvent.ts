// A confirmation through every rule as the agent runs them: converted into its operation's unit where the plant
// table or the material's ERP units allow, then checked with PlantDesk's own records in the context.
import type { ProductionConfirmation } from '../confirmation.js';
import { BUILT_IN_UNITS, convertConfirmation, expectedUnitOf, type ConvertedConfirmation, type UnitTable } from '../units.js';
import type { RuleViolation } from '../validation.js';
import { checkConfirmation } from './confirmationRules.js';
import type { RuleContext } from './context.js';
import { unitTableForOrder } from './materialUnits.js';
import type { CachedOrder } from './orderFacts.js';

export interface RuleCheck {
  /** The confirmation as it would go on: in the order's unit when it could be converted. */
  readonly event: ConvertedConfirmation;
  readonly violations: RuleViolation[];
  readonly converted: boolean;
}

export function checkWithConversion(event: ProductionConfirmation, context: RuleContext, units: UnitTable = BUILT_IN_UNITS): RuleCheck {
  const order = context.findOrder(event.orderId) as CachedOrder | undefined;
  const converted = order ? convertConfirmation(event, expectedUnitOf(order, event.operation), unitTableForOrder(order, units)) : undefined;
  const checked = converted ?? event;
  return { event: checked, violations: checkConfirmation(checked, context), converted: converted !== undefined };
}
