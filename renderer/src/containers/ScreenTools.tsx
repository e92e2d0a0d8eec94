// The tools row of the Connections screen: the one-click diagnostics download for IT.
import { useState } from 'react';
import { apiConsoleViews, type ConsoleViews } from '../api/consoleViews';
import { DiagnosticsButton } from '../components/DiagnosticsButton';

/** Saves a JSON document as a file through a temporary object URL (works in the browser and in Electron). */
function download(fileName: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ScreenTools({ views = apiConsoleViews }: { readonly views?: ConsoleViews }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const exportBundle = () => {
    setBusy(true);
    setError(null);
    views.getDiagnostics().then(
      (bundle) => download(`plantdesk-diagnostics-${bundle.plant}-${bundle.generatedAt.replace(/[:.]/g, '-')}.json`, bundle),
      (e: Error) => setError(`diagnostics could not be prepared: ${e.message}`),
    ).finally(() => setBusy(false));
  };
  return (
    <div className="screen-tools">
      <DiagnosticsButton busy={busy} error={error} onExport={exportBundle} />
    </div>
  );
}
