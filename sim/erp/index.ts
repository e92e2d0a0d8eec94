// Public face of the SAP ERP simulator: starts an HTTP server speaking the OData V2 subset of
// /work/shared/ERP-CONTRACT.md (orders B, confirmations A.3/A.7, CSRF A.4, $batch A.5, errors A.8). Shares no client code.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminDeps } from './adminRoutes.js';
import { cancelConfirmation } from './cancel.js';
import type { FaultConfig, FaultConfigInput } from './faultConfig.js';
import { Faults } from './faults.js';
import { countKeys, RequestLog, type KeyCounts, type LoggedRequest } from './requestLog.js';
import { DEMO_ORDERS, type DemoOrder } from '../demoData.js';
import { createConfirmationService, CONFIRMATION_SERVICE_NAME } from './confirmationService.js';
import { CsrfSessions } from './csrf.js';
import { ErpState, type ReceivedConfirmation } from './erpState.js';
import { createOrderService, ORDER_SERVICE_NAME } from './orderService.js';
import { OAuthTokens } from './oauth.js';
import { createRequestHandler } from './router.js';
import type { SimService } from './service.js';

export type { ReceivedConfirmation } from './erpState.js';
export type { FaultConfig, FaultConfigInput, ScriptedFault } from './faultConfig.js';
export type { KeyCounts, LoggedRequest } from './requestLog.js';
export { ERROR_CODES } from './odataError.js';

export interface ErpSimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Orders the ERP knows; default DEMO_ORDERS. 'released' ones are returned as released, 'completed' ones are technically completed. */
  readonly orders?: readonly DemoOrder[];
  /** When both are set, every request needs HTTP basic auth with them (401 otherwise). */
  readonly username?: string;
  readonly password?: string;
  /** Default '100'. Requests carrying another sap-client (query or header) get 400. */
  readonly sapClient?: string;
  /** Fault knobs (sim/erp/faultConfig.ts); default none. Also settable with POST /sim/faults. */
  readonly faults?: FaultConfigInput;
  /** OAuth2 client credentials: when set, a token endpoint is served at /oauth/token and bearer tokens are accepted. */
  readonly oauth2?: { readonly clientId: string; readonly clientSecret: string; readonly tokenLifetimeS?: number };
}

export interface ErpSimulator {
  /** e.g. http://127.0.0.1:41234, no trailing slash. Service roots are `${url}/sap/opu/odata/sap/<SERVICE>`. */
  readonly url: string;
  /** Every confirmation accepted so far, oldest first (a snapshot). */
  readonly received: readonly ReceivedConfirmation[];
  /** Invalidates all issued CSRF tokens and their sessions: the next POST gets 403 until the client re-fetches. */
  expireTokens(): void;
  /** Invalidates all issued OAuth2 access tokens: the next request with one gets 401. */
  expireAccessTokens(): void;
  /** How many OAuth2 access tokens the token endpoint has issued. */
  readonly accessTokensIssued: number;
  /** Replaces the fault knobs (validated; throws naming bad keys); as POST /sim/faults. */
  setFaults(config: FaultConfigInput): FaultConfig;
  /** Confirmations per ExternalSystemConfirmation; as GET /sim/counts. */
  counts(): KeyCounts;
  /** Every service request with its arrival time, status and fault; as GET /sim/requests. */
  readonly requests: readonly LoggedRequest[];
  /** Cancels a posting in the ERP (IsReversed); as POST /sim/cancel. */
  cancel(target: { readonly document?: string; readonly key?: string }): { readonly document: string } | { readonly error: string };
  stop(): Promise<void>;
}

/**
 * Starts the simulator.
 * @example
 * const erp = await startErpSimulator({ username: 'PLANTDESK', password: 'secret' });
 * // GET `${erp.url}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2?$format=json`
 * await erp.stop();
 */
export async function startErpSimulator(options: ErpSimulatorOptions = {}): Promise<ErpSimulator> {
  const host = options.host ?? '127.0.0.1';
  const sapClient = options.sapClient ?? '100';
  const state = new ErpState(options.orders ?? DEMO_ORDERS, Date.now());
  const csrf = new CsrfSessions(`SAP_SESSIONID_SIM_${sapClient}`, sapClient);
  const faults = new Faults(options.faults ?? {});
  const log = new RequestLog();
  const services = new Map<string, SimService>([
    [ORDER_SERVICE_NAME, createOrderService(state)],
    [CONFIRMATION_SERVICE_NAME, createConfirmationService(state, Date.now, (ctx) => faults.decidePosting(ctx))],
  ]);
  const credentials = options.username !== undefined && options.password !== undefined
    ? { username: options.username, password: options.password }
    : undefined;
  const oauth = options.oauth2 === undefined ? undefined : new OAuthTokens(options.oauth2);
  const admin: AdminDeps = {
    faults,
    log,
    // Cancellation records are the ERP's own bookkeeping, not postings: only originals are counted.
    counts: () => countKeys(state.confirmations.filter((c) => c.entity.IsReversal !== true).map((c) => c.externalSystemConfirmation)),
    cancel: (target) => cancelConfirmation(state, target, Date.now()),
  };

  let url = '';
  const server = createServer(createRequestHandler({ services, csrf, sapClient, credentials, oauth, baseUrl: () => url, snapshot: () => state.snapshot(), admin }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // A wildcard bind is still reached through loopback by local clients.
  const reachable = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const hostInUrl = reachable.includes(':') ? `[${reachable}]` : reachable;
  url = `http://${hostInUrl}:${address.port}`;

  return {
    url,
    get received() {
      return [...state.confirmations];
    },
    expireTokens: () => csrf.expireAll(),
    expireAccessTokens: () => oauth?.expireAll(),
    get accessTokensIssued() {
      return oauth?.issued ?? 0;
    },
    setFaults: (config) => faults.set(config),
    counts: () => admin.counts(),
    get requests() {
      return [...log.entries];
    },
    cancel: (target) => admin.cancel(target),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

export { startRestErpSimulator, type RestErpSimulator, type RestErpSimulatorOptions } from './restSimulator.js';
