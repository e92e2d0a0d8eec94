// Units of measure: the plant's conversion table (built-in SI basics plus the configuration's `units:`), and
// the conversion of a confirmation into its order's unit, so "1500 G" against a KG order is 1.5 KG, not an error.
import { z } from 'zod';
import type { ProductionConfirmation } from './confirmation.js';
import type { ProductionOrder } from './order.js';
import { validateConfirmation, type OrderLookup, type RuleViolation } from './validation.js';

/** ERP unit codes: up to 3 characters (ConfirmationUnit Str3), compared upper-cased. */
export const UnitCodeSchema = z.string().trim().min(1, 'is empty').max(3, 'is longer than 3 characters').transform((u) => u.toUpperCase());

/** One line of the table: 1 `from` = `factor` `to` (e.g. `{ from: G, to: KG, factor: 0.001 }`). */
export const UnitConversionSchema = z.strictObject({
  from: UnitCodeSchema,
  to: UnitCodeSchema,
  factor: z.number().positive('must be greater than 0').finite('must be a finite number'),
});
export type UnitConversion = z.output<typeof UnitConversionSchema>;

/** SI basics in SAP's unit codes; a plant adds its own (DZ to PC, a drum to L, ...) in the configuration. */
export const BUILT_IN_CONVERSIONS: readonly UnitConversion[] = [
  { from: 'MG', to: 'G', factor: 0.001 },
  { from: 'G', to: 'KG', factor: 0.001 },
  { from: 'TO', to: 'KG', factor: 1000 },
  { from: 'MM', to: 'M', factor: 0.001 },
  { from: 'CM', to: 'M', factor: 0.01 },
  { from: 'KM', to: 'M', factor: 1000 },
  { from: 'MM2', to: 'M2', factor: 0.000001 },
  { from: 'CM2', to: 'M2', factor: 0.0001 },
  { from: 'ML', to: 'L', factor: 0.001 },
  { from: 'M3', to: 'L', factor: 1000 },
  { from: 'S', to: 'MIN', factor: 1 / 60 },
  { from: 'MIN', to: 'H', factor: 1 / 60 },
];

/** Confirmed quantities carry at most 3 decimals (Edm.Decimal 13,3). */
export const QUANTITY_DECIMALS = 3;

/** Two factors that agree to this relative difference are the same (floating point through a chain). */
const SAME_FACTOR = 1e-9;

export interface UnitTable {
  /** How many `to` one `from` is, or undefined when the units cannot be converted. */
  factor(from: string, to: string): number | undefined;
}

export type UnitTableResult =
  | { readonly ok: true; readonly table: UnitTable }
  | { readonly ok: false; readonly problems: readonly { readonly index: number; readonly message: string }[] };

interface Edge {
  readonly to: string;
  readonly factor: number;
}

/**
 * Builds the table from the built-in basics and the plant's lines. Units are grouped by what can be converted
 * into what (a graph); a plant line that contradicts what the table already says (G to KG 0.01) is a problem
 * with its index, so the configuration loader can name its line.
 */
export function createUnitTable(plant: readonly UnitConversion[] = [], builtIn: readonly UnitConversion[] = BUILT_IN_CONVERSIONS): UnitTableResult {
  const edges = new Map<string, Edge[]>();
  const problems: { index: number; message: string }[] = [];
  const lookup = (from: string, to: string): number | undefined => search(edges, from, to);
  const add = ({ from, to, factor }: UnitConversion): void => {
    edges.set(from, [...(edges.get(from) ?? []), { to, factor }]);
    edges.set(to, [...(edges.get(to) ?? []), { to: from, factor: 1 / factor }]);
  };
  for (const line of builtIn) add(line);
  plant.forEach((line, index) => {
    if (line.from === line.to) {
      problems.push({ index, message: `converts ${line.from} into itself` });
      return;
    }
    const known = lookup(line.from, line.to);
    if (known === undefined) add(line);
    else if (Math.abs(known - line.factor) > SAME_FACTOR * Math.max(known, line.factor)) {
      problems.push({ index, message: `1 ${line.from} is already ${formatFactor(known)} ${line.to} in the table, not ${formatFactor(line.factor)}` });
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  const cache = new Map<string, number | undefined>();
  return {
    ok: true,
    table: {
      factor(from, to) {
        const a = from.toUpperCase();
        const b = to.toUpperCase();
        if (a === b) return 1;
        const key = `${a}\0${b}`;
        if (!cache.has(key)) cache.set(key, search(edges, a, b));
        return cache.get(key);
      },
    },
  };
}

/** Breadth-first, so the factor comes from the shortest chain of table lines. */
function search(edges: ReadonlyMap<string, readonly Edge[]>, from: string, to: string): number | undefined {
  if (from === to) return 1;
  const seen = new Set([from]);
  let frontier: { unit: string; factor: number }[] = [{ unit: from, factor: 1 }];
  while (frontier.length > 0) {
    const next: { unit: string; factor: number }[] = [];
    for (const { unit, factor } of frontier) {
      for (const edge of edges.get(unit) ?? []) {
        if (seen.has(edge.to)) continue;
        if (edge.to === to) return factor * edge.factor;
        seen.add(edge.to);
        next.push({ unit: edge.to, factor: factor * edge.factor });
      }
    }
    frontier = next;
  }
  return undefined;
}

function formatFactor(factor: number): string {
  return String(Number(factor.toPrecision(12)));
}

/** The built-in table alone (no plant lines). */
export const BUILT_IN_UNITS: UnitTable = (() => {
  const result = createUnitTable([]);
  if (!result.ok) throw new Error('the built-in unit table is inconsistent');
  return result.table;
})();

/** The unit the ERP expects a confirmation of this order and operation in (validation's rule, UNIT_MISMATCH). */
export function expectedUnitOf(order: ProductionOrder, operation: string): string {
  return order.operations.find((op) => op.operation === operation)?.unit ?? order.unit;
}

/** What the source sent, kept in the event body when PlantDesk converted the quantities. */
export interface OriginalQuantities {
  readonly yieldQty: number;
  readonly scrapQty: number;
  readonly unit: string;
  /** 1 original unit = factor target units. */
  readonly factor: number;
}

export type ConvertedConfirmation = ProductionConfirmation & { readonly original?: OriginalQuantities };

export function roundQuantity(quantity: number): number {
  const scale = 10 ** QUANTITY_DECIMALS;
  return Math.round(quantity * scale) / scale;
}

/**
 * The confirmation in `unit`, with what was sent kept under `original`; undefined when it already is in that
 * unit or the table has no conversion (then validation reports UNIT_MISMATCH).
 */
export function convertConfirmation(event: ProductionConfirmation, unit: string, table: UnitTable): ConvertedConfirmation | undefined {
  if (event.unit === unit) return undefined;
  // Converting again (a re-validated event) starts from what the source sent, so rounding never compounds.
  const sent = (event as ConvertedConfirmation).original ?? { yieldQty: event.yieldQty, scrapQty: event.scrapQty, unit: event.unit };
  const factor = table.factor(sent.unit, unit);
  if (factor === undefined) return undefined;
  return {
    ...event,
    yieldQty: roundQuantity(sent.yieldQty * factor),
    scrapQty: roundQuantity(sent.scrapQty * factor),
    unit,
    original: { yieldQty: sent.yieldQty, scrapQty: sent.scrapQty, unit: sent.unit, factor },
  };
}

export interface UnitValidation {
  /** The confirmation as it goes on: converted into the order's unit when the table allows, else as sent. */
  readonly event: ConvertedConfirmation;
  readonly violations: RuleViolation[];
  /** Set when this validation converted it. */
  readonly converted: boolean;
}

/**
 * validateConfirmation, after converting the quantities into the order operation's unit when the table can:
 * a unit that converts is no UNIT_MISMATCH; one that does not stays one.
 */
export function validateInOrderUnit(event: ProductionConfirmation, findOrder: OrderLookup, table: UnitTable = BUILT_IN_UNITS): UnitValidation {
  const order = findOrder(event.orderId);
  const converted = order ? convertConfirmation(event, expectedUnitOf(order, event.operation), table) : undefined;
  const checked = converted ?? event;
  return { event: checked, violations: validateConfirmation(checked, findOrder), converted: converted !== undefined };
}

/** "1500 G as 1.5 KG", for history rows and logs. */
export function describeConversion(event: ConvertedConfirmation): string {
  const o = event.original;
  return o ? `${o.yieldQty} ${o.unit} as ${event.yieldQty} ${event.unit}${o.scrapQty > 0 ? ` (scrap ${o.scrapQty} ${o.unit} as ${event.scrapQty} ${event.unit})` : ''}` : '';
}
