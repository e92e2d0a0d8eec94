// Builds the adapter the configuration names (`erp.kind`), so the agent never constructs one itself.
import type { ErpAdapter } from './adapter.js';
import { createRestJsonAdapter } from './restJson.js';
import { createSapODataAdapter, type OAuth2ClientCredentials } from './sapOdata.js';

/** The validated `erp:` section (main/agent/config/erpSchema.ts), as far as the adapters need it. */
export type ErpAdapterConfig =
  | ({ readonly kind: 'sap-odata'; readonly sapClient?: string | undefined; readonly batchSize?: number | undefined } & CommonConfig)
  | ({ readonly kind: 'rest-json'; readonly bearerToken?: string | undefined } & CommonConfig);

interface CommonConfig {
  readonly baseUrl: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly oauth2?: { readonly tokenUrl: string; readonly clientId: string; readonly clientSecret: string; readonly scope?: string | undefined } | undefined;
  readonly timeoutMs?: number | undefined;
}

/** Drops undefined values, so optional options stay absent rather than present-but-undefined. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function oauth2Of(config: CommonConfig): { oauth2?: OAuth2ClientCredentials } {
  return config.oauth2 === undefined ? {} : { oauth2: defined(config.oauth2) };
}

export function createErpAdapter(config: ErpAdapterConfig, fetchImpl?: typeof fetch): ErpAdapter {
  const shared = { ...defined({ baseUrl: config.baseUrl, username: config.username, password: config.password, timeoutMs: config.timeoutMs, fetchImpl }), ...oauth2Of(config) };
  if (config.kind === 'rest-json') return createRestJsonAdapter({ ...shared, ...defined({ bearerToken: config.bearerToken }) });
  return createSapODataAdapter({ ...shared, ...defined({ sapClient: config.sapClient, batchSize: config.batchSize }) });
}
