// The Connections screen: every source and the ERP with freshness, latency, plain-word errors and certificate
// expiry; below it the existing certificate trust flow and the diagnostics export for IT.
import { useEffect, useMemo, useState } from 'react';
import type { CertificateList, PlantDeskApi } from '../../../domain/api';
import { getApi } from '../api/getApi';
import { erpLatencyFromMetrics, apiConsoleViews, type ConsoleViews } from '../api/consoleViews';
import { ConnectionsTable, type ConnectionRow } from '../components/ConnectionsTable';
import { useConsoleStore } from '../state/store';
import { CertificatesContainer } from './CertificatesContainer';
import { ScreenTools } from './ScreenTools';
import { useNow } from './useNow';

const REFRESH_MS = 10_000;

export function ConnectionsScreen({ api = getApi(), views = apiConsoleViews }: { readonly api?: Pick<PlantDeskApi, 'listCertificates'>; readonly views?: ConsoleViews }) {
  const connections = useConsoleStore((s) => s.connections);
  const clockOffsetMs = useConsoleStore((s) => s.clockOffsetMs);
  const link = useConsoleStore((s) => s.link);
  const hasOpcua = connections.some((c) => c.kind === 'opcua');
  const [certificates, setCertificates] = useState<CertificateList | null>(null);
  const [erpLatencyMs, setErpLatencyMs] = useState<number | null>(null);
  const now = useNow(1000);

  useEffect(() => {
    if (link !== 'open') return undefined;
    const refresh = () => {
      if (hasOpcua) api.listCertificates().then(setCertificates, () => setCertificates(null));
      views.getMetricsText().then((text) => setErpLatencyMs(erpLatencyFromMetrics(text)?.meanMs ?? null), () => setErpLatencyMs(null));
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [api, views, link, hasOpcua]);

  const rows = useMemo((): ConnectionRow[] => {
    const agentNow = now + clockOffsetMs;
    return connections.map((status) => {
      const cert = status.kind === 'opcua' ? certificates?.servers.find((c) => c.source === status.name && c.status === 'trusted') ?? certificates?.servers.find((c) => c.source === status.name) : undefined;
      return {
        status,
        dataAgeS: status.lastDataAt === null ? null : Math.max(0, (agentNow - Date.parse(status.lastDataAt)) / 1000),
        latencyMs: status.kind === 'erp' && erpLatencyMs !== null ? Math.round(erpLatencyMs) : null,
        certificateDays: cert?.daysToExpiry ?? null,
      };
    });
  }, [connections, certificates, erpLatencyMs, clockOffsetMs, now]);

  return (
    <div className="screen" data-testid="screen-connections">
      <ScreenTools views={views} />
      <ConnectionsTable rows={rows} />
      <CertificatesContainer />
    </div>
  );
}
