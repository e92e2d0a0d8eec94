// Configuration of the ERP connection.
import { z } from 'zod';

export const ErpSchema = z.strictObject({
  kind: z.literal('sap-odata'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  sapClient: z.string().regex(/^\d{3}$/, 'must be three digits, e.g. "100"').optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
  ordersRefreshS: z.number().int().min(1).max(86_400).default(60),
  postIntervalMs: z.number().int().min(50).max(600_000).default(1000),
});
