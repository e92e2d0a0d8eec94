// The buffer's disk budget at a glance, shown only while it needs attention: near the budget (hours of buffer
// left), shedding telemetry, or intake paused (budget reached, disk full), with the facts behind the words.
import type { CapacityStatus } from '../../../domain/api';
import { formatAge, formatCount } from './format';
import { StatusBadge } from './StatusBadge';

export interface CapacityBannerProps {
  readonly capacity: CapacityStatus | null;
  /** Seconds until the queue to the ERP is empty at the measured rates; null when unknown. */
  readonly drainEtaS: number | null;
}

function hours(h: number | null): string {
  if (h === null) return 'no business records arriving';
  return `${formatAge(h * 3600)} of buffer left`;
}

export function CapacityBanner({ capacity, drainEtaS }: CapacityBannerProps) {
  if (!capacity?.warning) return null;
  const paused = capacity.intakePaused;
  const label = capacity.reason === 'disk-full' ? 'Disk full' : paused ? 'Intake paused' : 'Buffer filling';
  const facts = [
    `${formatCount(capacity.usedMb)} of ${formatCount(capacity.effectiveBudgetMb)} MB`,
    paused ? `${formatCount(capacity.heldMessages)} messages held, not acknowledged` : hours(capacity.bufferHoursLeft),
    `${formatCount(capacity.telemetryShed)} telemetry rows shed`,
    ...(drainEtaS === null ? [] : [`queue to ERP drains in ${formatAge(drainEtaS)}`]),
  ];
  return (
    <section className={`capacity-banner capacity-${paused ? 'bad' : 'warn'}`} role="alert" aria-label="Disk budget" data-testid="capacity-banner" data-reason={capacity.reason ?? 'none'}>
      <StatusBadge tone={paused ? 'bad' : 'warn'} icon={paused ? 'stop' : 'warning'} label={label} large />
      <p className="capacity-text">{capacity.warning}</p>
      <ul className="capacity-facts num">
        {facts.map((fact) => (
          <li key={fact}>{fact}</li>
        ))}
      </ul>
    </section>
  );
}
