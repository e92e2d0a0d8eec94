// Shared inputs for the SAP adapter's unit tests: one confirmation as the sync engine hands it over.
import type { PostableConfirmation } from '../../../../connectors/erp/adapter.js';
import type { ProductionConfirmation } from '../../../../domain/index.js';

export const EVENT_ID = '3f2c9a1e-7b4d-4c2a-9e8f-0123456789ab';
export const BASE_URL = 'http://erp.test:4801';

export function confirmation(overrides: Partial<ProductionConfirmation> = {}): PostableConfirmation {
  return {
    eventId: EVENT_ID,
    correlationId: 'corr-1',
    confirmation: {
      kind: 'confirmation',
      plant: '1010',
      line: 'L1',
      orderId: '1000001',
      operation: '0010',
      yieldQty: 95,
      scrapQty: 5,
      unit: 'PC',
      final: false,
      start: '2025-01-01T06:00:00Z',
      end: '2025-01-01T13:45:10Z',
      ...overrides,
    },
  };
}
