// The Quality screen's read model, from the stored quality results (status recorded): results and defects per
// line and per order, first-pass yield, and final confirmations whose order has no quality result yet.
import { QualityQuerySchema, type EventStatus, type MissingQualityRecord, type QualityGroup, type QualityQuery, type QualitySummary } from '../../domain/index.js';
import type { ReadableDb } from '../../local-store/index.js';

/** Results read at most: a day of a busy plant; the screen shows aggregates, not rows. */
const MAX_RESULTS = 50_000;

interface ResultRow { line: string; order_id: string; operation: string; characteristic: string; passed: number; defect: string | null }

interface Tally { results: number; failed: number; firstSeen: number; firstPassed: number; defects: Map<string, number> }

function tally(): Tally {
  return { results: 0, failed: 0, firstSeen: 0, firstPassed: 0, defects: new Map() };
}

function toGroup(line: string, orderId: string | null, t: Tally): QualityGroup {
  return {
    line, orderId, results: t.results, failed: t.failed,
    firstPassYieldPct: t.firstSeen === 0 ? null : Math.round((t.firstPassed / t.firstSeen) * 1000) / 10,
    defects: [...t.defects].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  };
}

/**
 * First-pass yield: of the characteristics inspected per order and operation, the share whose first result
 * passed. A re-inspection after rework does not raise it.
 */
export function qualitySummary(db: ReadableDb, query: QualityQuery = {}, now = Date.now()): QualitySummary {
  const { hours } = QualityQuerySchema.parse(query);
  const since = now - hours * 3_600_000;
  // Quality results are stored as 'recorded' (event_status_order index), oldest first so "first" is the first.
  const rows = db.prepare(`
    SELECT json_extract(body, '$.line') AS line, order_id, json_extract(body, '$.operation') AS operation,
           json_extract(body, '$.characteristic') AS characteristic, json_extract(body, '$.passed') AS passed,
           json_extract(body, '$.defectCode') AS defect
      FROM event WHERE status = 'recorded' AND kind = 'quality' AND created_at >= ? ORDER BY id LIMIT ?`).all(since, MAX_RESULTS) as ResultRow[];
  const byLine = new Map<string, Tally>();
  const byOrder = new Map<string, { line: string; orderId: string; tally: Tally }>();
  const seen = new Set<string>();
  for (const row of rows) {
    const passed = row.passed === 1;
    const first = !seen.has(`${row.order_id}\u0000${row.operation}\u0000${row.characteristic}`);
    if (first) seen.add(`${row.order_id}\u0000${row.operation}\u0000${row.characteristic}`);
    const lineTally = byLine.get(row.line) ?? tally();
    byLine.set(row.line, lineTally);
    const orderKey = `${row.line}\u0000${row.order_id}`;
    const orderEntry = byOrder.get(orderKey) ?? { line: row.line, orderId: row.order_id, tally: tally() };
    byOrder.set(orderKey, orderEntry);
    for (const t of [lineTally, orderEntry.tally]) {
      t.results++;
      if (!passed) t.failed++;
      if (first) {
        t.firstSeen++;
        if (passed) t.firstPassed++;
      }
      if (!passed || row.defect) {
        const code = row.defect ?? 'failed, no code';
        t.defects.set(code, (t.defects.get(code) ?? 0) + 1);
      }
    }
  }
  return {
    since: new Date(since).toISOString(),
    lines: [...byLine].map(([line, t]) => toGroup(line, null, t)).sort((a, b) => a.line.localeCompare(b.line)),
    orders: [...byOrder.values()].map((o) => toGroup(o.line, o.orderId, o.tally)).sort((a, b) => a.line.localeCompare(b.line) || a.orderId!.localeCompare(b.orderId!)),
    finalsMissingQuality: finalsMissingQuality(db, since),
  };
}

interface FinalRow { event_id: string; line: string; order_id: string; operation: string; status: string; created_at: number }

/** Final confirmations (not voided) of orders that have no quality result at all. */
function finalsMissingQuality(db: ReadableDb, since: number): MissingQualityRecord[] {
  const rows = db.prepare(`
    SELECT e.event_id, json_extract(e.body, '$.line') AS line, e.order_id, json_extract(e.body, '$.operation') AS operation, e.status, e.created_at
      FROM event e
     WHERE e.kind = 'confirmation' AND e.status != 'voided' AND e.created_at >= ? AND json_extract(e.body, '$.final') = 1
       AND NOT EXISTS (SELECT 1 FROM event q WHERE q.order_id = e.order_id AND q.kind = 'quality')
     ORDER BY e.id DESC LIMIT 200`).all(since) as FinalRow[];
  return rows.map((r) => ({ eventId: r.event_id, line: r.line, orderId: r.order_id, operation: r.operation, status: r.status as EventStatus, receivedAt: new Date(r.created_at).toISOString() }));
}
