// How the records are doing on their way to the ERP: pending, posted, exceptions, rejected raw messages.
import { formatAge, formatCount } from './format';

export interface QueueTilesProps {
  /** mapped + ready + sending */
  readonly pending: number | null;
  readonly posted: number | null;
  readonly exceptions: number | null;
  readonly rejected: number | null;
  readonly oldestPendingAgeS: number | null;
  /** Seconds until the queue is empty at the measured rates (QueueCounts.drainEtaS); null or absent when unknown. */
  readonly drainEtaS?: number | null;
}

interface Tile {
  readonly id: string;
  readonly label: string;
  readonly value: number | null;
  readonly note: string;
  /** Draws attention when the value is above zero. */
  readonly alert: boolean;
}

export function QueueTiles({ pending, posted, exceptions, rejected, oldestPendingAgeS, drainEtaS = null }: QueueTilesProps) {
  const drains = drainEtaS === null || !pending ? '' : ` · drains in ${formatAge(drainEtaS)}`;
  const tiles: Tile[] = [
    { id: 'pending', label: 'Pending', value: pending, note: oldestPendingAgeS === null ? 'nothing waiting' : `oldest ${formatAge(oldestPendingAgeS)}${drains}`, alert: false },
    { id: 'posted', label: 'Posted', value: posted, note: 'in the ERP', alert: false },
    { id: 'exceptions', label: 'Exceptions', value: exceptions, note: 'need a correction', alert: (exceptions ?? 0) > 0 },
    { id: 'rejected', label: 'Rejected', value: rejected, note: 'unreadable messages', alert: (rejected ?? 0) > 0 },
  ];
  return (
    <section className="panel queue-panel" aria-label="Queue to ERP">
      <h2 className="panel-title">Queue to ERP</h2>
      <div className="queue-tiles">
        {tiles.map((tile) => (
          <div key={tile.id} className={`tile tile-${tile.id}${tile.alert ? ' tile-alert' : ''}`} data-testid={`queue-${tile.id}`}>
            <span className="tile-label">{tile.label}</span>
            <span className="tile-value num">{formatCount(tile.value)}</span>
            <span className="tile-note">{tile.note}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
