// The demo plant's shared facts: which orders the ERP simulator releases and which line runs which order.
// Both simulators read this file so the demo is coherent; PlantDesk itself never imports sim/.

export interface DemoOrder {
  readonly orderId: string;
  readonly material: string;
  readonly materialText: string;
  readonly plant: string;
  readonly quantity: number;
  readonly unit: string;
  readonly operation: string;
  readonly workCenter: string;
  readonly line: string;
  /** 'released' orders are returned by the released-orders query; 'completed' are technically completed. */
  readonly status: 'released' | 'completed';
}

export const DEMO_PLANT = '1010';

export const DEMO_ORDERS: readonly DemoOrder[] = [
  { orderId: '1000001', material: 'FG-100', materialText: 'Pump housing', plant: DEMO_PLANT, quantity: 5000, unit: 'PC', operation: '0010', workCenter: 'WC-L1', line: 'L1', status: 'released' },
  { orderId: '1000002', material: 'FG-200', materialText: 'Valve body', plant: DEMO_PLANT, quantity: 3000, unit: 'PC', operation: '0010', workCenter: 'WC-L2', line: 'L2', status: 'released' },
  { orderId: '1000003', material: 'FG-300', materialText: 'Gasket set', plant: DEMO_PLANT, quantity: 8000, unit: 'PC', operation: '0010', workCenter: 'WC-L3', line: 'L3', status: 'released' },
  { orderId: '1000009', material: 'FG-100', materialText: 'Pump housing', plant: DEMO_PLANT, quantity: 1000, unit: 'PC', operation: '0010', workCenter: 'WC-L1', line: 'L1', status: 'completed' },
];

/** An order id no ERP knows: the demo publisher uses it on purpose so the console shows an exception. */
export const DEMO_UNKNOWN_ORDER = '9999999';
