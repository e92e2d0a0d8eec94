// The last reconciliation of each order with the ERP (migration 0008): findings replace the order's previous
// ones in one transaction, so the console always shows one consistent comparison per order.
import type { ReadableDb, WritableDb } from './database.js';
import { inTransaction, statement } from './statements.js';

import type { ReconciliationFinding, ReconciliationKind } from '../domain/index.js';
export type { ReconciliationKind };

/** A finding as stored: the domain's, with its time in epoch milliseconds. */
export type ReconciliationFindingRow = Omit<ReconciliationFinding, 'foundAt'> & { readonly foundAt: number };

export function replaceReconciliation(db: WritableDb, orderId: string, at: number, findings: readonly Omit<ReconciliationFindingRow, 'foundAt'>[], error: string | null = null): void {
  inTransaction(db, () => {
    // A failed read keeps the previous findings: not knowing is not the same as matching.
    if (error === null) {
      statement(db, 'DELETE FROM reconciliation_finding WHERE order_id = ?').run(orderId);
      for (const f of findings) {
        statement(db, `INSERT INTO reconciliation_finding (order_id, operation, kind, message, plantdesk_qty, erp_qty, erp_document, event_id, found_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(orderId, f.operation, f.kind, f.message, f.plantdeskQty, f.erpQty, f.erpDocument, f.eventId, at);
      }
    }
    statement(db, `INSERT INTO reconciliation_run (order_id, checked_at, mismatches, error) VALUES (?, ?, ?, ?)
      ON CONFLICT(order_id) DO UPDATE SET checked_at = excluded.checked_at, mismatches = CASE WHEN excluded.error IS NULL THEN excluded.mismatches ELSE mismatches END, error = excluded.error`)
      .run(orderId, at, findings.length, error);
  });
}

interface FindingRow { order_id: string; operation: string | null; kind: ReconciliationKind; message: string; plantdesk_qty: number | null; erp_qty: number | null; erp_document: string | null; event_id: string | null; found_at: number }

export function listReconciliationFindings(db: ReadableDb, orderId?: string, limit = 500): ReconciliationFindingRow[] {
  const rows = (orderId === undefined
    ? statement(db, 'SELECT * FROM reconciliation_finding ORDER BY id DESC LIMIT ?').all(limit)
    : statement(db, 'SELECT * FROM reconciliation_finding WHERE order_id = ? ORDER BY id DESC LIMIT ?').all(orderId, limit)) as FindingRow[];
  return rows.map((r) => ({
    orderId: r.order_id, operation: r.operation, kind: r.kind, message: r.message, plantdeskQty: r.plantdesk_qty, erpQty: r.erp_qty,
    erpDocument: r.erp_document, eventId: r.event_id, foundAt: r.found_at,
  }));
}

export function countReconciliationFindings(db: ReadableDb): number {
  return (statement(db, 'SELECT COUNT(*) AS n FROM reconciliation_finding').get() as { n: number }).n;
}

export function lastReconciliationAt(db: ReadableDb): number | null {
  return (statement(db, 'SELECT MAX(checked_at) AS t FROM reconciliation_run').get() as { t: number | null }).t;
}
