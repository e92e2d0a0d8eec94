// Reconciliation: per order, what PlantDesk posted (by the key the ERP stores) against what the ERP holds
// (read-back of its confirmations and its own operation totals, OpTotalConfirmedYieldQty). Pure comparison here;
// reconciler.ts reads both sides, stores the findings and logs them.
import type { ErpOrderTotals } from '../../../connectors/erp/index.js';
import type { PostedKey, ReconciliationFindingRow } from '../../../local-store/index.js';

type Finding = Omit<ReconciliationFindingRow, 'foundAt'>;

/** Quantities are decimals with 3 places in the ERP: anything closer than half a thousandth is equal. */
const same = (a: number, b: number): boolean => Math.abs(a - b) < 0.0005;
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export function compareWithErp(orderId: string, ours: readonly PostedKey[], erp: ErpOrderTotals): Finding[] {
  const findings: Finding[] = [];
  const byKey = new Map<string, ErpOrderTotals['confirmations'][number][]>();
  for (const record of erp.confirmations) {
    if (record.eventId === null) continue;
    const key = record.eventId.toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), record]);
  }
  for (const posted of ours) {
    const records = byKey.get(posted.key.toLowerCase()) ?? [];
    const base = { orderId, operation: posted.operation, plantdeskQty: posted.yieldQty, eventId: posted.key };
    const live = records.filter((r) => !r.cancelled);
    if (records.length === 0) {
      findings.push({ ...base, kind: 'missing_in_erp', erpQty: null, erpDocument: posted.erpDocument,
        message: `posted ${posted.yieldQty} as ${posted.erpDocument ?? 'an unknown document'}, but the ERP has no confirmation with our key ${posted.key}` });
    } else if (live.length === 0) {
      findings.push({ ...base, kind: 'cancelled_in_erp', erpQty: 0, erpDocument: records[0]!.document,
        message: `posted ${posted.yieldQty} ${records[0]!.unit} as ${records[0]!.document}, cancelled in the ERP` });
    } else if (live.length > 1) {
      findings.push({ ...base, kind: 'duplicate_in_erp', erpQty: round3(live.reduce((s, r) => s + r.yieldQty, 0)), erpDocument: live.map((r) => r.document).join(', '),
        message: `posted once, but the ERP holds ${live.length} confirmations with our key ${posted.key}: ${live.map((r) => r.document).join(', ')}` });
    } else if (!same(live[0]!.yieldQty, posted.yieldQty) || !same(live[0]!.scrapQty, posted.scrapQty)) {
      findings.push({ ...base, kind: 'quantity_differs', erpQty: live[0]!.yieldQty, erpDocument: live[0]!.document,
        message: `posted yield ${posted.yieldQty} / scrap ${posted.scrapQty}, the ERP's ${live[0]!.document} holds ${live[0]!.yieldQty} / ${live[0]!.scrapQty}` });
    }
  }
  // The ERP's own running total per operation against PlantDesk's, whatever the reason (cancellations, postings
  // made outside PlantDesk, a record lost): the message names what explains the difference.
  const oursByOp = new Map<string, number>();
  for (const posted of ours) oursByOp.set(posted.operation, (oursByOp.get(posted.operation) ?? 0) + posted.yieldQty);
  const erpByOp = new Map(erp.operations.map((op) => [op.operation, op.confirmedYieldQty]));
  for (const operation of new Set([...oursByOp.keys(), ...erpByOp.keys()])) {
    const mine = round3(oursByOp.get(operation) ?? 0);
    const theirs = round3(erpByOp.get(operation) ?? 0);
    if (same(mine, theirs)) continue;
    const foreign = round3(erp.confirmations.filter((r) => r.operation === operation && r.eventId === null && !r.cancelled).reduce((s, r) => s + r.yieldQty, 0));
    const cancelled = round3(erp.confirmations.filter((r) => r.operation === operation && r.eventId !== null && r.cancelled).reduce((s, r) => s + r.yieldQty, 0));
    const why = [foreign ? `${foreign} confirmed outside PlantDesk` : '', cancelled ? `${cancelled} of ours cancelled in the ERP` : ''].filter(Boolean).join(', ');
    findings.push({ orderId, operation, kind: 'erp_total_differs', plantdeskQty: mine, erpQty: theirs, erpDocument: null, eventId: null,
      message: `operation ${operation}: PlantDesk posted ${mine}, the ERP's confirmed yield is ${theirs}${why ? ` (${why})` : ''}` });
  }
  return findings;
}
