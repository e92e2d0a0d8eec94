// The Orders screen: released orders with progress (refreshed every 10 s) and the trace of one record.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { OrderProgress, RecordTrace } from '../../../domain/api';
import { apiConsoleViews, type ConsoleViews } from '../api/consoleViews';
import { OrdersTable } from '../components/OrdersTable';
import { TracePanel } from '../components/TracePanel';
import { useConsoleStore } from '../state/store';

const REFRESH_MS = 10_000;

export function OrdersScreen({ views = apiConsoleViews }: { readonly views?: ConsoleViews }) {
  const link = useConsoleStore((s) => s.link);
  const recent = useConsoleStore((s) => s.recent);
  const [orders, setOrders] = useState<readonly OrderProgress[]>([]);
  const [ordersError, setOrdersError] = useState<string | null>(null);
  const [trace, setTrace] = useState<RecordTrace | null>(null);
  const [traceError, setTraceError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (link !== 'open') return undefined;
    const refresh = () => views.listOrders().then((list) => { setOrders(list); setOrdersError(null); }, (e: Error) => setOrdersError(e.message));
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [views, link]);

  const onTrace = useCallback((id: string) => {
    setBusy(true);
    views.traceRecord(id).then((t) => { setTrace(t); setTraceError(null); }, (e: Error) => { setTrace(null); setTraceError(e.message); }).finally(() => setBusy(false));
  }, [views]);

  const suggestions = useMemo(() => recent.filter((r) => r.status === 'posted').slice(0, 3).map((r) => ({ id: r.correlationId, label: `${r.line} ${r.orderId} ${r.erpDocument ?? ''}`.trim() })), [recent]);

  return (
    <div className="screen" data-testid="screen-orders">
      <OrdersTable orders={orders} error={ordersError} />
      <TracePanel trace={trace} error={traceError} busy={busy} suggestions={suggestions} onTrace={onTrace} />
    </div>
  );
}
