// Feeds the throughput window from the dashboard store: each new queue of a snapshot is one sample.
import { samplePosted } from './consoleScreens';
import { useConsoleStore } from './store';

let started = false;

/** Idempotent; called by the Queue screen's container. */
export function startThroughputFeed(): void {
  if (started) return;
  started = true;
  useConsoleStore.subscribe((state, previous) => {
    if (state.queue !== previous.queue && state.queue && state.snapshotAt) samplePosted(state.queue.posted, Date.parse(state.snapshotAt));
  });
}
