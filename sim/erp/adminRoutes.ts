// The simulators' test and demo controls under /sim/ (no auth, never part of the ERP contract):
//   GET  /sim/faults            the fault knobs now (script shows the one-shot faults still pending)
//   POST /sim/faults            replace the knobs (JSON, faultConfig.ts); 400 names every bad key
//   GET  /sim/counts            records per client key, duplicates visible
//   GET  /sim/requests          arrival log; DELETE clears it
//   POST /sim/cancel            cancel a posting in the ERP: {"document":"…"} or {"key":"<event id>"}
import type { Faults } from './faults.js';
import type { KeyCounts, RequestLog } from './requestLog.js';

export const ADMIN_PREFIX = '/sim/';

export interface AdminDeps {
  readonly faults: Faults;
  readonly log: RequestLog;
  counts(): KeyCounts;
  /** Cancels one stored posting; returns its document or a reason why not. */
  cancel(target: { readonly document?: string; readonly key?: string }): { readonly document: string } | { readonly error: string };
}

export interface AdminReply {
  readonly status: number;
  readonly body: unknown;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  return JSON.parse(body.toString('utf8'));
}

export function handleAdmin(deps: AdminDeps, method: string, pathname: string, body: Buffer): AdminReply {
  const route = `${method} ${pathname.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /sim/faults':
        return { status: 200, body: deps.faults.config };
      case 'POST /sim/faults':
        return { status: 200, body: deps.faults.set(parseJson(body)) };
      case 'GET /sim/counts':
        return { status: 200, body: deps.counts() };
      case 'GET /sim/requests':
        return { status: 200, body: deps.log.entries };
      case 'DELETE /sim/requests':
        deps.log.clear();
        return { status: 204, body: undefined };
      case 'POST /sim/cancel': {
        const target = parseJson(body) as { document?: unknown; key?: unknown };
        const document = typeof target.document === 'string' ? target.document : undefined;
        const key = typeof target.key === 'string' ? target.key : undefined;
        if (document === undefined && key === undefined) return { status: 400, body: { error: 'send {"document":"…"} or {"key":"…"}' } };
        const result = deps.cancel({ ...(document === undefined ? {} : { document }), ...(key === undefined ? {} : { key }) });
        return 'error' in result ? { status: 404, body: result } : { status: 200, body: result };
      }
      default:
        return { status: 404, body: { error: `no simulator control ${route}; see sim/erp/adminRoutes.ts` } };
    }
  } catch (error) {
    return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}
