// Top bar: product, plant, and whether the console still hears the agent (and since when data is shown).
import type { ReactNode } from 'react';
import type { LinkState } from '../api/wsTypes';
import { formatTime, LINK_STATE_LOOK } from './format';
import { StatusBadge } from './StatusBadge';

export interface HeaderProps {
  /** Plant shown next to the product name; null when not known yet. */
  readonly plant: string | null;
  readonly demo: boolean;
  readonly version: string | null;
  readonly link: LinkState;
  /** Agent time of the data on screen. */
  readonly snapshotAt: string | null;
  /** Right end of the bar: who is logged in (SessionContainer). */
  readonly children?: ReactNode;
}

export function Header({ plant, demo, version, link, snapshotAt, children }: HeaderProps) {
  const look = LINK_STATE_LOOK[link];
  return (
    <header className="app-header" data-testid="header" data-link={link}>
      <div className="brand">
        <span className="brand-name">PlantDesk</span>
        {version && <span className="brand-version">v{version}</span>}
      </div>
      <div className="plant">
        <span className="plant-label">Plant</span>
        <span className="plant-name">{plant ?? '—'}</span>
        {demo && <span className="demo-tag">Demo</span>}
      </div>
      <div className="link">
        <StatusBadge tone={look.tone} icon={look.icon} label={look.label} />
        <span className="link-asof">
          Data as of <time className="num">{formatTime(snapshotAt)}</time>
        </span>
      </div>
      {children}
    </header>
  );
}
