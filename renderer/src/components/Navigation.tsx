// The console's pages: Overview (the dashboard) and Exceptions with its open count. Kept to a list of pages so
// issue 7's screens join it by adding entries.
import { Icon } from './Icon';

export type PageId = 'overview' | 'exceptions' | 'queue' | 'connections' | 'orders' | 'quality';

export interface NavigationPage {
  readonly id: PageId;
  readonly label: string;
  /** A count shown as a badge (open exceptions); null for none. */
  readonly count?: number | null;
}

export interface NavigationProps {
  readonly pages: readonly NavigationPage[];
  readonly current: PageId;
  readonly onSelect: (page: PageId) => void;
}

export function Navigation({ pages, current, onSelect }: NavigationProps) {
  return (
    <nav className="nav" aria-label="Pages">
      {pages.map((page) => (
        <button
          key={page.id}
          type="button"
          className={`nav-item${page.id === current ? ' nav-current' : ''}`}
          aria-current={page.id === current ? 'page' : undefined}
          data-testid={`nav-${page.id}`}
          onClick={() => onSelect(page.id)}
        >
          {page.label}
          {page.count !== undefined && page.count !== null && page.count > 0 && (
            <span className="nav-count tone-bad" data-testid={`nav-${page.id}-count`} aria-label={`${page.count} open`}>
              <Icon name="warning" /> {page.count}
            </span>
          )}
        </button>
      ))}
    </nav>
  );
}
