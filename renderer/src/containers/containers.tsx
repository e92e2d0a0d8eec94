// Containers: read the store (single values or useShallow) and hand plain props to the components.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConnectionsList } from '../components/ConnectionsList';
import { Header } from '../components/Header';
import { LinesPanel } from '../components/LinesPanel';
import { QueueTiles } from '../components/QueueTiles';
import { RateChart } from '../components/RateChart';
import { RecentRecords } from '../components/RecentRecords';
import { useConsoleStore } from '../state/store';
import { useNow } from './useNow';
import { SessionContainer } from './SessionContainer';

export function HeaderContainer() {
  const props = useConsoleStore(
    useShallow((s) => ({
      link: s.link,
      snapshotAt: s.snapshotAt,
      demo: s.health?.demo ?? false,
      version: s.health?.version ?? null,
      plant: s.health?.plant ?? null,
    })),
  );
  return (
    <Header {...props}>
      <SessionContainer />
    </Header>
  );
}

export function LinesContainer() {
  const lines = useConsoleStore((s) => s.lines);
  const clockOffsetMs = useConsoleStore((s) => s.clockOffsetMs);
  const now = useNow(1000);
  const items = useMemo(() => {
    const agentNow = now + clockOffsetMs;
    return lines.map((status) => ({
      status,
      ageS: status.lastDataAt === null ? null : Math.max(0, (agentNow - Date.parse(status.lastDataAt)) / 1000),
    }));
  }, [lines, clockOffsetMs, now]);
  return <LinesPanel lines={items} />;
}

export function QueueContainer() {
  const props = useConsoleStore(
    useShallow((s) => {
      const q = s.queue;
      return {
        pending: q ? q.mapped + q.ready + q.sending : null,
        posted: q?.posted ?? null,
        exceptions: q?.exception ?? null,
        rejected: q?.rejected ?? null,
        oldestPendingAgeS: q?.oldestPendingAgeS ?? null,
        drainEtaS: q?.drainEtaS ?? null,
      };
    }),
  );
  return <QueueTiles {...props} />;
}

export function ConnectionsContainer() {
  const connections = useConsoleStore((s) => s.connections);
  return <ConnectionsList connections={connections} />;
}

export function RateChartContainer() {
  const chart = useConsoleStore((s) => s.chart);
  return <RateChart data={chart} />;
}

export function RecordsContainer() {
  const recent = useConsoleStore((s) => s.recent);
  return <RecentRecords records={recent} />;
}
