// The row of line cards, or a plain message while no line has reported yet.
import type { LineStatus } from '../../../domain/api';
import { LineCard } from './LineCard';

export interface LinesPanelProps {
  readonly lines: readonly { readonly status: LineStatus; readonly ageS: number | null }[];
}

export function LinesPanel({ lines }: LinesPanelProps) {
  return (
    <section className="panel lines-panel" aria-label="Lines">
      {lines.length === 0 ? (
        <p className="empty">Waiting for the first data from the lines…</p>
      ) : (
        <div className="line-grid">
          {lines.map(({ status, ageS }) => (
            <LineCard key={status.line} status={status} ageS={ageS} />
          ))}
        </div>
      )}
    </section>
  );
}
