// Canonical production confirmation: what a line reports it made for an order operation, whatever the source.
import { z } from 'zod';

/** ERP order ids are at most 12 characters (ERP-CONTRACT A.2, OrderID Str12). */
export const OrderIdSchema = z.string().trim().min(1, 'is empty').max(12, 'is longer than the 12 characters the ERP allows');
/** ERP units of measure are at most 3 characters (ConfirmationUnit Str3). */
export const UnitSchema = z.string().trim().min(1, 'is empty').max(3, 'is longer than 3 characters').transform((u) => u.toUpperCase());

const quantity = z.number().finite('must be a finite number').nonnegative('must not be negative');

export const ProductionConfirmationSchema = z.object({
  kind: z.literal('confirmation'),
  plant: z.string().min(1).max(4),
  line: z.string().min(1).max(40),
  orderId: OrderIdSchema,
  operation: z.string().regex(/^\d{1,4}$/, 'must be up to 4 digits').transform((op) => op.padStart(4, '0')),
  workCenter: z.string().max(8).optional(),
  material: z.string().max(40).optional(),
  /** The batch produced, for batch-managed materials (ERP Batch, Str10); rule BATCH_MISSING. */
  batch: z.string().trim().max(10, 'is longer than the 10 characters the ERP allows').optional(),
  yieldQty: quantity,
  scrapQty: quantity,
  unit: UnitSchema,
  final: z.boolean(),
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }),
});
export type ProductionConfirmation = z.infer<typeof ProductionConfirmationSchema>;

export const QualityResultSchema = z.object({
  kind: z.literal('quality'),
  plant: z.string().min(1).max(4),
  line: z.string().min(1).max(40),
  orderId: OrderIdSchema,
  operation: z.string().regex(/^\d{1,4}$/).transform((op) => op.padStart(4, '0')),
  characteristic: z.string().min(1).max(30),
  value: z.number().finite(),
  unit: z.string().max(3).optional(),
  lowerLimit: z.number().finite().optional(),
  upperLimit: z.number().finite().optional(),
  passed: z.boolean(),
  defectCode: z.string().max(20).nullable().optional(),
  inspectedAt: z.iso.datetime({ offset: true }),
});
export type QualityResult = z.infer<typeof QualityResultSchema>;

/** Every canonical event the pipeline stores. */
export type CanonicalEvent = ProductionConfirmation | QualityResult;
export type EventKind = CanonicalEvent['kind'];
