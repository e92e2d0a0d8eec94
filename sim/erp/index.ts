// Public face of the SAP ERP simulator: starts an HTTP server speaking the OData V2 subset of
// /work/shared/ERP-CONTRACT.md (orders B, confirmations A.3/A.7, CSRF A.4, $batch A.5, errors A.8). Shares no client code.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_ORDERS, type DemoOrder } from '../demoData.js';
import { createConfirmationService, CONFIRMATION_SERVICE_NAME } from './confirmationService.js';
import { CsrfSessions } from './csrf.js';
import { ErpState, type ReceivedConfirmation } from './erpState.js';
import { createOrderService, ORDER_SERVICE_NAME } from './orderService.js';
import { createRequestHandler } from './router.js';
import type { SimService } from './service.js';

export type { ReceivedConfirmation } from './erpState.js';
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
}

export interface ErpSimulator {
  /** e.g. http://127.0.0.1:41234, no trailing slash. Service roots are `${url}/sap/opu/odata/sap/<SERVICE>`. */
  readonly url: string;
  /** Every confirmation accepted so far, oldest first (a snapshot). */
  readonly received: readonly ReceivedConfirmation[];
  /** Invalidates all issued CSRF tokens and their sessions: the next POST gets 403 until the client re-fetches. */
  expireTokens(): void;
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
  const services = new Map<string, SimService>([
    [ORDER_SERVICE_NAME, createOrderService(state)],
    [CONFIRMATION_SERVICE_NAME, createConfirmationService(state)],
  ]);
  const credentials = options.username !== undefined && options.password !== undefined
    ? { username: options.username, password: options.password }
    : undefined;

  let url = '';
  const server = createServer(createRequestHandler({ services, csrf, sapClient, credentials, baseUrl: () => url, snapshot: () => state.snapshot() }));
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
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
