// The demo MES's MQTT payload schemas (PlantDesk's mapper is written against them) and builders
// that fix the key order, so the messages look the same in every broker log and test.

import type { LineOrder } from './lineModel.js';

export interface Confirmation {
  readonly messageId: string;
  readonly plant: string;
  readonly line: string;
  readonly orderId: string;
  readonly operation: string;
  readonly workCenter: string;
  readonly material: string;
  readonly yield: number;
  readonly scrap: number;
  readonly unit: string;
  readonly final: boolean;
  /** ISO 8601 UTC. */
  readonly start: string;
  readonly end: string;
}

export interface QualityResult {
  readonly messageId: string;
  readonly plant: string;
  readonly line: string;
  readonly orderId: string;
  readonly operation: string;
  readonly characteristic: string;
  readonly value: number;
  readonly unit: string;
  readonly lowerLimit: number;
  readonly upperLimit: number;
  readonly result: 'pass' | 'fail';
  readonly defectCode: string | null;
  readonly inspectedAt: string;
}

interface Characteristic {
  readonly name: string;
  readonly nominal: number;
  readonly tolerance: number;
  readonly unit: string;
}

// One measured characteristic per demo material; anything else falls back to the first.
const CHARACTERISTICS: Readonly<Record<string, Characteristic>> = {
  'FG-100': { name: 'DIAMETER', nominal: 25, tolerance: 0.1, unit: 'MM' },
  'FG-200': { name: 'BORE', nominal: 12, tolerance: 0.05, unit: 'MM' },
  'FG-300': { name: 'THICKNESS', nominal: 2, tolerance: 0.05, unit: 'MM' },
};

export function confirmationPayload(c: Confirmation): string {
  const ordered: Confirmation = {
    messageId: c.messageId, plant: c.plant, line: c.line, orderId: c.orderId, operation: c.operation,
    workCenter: c.workCenter, material: c.material, yield: c.yield, scrap: c.scrap, unit: c.unit,
    final: c.final, start: c.start, end: c.end,
  };
  return JSON.stringify(ordered);
}

/** Box–Muller: a measurement scatters normally around nominal. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function qualityPayload(
  messageId: string, plant: string, line: string, order: LineOrder, at: Date, random: () => number = Math.random,
): QualityResult {
  const ch = CHARACTERISTICS[order.material] ?? (CHARACTERISTICS['FG-100'] as Characteristic);
  // Spread of half the tolerance: about one inspection in twenty fails, enough to see on a demo.
  const value = round(ch.nominal + gaussian(random) * (ch.tolerance / 2), 3);
  const lowerLimit = round(ch.nominal - ch.tolerance, 3);
  const upperLimit = round(ch.nominal + ch.tolerance, 3);
  const pass = value >= lowerLimit && value <= upperLimit;
  return {
    messageId, plant, line, orderId: order.orderId, operation: order.operation,
    characteristic: ch.name, value, unit: ch.unit, lowerLimit, upperLimit,
    result: pass ? 'pass' : 'fail',
    defectCode: pass ? null : value < lowerLimit ? 'D-11' : 'D-12',
    inspectedAt: at.toISOString(),
  };
}
