// The rule context for one event, read from the store: what else of its order operation is on its way, other
// finals, quality results; plus the plant's switches from `exceptions:`.
import type { ProductionOrder, RuleContext } from '../../../domain/index.js';
import { hasOtherFinal, hasQualityResult, pendingYield, type ReadableDb } from '../../../local-store/index.js';
import type { ExceptionsConfig } from './configSchema.js';

export function ruleContextFor(db: ReadableDb, eventId: string, findOrder: (orderId: string) => ProductionOrder | undefined, config: ExceptionsConfig): RuleContext {
  return {
    findOrder,
    pendingYield: (orderId, operation) => {
      const order = findOrder(orderId);
      const unit = order?.operations.find((op) => op.operation === operation)?.unit ?? order?.unit ?? '';
      return pendingYield(db, orderId, operation, unit, eventId);
    },
    otherFinal: (orderId, operation) => hasOtherFinal(db, orderId, operation, eventId),
    qualityRecorded: (orderId, operation) => hasQualityResult(db, orderId, operation),
    qualityBeforeFinal: config.qualityBeforeFinal,
    ...(config.overDeliveryTolerancePct !== undefined ? { defaultOverDeliveryPct: config.overDeliveryTolerancePct } : {}),
  };
}
