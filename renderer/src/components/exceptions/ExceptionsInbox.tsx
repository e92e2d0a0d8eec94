// The exceptions inbox: filters (rule, line, order, age), a grouping summary and one row per exception. Rows are
// buttons, so the list is used with Tab and Enter; the state reads as colour, icon and text.
import type { ExceptionList, ExceptionQuery } from '../../../../domain/api';
import { StatusBadge } from '../StatusBadge';
import { formatCount } from '../format';
import { exceptionLook } from './look';

export interface InboxFilter {
  readonly rule: string;
  readonly line: string;
  readonly orderId: string;
  /** '' for any age, else minutes. */
  readonly olderThanMin: string;
  readonly status: '' | 'exception' | 'pending_approval';
  readonly groupBy: '' | NonNullable<ExceptionQuery['groupBy']>;
}

export const EMPTY_FILTER: InboxFilter = { rule: '', line: '', orderId: '', olderThanMin: '', status: '', groupBy: 'rule' };

export interface ExceptionsInboxProps {
  readonly list: ExceptionList | null;
  readonly filter: InboxFilter;
  /** Rule codes to offer in the filter (the catalogue plus what the list holds). */
  readonly rules: readonly string[];
  readonly selectedId: string | null;
  readonly loadError: string | null;
  readonly onFilter: (filter: InboxFilter) => void;
  readonly onOpen: (eventId: string) => void;
}

export function ExceptionsInbox({ list, filter, rules, selectedId, loadError, onFilter, onOpen }: ExceptionsInboxProps) {
  const set = (patch: Partial<InboxFilter>) => onFilter({ ...filter, ...patch });
  return (
    <section className="panel exceptions-inbox" aria-labelledby="inbox-title">
      <h2 className="panel-title" id="inbox-title">
        Exceptions {list && <span data-testid="inbox-total">({formatCount(list.total.exception)} open, {formatCount(list.total.pendingApproval)} awaiting approval)</span>}
      </h2>
      <div className="filters" role="search">
        <label>
          Rule
          <select value={filter.rule} onChange={(e) => set({ rule: e.target.value })} data-testid="filter-rule">
            <option value="">any</option>
            {rules.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Line
          <input value={filter.line} onChange={(e) => set({ line: e.target.value })} size={6} data-testid="filter-line" />
        </label>
        <label>
          Order
          <input value={filter.orderId} onChange={(e) => set({ orderId: e.target.value })} size={10} data-testid="filter-order" />
        </label>
        <label>
          Age
          <select value={filter.olderThanMin} onChange={(e) => set({ olderThanMin: e.target.value })} data-testid="filter-age">
            <option value="">any</option>
            <option value="60">older than 1 h</option>
            <option value="1440">older than 24 h</option>
          </select>
        </label>
        <label>
          Status
          <select value={filter.status} onChange={(e) => set({ status: e.target.value as InboxFilter['status'] })} data-testid="filter-status">
            <option value="">open and awaiting approval</option>
            <option value="exception">open</option>
            <option value="pending_approval">awaiting approval</option>
          </select>
        </label>
        <label>
          Group by
          <select value={filter.groupBy} onChange={(e) => set({ groupBy: e.target.value as InboxFilter['groupBy'] })} data-testid="filter-group">
            <option value="">none</option>
            <option value="rule">rule</option>
            <option value="line">line</option>
            <option value="order">order</option>
            <option value="age">age</option>
          </select>
        </label>
      </div>
      {loadError && <p className="form-error" role="alert">{loadError}</p>}
      {list && list.groups.length > 0 && (
        <ul className="groups" aria-label={`Grouped by ${filter.groupBy}`}>
          {list.groups.map((g) => (
            <li key={g.key}>
              <span className="group-key">{g.key}</span> <span className="group-count">{g.count}</span>
            </li>
          ))}
        </ul>
      )}
      {list && list.items.length === 0 && <p className="empty">No exceptions match. Nothing waits for a supervisor.</p>}
      {list && list.items.length > 0 && (
        <ul className="exception-rows">
          {list.items.map((item) => {
            const look = exceptionLook(item);
            return (
              <li key={item.eventId}>
                <button
                  type="button"
                  className={`exception-row${item.eventId === selectedId ? ' selected' : ''}`}
                  data-testid="exception-row"
                  data-event-id={item.eventId}
                  data-rules={item.reasons.map((r) => r.code).join(' ')}
                  aria-pressed={item.eventId === selectedId}
                  onClick={() => onOpen(item.eventId)}
                >
                  <StatusBadge {...look} />
                  <span className="row-rules">{item.reasons.map((r) => r.code).join(', ') || '—'}</span>
                  <span>line {item.line}</span>
                  <span>order {item.orderId}/{item.operation}</span>
                  <span>{item.quantity} {item.unit}</span>
                  <span className="row-age">{item.ageMin < 60 ? `${item.ageMin} min` : `${Math.floor(item.ageMin / 60)} h`}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
