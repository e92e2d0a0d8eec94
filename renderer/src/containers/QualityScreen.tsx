// The Quality screen: the stored quality results of the last 24 h, refreshed every 15 s.
import { useEffect, useState } from 'react';
import type { QualitySummary } from '../../../domain/api';
import { apiConsoleViews, type ConsoleViews } from '../api/consoleViews';
import { QualityView } from '../components/QualityView';
import { useConsoleStore } from '../state/store';

const REFRESH_MS = 15_000;

export function QualityScreen({ views = apiConsoleViews }: { readonly views?: ConsoleViews }) {
  const link = useConsoleStore((s) => s.link);
  const [summary, setSummary] = useState<QualitySummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (link !== 'open') return undefined;
    const refresh = () => views.getQuality().then((q) => { setSummary(q); setError(null); }, (e: Error) => setError(e.message));
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [views, link]);
  return (
    <div className="screen" data-testid="screen-quality">
      <QualityView summary={summary} error={error} />
    </div>
  );
}
