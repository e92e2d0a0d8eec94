// The audit log as CSV for auditors (csv-stringify: quoting of commas, quotes and newlines in JSON before/after
// values is a solved problem). One row per entry, oldest first, with the hash so a copy can be checked.
import { stringify } from 'csv-stringify/sync';
import type { AuditCsv, AuditCsvQuery } from '../../../domain/index.js';
import { AuditCsvQuerySchema } from '../../../domain/index.js';
import { auditPage, type ReadableDb } from '../../../local-store/index.js';

const PAGE = 5000;
export const AUDIT_CSV_COLUMNS = ['seq', 'at', 'actor', 'action', 'subject', 'before', 'after', 'reason', 'correlation_id', 'hash'] as const;

export function exportAuditCsv(db: ReadableDb, query: AuditCsvQuery = {}, now: Date = new Date()): AuditCsv {
  const { from, to } = AuditCsvQuerySchema.parse(query);
  const fromMs = from ? Date.parse(from) : 0;
  const toMs = to ? Date.parse(to) : Number.MAX_SAFE_INTEGER;
  const rows: string[][] = [];
  for (let after = 0; ;) {
    const page = auditPage(db, after, PAGE, fromMs, toMs);
    for (const r of page) {
      rows.push([String(r.seq), new Date(r.at).toISOString(), r.actor, r.action, r.subject, r.before ?? '', r.after ?? '', r.reason ?? '', r.correlationId ?? '', r.hash]);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  const csv = stringify(rows, { header: true, columns: [...AUDIT_CSV_COLUMNS], record_delimiter: 'windows' });
  return { fileName: `plantdesk-audit-${now.toISOString().slice(0, 10)}.csv`, contentType: 'text/csv; charset=utf-8', csv, entries: rows.length };
}
