// The Queue screen: the ERP banner, the queue in large numerals, drain and buffer, throughput.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DrainPanel } from '../components/DrainPanel';
import { ErpOfflineBanner } from '../components/ErpOfflineBanner';
import { QueueSummary } from '../components/QueueSummary';
import { ThroughputChart } from '../components/ThroughputChart';
import { useScreensStore } from '../state/consoleScreens';
import { startThroughputFeed } from '../state/screensFeed';
import { useConsoleStore } from '../state/store';
import { useNow } from './useNow';

export function QueueScreen() {
  useEffect(() => startThroughputFeed(), []);
  const q = useConsoleStore((s) => s.queue);
  const clockOffsetMs = useConsoleStore((s) => s.clockOffsetMs);
  const throughput = useScreensStore(useShallow((s) => s.throughput));
  const now = useNow(1000);
  const sync = q?.sync ?? null;
  const buffered = q ? q.mapped + q.ready + q.sending : null;
  return (
    <div className="screen" data-testid="screen-queue">
      <ErpOfflineBanner
        erp={sync?.erp ?? null}
        since={sync?.since ?? null}
        forS={sync ? Math.max(0, (now + clockOffsetMs - Date.parse(sync.since)) / 1000) : null}
        buffered={buffered}
        nextAttemptAt={sync?.nextAttemptAt ?? null}
      />
      <div className="screen-grid">
        <QueueSummary
          pending={q ? q.mapped + q.ready : null}
          inFlight={q?.sending ?? null}
          postedPerHour={q?.postRatePerMin === undefined ? null : Math.round(q.postRatePerMin * 60)}
          exceptions={q?.exception ?? null}
          rejected={q?.rejected ?? null}
          oldestPendingAgeS={q?.oldestPendingAgeS ?? null}
        />
        <DrainPanel drain={sync?.drain ?? null} drainEtaS={q?.drainEtaS ?? null} bufferHoursLeft={q?.capacity?.bufferHoursLeft ?? null} />
        <div className="screen-wide">
          <ThroughputChart points={throughput} />
        </div>
      </div>
    </div>
  );
}
