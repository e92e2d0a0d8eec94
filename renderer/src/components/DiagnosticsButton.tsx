// One click: the diagnostics bundle (logs, configuration without secrets, queue statistics, versions) as a file.
export interface DiagnosticsButtonProps {
  readonly busy: boolean;
  readonly error: string | null;
  onExport(): void;
}

export function DiagnosticsButton({ busy, error, onExport }: DiagnosticsButtonProps) {
  return (
    <span className="diagnostics">
      <button type="button" className="tool-button" onClick={onExport} disabled={busy} data-testid="diagnostics-export">
        {busy ? 'Preparing…' : '⤓ Download diagnostics'}
      </button>
      {error ? <span className="cert-error" role="alert">{error}</span> : null}
    </span>
  );
}
