// The renderer's one way to the agent: the Electron preload's window.plantdesk, else a WebSocket client.
import type { PlantDeskContract, Unsubscribe } from '../../../domain/api';
import { WsClient } from './wsClient';
import { defaultWsUrl, type LinkState } from './wsTypes';

/** The PlantDesk API, plus the state of the link to the agent, for the header. */
export type ConsoleApi = PlantDeskContract & {
  /** Calls the listener now and on every change. */
  onLinkState(listener: (state: LinkState) => void): Unsubscribe;
  /** The session held could not be resumed after a reconnect (expired meanwhile), with the agent's reason. */
  onSessionLost(listener: (message: string) => void): Unsubscribe;
};

declare global {
  interface Window {
    /** Exposed by the Electron preload (main/shell/preload.cts): the whole PlantDesk API. */
    plantdesk?: PlantDeskContract;
  }
}

let instance: ConsoleApi | null = null;

export function getApi(): ConsoleApi {
  instance ??= window.plantdesk ? fromPreload(window.plantdesk) : new WsClient({ url: defaultWsUrl(window.location) });
  return instance;
}

/**
 * IPC to the preload does not drop like a socket, and a session there lives as long as the agent: the Electron
 * shell reports agent restarts itself. (The context bridge hands over a frozen copy, so it is spread, not extended.)
 */
function fromPreload(api: PlantDeskContract): ConsoleApi {
  return {
    ...api,
    onLinkState: (listener) => {
      listener('open');
      return () => undefined;
    },
    onSessionLost: () => () => undefined,
  };
}
