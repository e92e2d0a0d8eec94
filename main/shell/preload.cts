// Sandboxed preload: exposes the PlantDesk API as window.plantdesk over IPC, and nothing else.
// CommonJS because sandboxed preloads cannot be ES modules, and only 'electron' can be required here.
import type { ApiCommand, ApiQuery, ApiResult, ApiSessionMethod, ApiStream, PlantDeskContract, StreamValue, Unsubscribe } from '../../domain/api.js';
import electron = require('electron');

const { contextBridge, ipcRenderer } = electron;

// Same names as CALL_CHANNEL, SUBSCRIBE_CHANNEL and EVENT_CHANNEL in ipcBridge.ts (test/unit/shell keeps them equal).
const CALL_CHANNEL = 'plantdesk:call';
const SUBSCRIBE_CHANNEL = 'plantdesk:subscribe';
const EVENT_CHANNEL = 'plantdesk:event';

async function call<T>(method: ApiQuery | ApiCommand | ApiSessionMethod, params?: unknown): Promise<T> {
  const result = (await ipcRenderer.invoke(CALL_CHANNEL, method, params)) as ApiResult<T> | undefined;
  if (result?.ok === true) return result.value;
  // Only the message survives the context bridge, so it carries everything the UI needs.
  throw new Error(result?.ok === false ? result.error.message : `malformed answer to ${method}`);
}

const listeners = new Map<ApiStream, Set<(value: unknown) => void>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, stream: ApiStream, value: unknown) => {
  for (const listener of [...(listeners.get(stream) ?? [])]) {
    try {
      listener(value);
    } catch (error) {
      console.error(error); // one broken listener must not starve the others
    }
  }
});

function subscribe<S extends ApiStream>(stream: S, listener: (value: StreamValue<S>) => void): Unsubscribe {
  let set = listeners.get(stream);
  if (set === undefined) {
    set = new Set();
    listeners.set(stream, set);
    ipcRenderer.send(SUBSCRIBE_CHANNEL, stream); // once per stream; main fans events out to every listener here
  }
  const entry = (value: unknown): void => listener(value as StreamValue<S>);
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}

// Written out rather than generated from API_QUERIES/API_COMMANDS/API_STREAMS, which this sandbox cannot require: the
// PlantDeskApi annotation rejects a missing or extra member, and preload.test.ts checks the names against
// domain's lists, so the two can never drift apart.
const api: PlantDeskContract = {
  getHealth: () => call('getHealth'),
  getQueue: () => call('getQueue'),
  getDashboard: () => call('getDashboard'),
  listEvents: (query) => call('listEvents', query),
  onDashboard: (listener) => subscribe('onDashboard', listener),
  listCertificates: () => call('listCertificates'),
  exportOwnCertificate: () => call('exportOwnCertificate'),
  browse: (query) => call('browse', query),
  trustCertificate: (args) => call('trustCertificate', args),
  writeNode: (args) => call('writeNode', args),
  listRejected: (query) => call('listRejected', query),
  replayRejected: (args) => call('replayRejected', args),
  listSparkplugNodes: () => call('listSparkplugNodes'),
  getEnterpriseStatus: () => call('getEnterpriseStatus'),
  verifyAudit: () => call('verifyAudit'),
  getAuthStatus: () => call('getAuthStatus'),
  login: (args) => call('login', args),
  resumeSession: (args) => call('resumeSession', args),
  createFirstAdmin: (args) => call('createFirstAdmin', args),
  logout: () => call('logout'),
  listUsers: () => call('listUsers'),
  createUser: (args) => call('createUser', args),
  setUserRoles: (args) => call('setUserRoles', args),
  resetPassword: (args) => call('resetPassword', args),
  disableUser: (args) => call('disableUser', args),
  // The exceptions workspace (issue 6).
  listExceptions: (query) => call('listExceptions', query),
  getException: (args) => call('getException', args),
  recheckException: (args) => call('recheckException', args),
  exportAuditCsv: (query) => call('exportAuditCsv', query),
  correctException: (args) => call('correctException', args),
  voidException: (args) => call('voidException', args),
  retryException: (args) => call('retryException', args),
  bulkCorrect: (args) => call('bulkCorrect', args),
  approveCorrection: (args) => call('approveCorrection', args),
  rejectCorrection: (args) => call('rejectCorrection', args),
  // The console's views (issue 7) and reconciliation with the ERP (issue 5).
  listOrders: (query) => call('listOrders', query),
  traceRecord: (query) => call('traceRecord', query),
  getQuality: (query) => call('getQuality', query),
  getDiagnostics: () => call('getDiagnostics'),
  listReconciliation: (query) => call('listReconciliation', query),
  reconcileOrders: (args) => call('reconcileOrders', args),
};

contextBridge.exposeInMainWorld('plantdesk', api);
