// Shared inputs for the domain, local-store and agent unit tests: MES payloads as the MES sends them,
// canonical confirmations as mapping produces them, and orders as the ERP cache holds them.
import type { ProductionConfirmation, ProductionOrder, QualityResult } from '../../../domain/index.js';

export function mesConfirmation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageId: 'mes-0001',
    plant: '1010',
    line: 'L1',
    orderId: '1000001',
    operation: '10',
    workCenter: 'WC-10',
    material: 'MAT-1',
    yield: 120,
    scrap: 3,
    unit: 'pc',
    final: false,
    start: '2025-03-04T06:00:00Z',
    end: '2025-03-04T07:00:00Z',
    ...overrides,
  };
}

export function mesQuality(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageId: 'qm-0001',
    plant: '1010',
    line: 'L1',
    orderId: '1000001',
    operation: '10',
    characteristic: 'DIAMETER',
    value: 12.02,
    unit: 'mm',
    lowerLimit: 11.9,
    upperLimit: 12.1,
    result: 'pass',
    defectCode: null,
    inspectedAt: '2025-03-04T07:05:00Z',
    ...overrides,
  };
}

/** The same object without one key, for "field missing" cases. */
export function without(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

export function confirmation(overrides: Partial<ProductionConfirmation> = {}): ProductionConfirmation {
  return {
    kind: 'confirmation',
    plant: '1010',
    line: 'L1',
    orderId: '1000001',
    operation: '0010',
    yieldQty: 120,
    scrapQty: 3,
    unit: 'PC',
    final: false,
    end: '2025-03-04T07:00:00Z',
    ...overrides,
  };
}

export function quality(overrides: Partial<QualityResult> = {}): QualityResult {
  return {
    kind: 'quality',
    plant: '1010',
    line: 'L1',
    orderId: '1000001',
    operation: '0010',
    characteristic: 'DIAMETER',
    value: 12.02,
    passed: true,
    inspectedAt: '2025-03-04T07:05:00Z',
    ...overrides,
  };
}

export function releasedOrder(overrides: Partial<ProductionOrder> = {}): ProductionOrder {
  return {
    orderId: '1000001',
    plant: '1010',
    material: 'MAT-1',
    quantity: 1000,
    unit: 'PC',
    released: true,
    technicallyCompleted: false,
    confirmedYieldQty: 0,
    operations: [
      { operation: '0010', workCenter: 'WC-10', unit: 'PC', plannedQty: 1000, confirmedYieldQty: 0 },
      { operation: '0020', workCenter: 'WC-20', unit: 'PC', plannedQty: 1000, confirmedYieldQty: 0 },
    ],
    ...overrides,
  };
}
