// Released orders from the ERP cache with PlantDesk's progress: posted, on its way, exceptions.
import type { OrderProgress, OrderProgressStatus } from '../../../domain/api';
import type { StateLook } from './format';
import { StatusBadge } from './StatusBadge';
import { formatCount, formatTime } from './format';

export const ORDER_STATUS_LOOK: Readonly<Record<OrderProgressStatus, StateLook>> = {
  released: { tone: 'neutral', icon: 'pause', label: 'Released' },
  in_progress: { tone: 'busy', icon: 'play', label: 'In progress' },
  complete: { tone: 'ok', icon: 'check', label: 'Complete' },
  closed: { tone: 'neutral', icon: 'stop', label: 'Closed' },
  not_released: { tone: 'warn', icon: 'warning', label: 'Not released' },
};

export interface OrdersTableProps {
  readonly orders: readonly OrderProgress[];
  readonly error: string | null;
}

export function OrdersTable({ orders, error }: OrdersTableProps) {
  return (
    <section className="panel" aria-labelledby="orders-title">
      <h2 className="panel-title" id="orders-title">Released orders <span className="panel-note">from the ERP cache{orders[0] ? `, read ${formatTime(orders[0].fetchedAt)}` : ''}</span></h2>
      {error ? <p className="cert-error" role="alert">{error}</p> : null}
      {orders.length === 0 && !error ? <p className="empty">No orders cached yet.</p> : null}
      {orders.length > 0 ? (
        <div className="table-scroll">
          <table className="records orders-table">
            <thead>
              <tr>
                <th scope="col">Order</th><th scope="col">Material</th><th scope="col">Status</th><th scope="col">Progress</th>
                <th scope="col" className="right">Posted</th><th scope="col" className="right">On its way</th><th scope="col" className="right">Scrap</th>
                <th scope="col" className="right">Exceptions</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => {
                const look = ORDER_STATUS_LOOK[o.status];
                const shown = Math.min(100, o.progressPct);
                return (
                  <tr key={o.orderId} data-testid={`order-${o.orderId}`}>
                    <td className="mono">{o.orderId}</td>
                    <td>{o.material}</td>
                    <td><StatusBadge tone={look.tone} icon={look.icon} label={look.label} /></td>
                    <td className="progress-cell">
                      <div className="progress" role="progressbar" aria-label={`Order ${o.orderId} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={shown}>
                        <div className="progress-fill" style={{ width: `${shown}%` }} />
                      </div>
                      <span className="num progress-text">{o.progressPct.toFixed(1)} % of {formatCount(o.quantity)} {o.unit}</span>
                    </td>
                    <td className="right num">{formatCount(o.postedQty)}</td>
                    <td className="right num">{formatCount(o.pendingQty)}</td>
                    <td className="right num">{formatCount(o.scrapQty)}</td>
                    <td className={`right num${o.exceptions > 0 ? ' tone-bad' : ''}`}>{formatCount(o.exceptions)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
