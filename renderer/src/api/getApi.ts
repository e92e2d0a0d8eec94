// The renderer's one way to the agent: the Electron preload's window.plantdesk, else a WebSocket client.
import type { AuditApi, ExceptionsApi, PlantDeskApi, SessionApi, Unsubscribe, UsersApi } from '../../../domain/api';
import { WsClient } from './wsClient';
import { ApiCallError, defaultWsUrl, type LinkState } from './wsTypes';

/** PlantDeskApi with sessions and accounts, plus the state of the link to the agent, for the header. */
export type ConsoleApi = PlantDeskApi & SessionApi & UsersApi & AuditApi & ExceptionsApi & {
  /** Calls the listener now and on every change. */
  onLinkState(listener: (state: LinkState) => void): Unsubscribe;
  /** The session held could not be resumed after a reconnect (expired meanwhile), with the agent's reason. */
  onSessionLost(listener: (message: string) => void): Unsubscribe;
};

declare global {
  interface Window {
    /** Exposed by the Electron preload (main/shell): the PlantDeskApi, and sessions and accounts once it carries them. */
    plantdesk?: PlantDeskApi & Partial<SessionApi & UsersApi & AuditApi & ExceptionsApi>;
  }
}

let instance: ConsoleApi | null = null;

export function getApi(): ConsoleApi {
  instance ??= window.plantdesk ? fromPreload(window.plantdesk) : new WsClient({ url: defaultWsUrl(window.location) });
  return instance;
}

/** IPC to the preload does not drop like a socket; the Electron shell reports agent restarts itself. */
function fromPreload(api: PlantDeskApi & Partial<SessionApi & UsersApi & AuditApi & ExceptionsApi>): ConsoleApi {
  return {
    getHealth: () => api.getHealth(),
    getQueue: () => api.getQueue(),
    getDashboard: () => api.getDashboard(),
    listEvents: (query) => api.listEvents(query),
    onDashboard: (listener) => api.onDashboard(listener),
    listCertificates: () => api.listCertificates(),
    exportOwnCertificate: () => api.exportOwnCertificate(),
    browse: (query) => api.browse(query),
    trustCertificate: (args) => api.trustCertificate(args),
    writeNode: (args) => api.writeNode(args),
    listRejected: (query) => api.listRejected(query),
    replayRejected: (args) => api.replayRejected(args),
    listSparkplugNodes: () => api.listSparkplugNodes(),
    getEnterpriseStatus: () => api.getEnterpriseStatus(),
    onLinkState: (listener) => {
      listener('open');
      return () => undefined;
    },
    // What the preload carries is used; a preload without logins yet refuses them in words (main/shell adds them).
    ...noLoginsInPreload(),
    ...noExceptionsInPreload(),
    ...sessionMethodsOf(api),
    ...exceptionMethodsOf(api),
    onSessionLost: () => () => undefined,
  };
}

function noLoginsInPreload(): SessionApi & UsersApi & AuditApi {
  const refuse = (): Promise<never> => Promise.reject(new ApiCallError('not_found', 'logins are not available in the desktop window yet; use the console in a browser'));
  return {
    getAuthStatus: () => Promise.resolve({ firstAdminNeeded: false, setupCodeFile: null, viewsNeedLogin: false }),
    login: refuse, resumeSession: refuse, createFirstAdmin: refuse, logout: refuse,
    verifyAudit: refuse, listUsers: refuse, createUser: refuse, setUserRoles: refuse, resetPassword: refuse, disableUser: refuse,
  };
}

/** The exceptions workspace needs a login, which the desktop window does not carry yet (main/shell adds it). */
function noExceptionsInPreload(): ExceptionsApi {
  const refuse = (): Promise<never> => Promise.reject(new ApiCallError('not_found', 'the exceptions workspace is not available in the desktop window yet; use the console in a browser'));
  return {
    listExceptions: refuse, getException: refuse, recheckException: refuse, exportAuditCsv: refuse, correctException: refuse, voidException: refuse,
    retryException: refuse, bulkCorrect: refuse, approveCorrection: refuse, rejectCorrection: refuse,
  };
}

const EXCEPTION_METHODS = [
  'listExceptions', 'getException', 'recheckException', 'exportAuditCsv', 'correctException', 'voidException', 'retryException', 'bulkCorrect', 'approveCorrection', 'rejectCorrection',
] as const satisfies readonly (keyof ExceptionsApi)[];

function exceptionMethodsOf(api: Partial<ExceptionsApi>): Partial<ExceptionsApi> {
  return Object.fromEntries(EXCEPTION_METHODS.flatMap((name) => (typeof api[name] === 'function' ? [[name, (api[name] as (...args: unknown[]) => unknown).bind(api)]] : [])));
}

/** The preload's own session, account and audit methods, bound, where it has them. */
function sessionMethodsOf(api: Partial<SessionApi & UsersApi & AuditApi>): Partial<SessionApi & UsersApi & AuditApi> {
  const names = ['getAuthStatus', 'login', 'resumeSession', 'createFirstAdmin', 'logout', 'verifyAudit', 'listUsers', 'createUser', 'setUserRoles', 'resetPassword', 'disableUser'] as const;
  return Object.fromEntries(names.flatMap((name) => (typeof api[name] === 'function' ? [[name, (api[name] as (...args: unknown[]) => unknown).bind(api)]] : [])));
}
