// ERP request metrics for /metrics: a decorator around the configured ErpAdapter that times each request and
// counts its outcome. One observation per request (a batch of up to maxBatch events), nothing on the intake path.
import { Counter, Histogram, type Registry } from 'prom-client';
import { ErpError, type ErpAdapter } from '../../connectors/erp/index.js';

/** The failure classes of adapter.ts, plus errors that are not ErpErrors (a bug, a refused socket before classification). */
export type ErpFailureClass = 'transient' | 'business' | 'ambiguous' | 'unknown';

export interface ErpMetrics {
  readonly requestSeconds: Histogram<'operation' | 'outcome'>;
  readonly posted: Counter;
  readonly failures: Counter<'class'>;
}

/** Buckets from 10 ms to 30 s: an S/4HANA $batch takes 0.2-2 s, a timeout is 15 s by default. */
const LATENCY_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

export function createErpMetrics(registry: Registry): ErpMetrics {
  return {
    requestSeconds: new Histogram({
      name: 'plantdesk_erp_request_duration_seconds',
      help: 'ERP requests by operation (post, find, probe, orders, totals) and outcome (ok or failure class), in seconds.',
      labelNames: ['operation', 'outcome'], buckets: LATENCY_BUCKETS_S, registers: [registry],
    }),
    posted: new Counter({ name: 'plantdesk_erp_posted_total', help: 'Confirmations the ERP accepted (one per event or aggregated posting).', registers: [registry] }),
    failures: new Counter({
      name: 'plantdesk_erp_failures_total',
      help: 'Failed ERP postings by class: transient (not posted, retried), business (refused, an exception), ambiguous (read back), unknown.',
      labelNames: ['class'], registers: [registry],
    }),
  };
}

function failureClass(error: unknown): ErpFailureClass {
  return error instanceof ErpError ? error.kind : 'unknown';
}

/** The adapter with every request timed; postings counted per item (a batch's items may fail one by one). */
export function instrumentErpAdapter(adapter: ErpAdapter, metrics: ErpMetrics): ErpAdapter {
  async function timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const end = metrics.requestSeconds.startTimer({ operation });
    try {
      const result = await call();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: failureClass(error) });
      throw error;
    }
  }
  return {
    kind: adapter.kind,
    endpoint: adapter.endpoint,
    maxBatch: adapter.maxBatch,
    fetchReleasedOrders: (plant) => timed('orders', () => adapter.fetchReleasedOrders(plant)),
    async postConfirmation(item) {
      try {
        const document = await timed('post', () => adapter.postConfirmation(item));
        metrics.posted.inc();
        return document;
      } catch (error) {
        metrics.failures.inc({ class: failureClass(error) });
        throw error;
      }
    },
    async postConfirmations(items) {
      let outcomes;
      try {
        outcomes = await timed('post', () => adapter.postConfirmations(items));
      } catch (error) {
        // The request failed as a whole: every item shares its class.
        metrics.failures.inc({ class: failureClass(error) }, items.length);
        throw error;
      }
      for (const outcome of outcomes) {
        if (outcome.ok) metrics.posted.inc();
        else metrics.failures.inc({ class: failureClass(outcome.error) });
      }
      return outcomes;
    },
    findConfirmation: (eventId) => timed('find', () => adapter.findConfirmation(eventId)),
    probe: () => timed('probe', () => adapter.probe()),
    readOrderTotals: (orderId) => timed('totals', () => adapter.readOrderTotals(orderId)),
  };
}
