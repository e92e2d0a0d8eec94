// The renderer's one way to the agent: the Electron preload's window.plantdesk, else a WebSocket client.
import type { PlantDeskApi, Unsubscribe } from '../../../domain/api';
import { WsClient } from './wsClient';
import { defaultWsUrl, type LinkState } from './wsTypes';

/** PlantDeskApi plus the state of the link to the agent, for the header. */
export type ConsoleApi = PlantDeskApi & {
  /** Calls the listener now and on every change. */
  onLinkState(listener: (state: LinkState) => void): Unsubscribe;
};

declare global {
  interface Window {
    /** Exposed by the Electron preload (main/shell) with exactly the PlantDeskApi shape. */
    plantdesk?: PlantDeskApi;
  }
}

let instance: ConsoleApi | null = null;

export function getApi(): ConsoleApi {
  instance ??= window.plantdesk ? fromPreload(window.plantdesk) : new WsClient({ url: defaultWsUrl(window.location) });
  return instance;
}

/** IPC to the preload does not drop like a socket; the Electron shell reports agent restarts itself. */
function fromPreload(api: PlantDeskApi): ConsoleApi {
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
    listRejected: (query) => api.listRejected(query),
    replayRejected: (args) => api.replayRejected(args),
    listSparkplugNodes: () => api.listSparkplugNodes(),
    getEnterpriseStatus: () => api.getEnterpriseStatus(),
    onLinkState: (listener) => {
      listener('open');
      return () => undefined;
    },
  };
}
