// Configuration of the ERP connection: `erp.kind` picks the adapter (sap-odata | rest-json, README "ERP").
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });

/** OAuth2 client credentials (RFC 6749 4.4): the token is cached until it expires and renewed once on 401. */
const OAuth2Schema = z.strictObject({
  tokenUrl: httpUrl,
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().optional(),
});

/** Keys both adapters share: timing of requests and of the sync passes. */
const common = {
  baseUrl: httpUrl,
  username: z.string().optional(),
  password: z.string().optional(),
  oauth2: OAuth2Schema.optional(),
  timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
  ordersRefreshS: z.number().int().min(1).max(86_400).default(60),
  postIntervalMs: z.number().int().min(50).max(600_000).default(1000),
};

const SapODataSchema = z.strictObject({
  kind: z.literal('sap-odata'),
  ...common,
  sapClient: z.string().regex(/^\d{3}$/, 'must be three digits, e.g. "100"').optional(),
  /** Confirmations per $batch request, one changeset each. */
  batchSize: z.number().int().min(1).max(100).default(20),
});

const RestJsonSchema = z.strictObject({
  kind: z.literal('rest-json'),
  ...common,
  bearerToken: z.string().min(1).optional(),
});

export const ErpSchema = z
  .discriminatedUnion('kind', [SapODataSchema, RestJsonSchema], { error: () => 'must be sap-odata or rest-json' })
  .superRefine((erp, ctx) => {
    // Two ways to log in would leave the reader guessing which one is used.
    const ways = [
      ...(erp.username !== undefined ? ['username'] : erp.password !== undefined ? ['password'] : []),
      ...(erp.oauth2 !== undefined ? ['oauth2'] : []),
      ...('bearerToken' in erp && erp.bearerToken !== undefined ? ['bearerToken'] : []),
    ];
    const second = ways[1];
    if (second !== undefined) {
      // Reported at the second key present, so the line number points at something in the file.
      ctx.addIssue({ code: 'custom', path: [second], message: `choose one way to log in: ${ways.join(' and ')} are both set` });
    }
  });

export type ErpConfig = z.output<typeof ErpSchema>;
