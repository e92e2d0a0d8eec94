// Cancelling a confirmation on the ERP side (CancelProdnOrdConf, ERP-CONTRACT A.3/A.7), driven by POST /sim/cancel:
// the original gets IsReversed, a cancellation record with IsReversal is added, and the quantities are unbooked,
// so a reconciliation sees the ERP's totals drop below what PlantDesk posted.
import { formatDateTime, formatTime, padNumber, parseDecimal, startOfUtcDay } from './edm.js';
import type { ErpState, ReceivedConfirmation } from './erpState.js';

export function cancelConfirmation(
  state: ErpState,
  target: { readonly document?: string; readonly key?: string },
  now: number,
): { readonly document: string } | { readonly error: string } {
  const key = target.key?.toLowerCase();
  const original = state.confirmations.find(
    (c) =>
      c.entity.IsReversal !== true &&
      c.entity.IsReversed !== true &&
      (target.document === undefined || `${c.confirmationGroup}/${c.confirmationCount}` === target.document) &&
      (key === undefined || c.externalSystemConfirmation?.toLowerCase() === key),
  );
  if (original === undefined) return { error: `no uncancelled confirmation ${target.document ?? ''}${target.key ?? ''}` };
  const op = state.findOperationByGroup(original.confirmationGroup);
  if (op === undefined) return { error: `confirmation group ${original.confirmationGroup} has no operation` };

  // The stored entity is the ERP's record; SAP flips IsReversed on it when it is cancelled.
  (original.entity as Record<string, unknown>).IsReversed = true;
  state.book(op, -(parseDecimal(original.yieldQuantity) ?? 0), -(parseDecimal(original.scrapQuantity) ?? 0), false);
  op.lastCount += 1;
  const count = padNumber(op.lastCount, 8);
  const reversal: ReceivedConfirmation = {
    ...original,
    confirmationCount: count,
    // The cancellation is the ERP's own record, not a posting of the client's: it carries no client key.
    externalSystemConfirmation: null,
    receivedAt: new Date(now),
    entity: {
      ...original.entity,
      ConfirmationCount: count,
      ExternalSystemConfirmation: '00000000-0000-0000-0000-000000000000',
      ConfirmationText: `Cancels ${original.confirmationGroup}/${original.confirmationCount}`,
      ConfirmationEntryDate: formatDateTime(startOfUtcDay(now)),
      ConfirmationEntryTime: formatTime(now),
      IsReversed: false,
      IsReversal: true,
    },
    goodsMovements: [],
  };
  state.confirmations.push(reversal);
  return { document: `${original.confirmationGroup}/${original.confirmationCount}` };
}
