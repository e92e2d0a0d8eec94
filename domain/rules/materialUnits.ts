// Unit conversion for one order: the plant's table plus the alternative units the ERP holds for the order's
// material (1 BOX = 12 PC holds for this material only, so it never joins the plant-wide table).
import { createUnitTable, type UnitTable } from '../units.js';
import type { CachedOrder } from './orderFacts.js';

export function unitTableForOrder(order: CachedOrder | undefined, plant: UnitTable): UnitTable {
  const lines = order?.materialUnits ?? [];
  if (lines.length === 0) return plant;
  const own = createUnitTable(lines, []);
  // Material lines that contradict each other are the ERP's problem; the plant table alone still applies.
  if (!own.ok) return plant;
  const material = own.table;
  const materialUnits = [...new Set(lines.flatMap((l) => [l.from, l.to]))];
  return {
    factor(from, to) {
      const direct = plant.factor(from, to) ?? material.factor(from, to);
      if (direct !== undefined) return direct;
      // One hop through a unit both tables know: 1 BOX = 12 PC (material) and PC to DZ (plant).
      for (const via of materialUnits) {
        const a = material.factor(from, via) ?? plant.factor(from, via);
        const b = a === undefined ? undefined : plant.factor(via, to) ?? material.factor(via, to);
        if (a !== undefined && b !== undefined) return a * b;
      }
      return undefined;
    },
  };
}
