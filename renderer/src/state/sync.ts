// Wires the API to the store: link state, the dashboard stream, and a fresh snapshot after each (re)connect.
import type { Unsubscribe } from '../../../domain/api';
import type { ConsoleApi } from '../api/getApi';
import { applySnapshot, setHealth, setLinkState } from './actions';

export function startSync(api: ConsoleApi): Unsubscribe {
  const stopStream = api.onDashboard(applySnapshot);
  const stopLink = api.onLinkState((state) => {
    setLinkState(state);
    if (state !== 'open') return;
    // The stream only pushes changes from now on; fetch the current picture once per connection.
    api.getDashboard().then(applySnapshot, (error: unknown) => console.warn('PlantDesk: getDashboard failed', error));
    api.getHealth().then(setHealth, (error: unknown) => console.warn('PlantDesk: getHealth failed', error));
  });
  return () => {
    stopStream();
    stopLink();
  };
}
