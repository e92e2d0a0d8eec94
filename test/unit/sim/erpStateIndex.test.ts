// The ERP simulator's read-back index: ExternalSystemConfirmation -> records, kept right across $batch rollbacks.
import { describe, expect, it } from 'vitest';
import { DEMO_ORDERS } from '../../../sim/demoData.js';
import { ErpState, type ReceivedConfirmation } from '../../../sim/erp/erpState.js';

const guid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const record = (n: number, key: string | null = guid(n)): ReceivedConfirmation =>
  ({ confirmationGroup: '1', confirmationCount: String(n), externalSystemConfirmation: key }) as unknown as ReceivedConfirmation;
const counts = (found: readonly ReceivedConfirmation[]): string[] => found.map((r) => r.confirmationCount);

describe('ErpState.confirmationsByExternalKey', () => {
  it('finds every record carrying the key, in posting order, whatever the case of the GUID', () => {
    const state = new ErpState(DEMO_ORDERS, Date.now());
    state.confirmations.push(record(1), record(2), record(3, guid(1)), record(4, null));
    expect(counts(state.confirmationsByExternalKey(guid(1).toUpperCase()))).toEqual(['1', '3']);
    state.confirmations.push(record(5, guid(2)));
    expect(counts(state.confirmationsByExternalKey(guid(2)))).toEqual(['2', '5']);
    expect(state.confirmationsByExternalKey(guid(9))).toEqual([]);
  });

  it('forgets records a $batch rollback removed, also when as many new ones took their places', () => {
    const state = new ErpState(DEMO_ORDERS, Date.now());
    state.confirmations.push(record(1));
    const rollback = state.snapshot();
    state.confirmations.push(record(2), record(3));
    expect(counts(state.confirmationsByExternalKey(guid(2)))).toEqual(['2']);
    rollback();
    expect(state.confirmationsByExternalKey(guid(2))).toEqual([]);
    state.confirmations.push(record(4), record(5));
    expect(state.confirmationsByExternalKey(guid(3))).toEqual([]);
    expect(counts(state.confirmationsByExternalKey(guid(5)))).toEqual(['5']);
    expect(counts(state.confirmationsByExternalKey(guid(1)))).toEqual(['1']);
  });
});
