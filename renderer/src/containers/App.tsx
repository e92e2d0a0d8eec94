// The console: header, navigation between pages, and the page chosen. Overview is the dashboard; more pages
// (issue 7) join PAGES and the switch below.
import { useState } from 'react';
import {
  ConnectionsContainer,
  HeaderContainer,
  LinesContainer,
  QueueContainer,
  RateChartContainer,
  RecordsContainer,
} from './containers';
import { CertificatesContainer } from './CertificatesContainer';
import { RejectedContainer } from './RejectedContainer';
import { SparkplugContainer } from './SparkplugContainer';
import { CapacityContainer } from './CapacityContainer';
import { ExceptionsContainer } from './ExceptionsContainer';
import { Navigation, type PageId } from '../components/Navigation';
import { useConsoleStore } from '../state/store';
import { CONSOLE_PAGES, ConsolePage, isConsolePage, ThemeToggleContainer } from './consolePages';

function Overview() {
  return (
    <main className="dashboard">
      <div className="area-lines">
        <LinesContainer />
      </div>
      <div className="area-queue">
        <QueueContainer />
      </div>
      <div className="area-chart">
        <RateChartContainer />
      </div>
      <div className="area-conns">
        <ConnectionsContainer />
      </div>
      <div className="area-records">
        <RecordsContainer />
      </div>
      <div className="area-sparkplug">
        <SparkplugContainer />
      </div>
      <div className="area-rejected">
        <RejectedContainer />
      </div>
      <div className="area-certs">
        <CertificatesContainer />
      </div>
    </main>
  );
}

export function App() {
  const [page, setPage] = useState<PageId>('overview');
  const openExceptions = useConsoleStore((s) => (s.queue ? s.queue.exception + s.queue.pending_approval : null));
  return (
    <div className="app">
      <HeaderContainer />
      <CapacityContainer />
      <div className="nav-row">
        <Navigation
          pages={[
            { id: 'overview', label: 'Overview' },
            { id: 'exceptions', label: 'Exceptions', count: openExceptions },
            ...CONSOLE_PAGES,
          ]}
          current={page}
          onSelect={setPage}
        />
        <ThemeToggleContainer />
      </div>
      {page === 'overview' ? <Overview /> : isConsolePage(page) ? <ConsolePage id={page} /> : <ExceptionsContainer />}
    </div>
  );
}
