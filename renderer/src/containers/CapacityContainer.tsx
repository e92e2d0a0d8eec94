// Reads the capacity pushed with every dashboard snapshot (QueueCounts.capacity) and hands it to CapacityBanner.
import { useShallow } from 'zustand/react/shallow';
import { CapacityBanner } from '../components/CapacityBanner';
import { useConsoleStore } from '../state/store';

export function CapacityContainer() {
  const props = useConsoleStore(
    useShallow((s) => ({ capacity: s.queue?.capacity ?? null, drainEtaS: s.queue?.drainEtaS ?? null })),
  );
  return <CapacityBanner {...props} />;
}
