// The dashboard page: header over lines, queue, connections, rate chart and recent records.
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

export function App() {
  return (
    <div className="app">
      <HeaderContainer />
      <CapacityContainer />
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
    </div>
  );
}
