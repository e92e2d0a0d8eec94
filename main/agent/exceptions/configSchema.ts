// The configuration's `exceptions:` section: four-eyes thresholds and the plant's own rule switches.
import { z } from 'zod';

export const ExceptionsConfigSchema = z.strictObject({
  approval: z.strictObject({
    /** A correction changing yield or scrap by more than this percent waits for a second supervisor. Default 10. */
    quantityChangePct: z.number().min(0).max(1000).default(10),
    /** Voids wait for a second supervisor. Default true ("any void"). */
    voids: z.boolean().default(true),
    /** A correction that moves the record to another order waits for a second supervisor. Default true. */
    orderChange: z.boolean().default(true),
  }).prefault({}),
  /** The plant requires a quality result before a final confirmation (rule QUALITY_RESULT_MISSING). Default false. */
  qualityBeforeFinal: z.boolean().default(false),
  /** Over-delivery tolerance in percent for orders whose ERP data carries none; absent: only the ERP's applies. */
  overDeliveryTolerancePct: z.number().min(0).max(1000).optional(),
});
export type ExceptionsConfig = z.output<typeof ExceptionsConfigSchema>;
