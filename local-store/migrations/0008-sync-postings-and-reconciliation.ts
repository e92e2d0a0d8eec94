// Schema 9 (sync engine, issue 5):
//  - sync_posting: one ERP posting that sums several confirmations (aggregation). Its posting_id is the key the
//    ERP stores (ExternalSystemConfirmation) and what read-back looks for after a crash between post and commit.
//  - sync_posting_event: the link from every source event to its posting, so each source event can be traced to
//    the ERP document. An event is in at most one open posting (primary key).
//  - event_unfinished_final: the first unfinished final confirmation of an order in one index probe, so nothing
//    after a final is posted before it, without reading every pending body. Partial: only finals pay for it.
//  - reconciliation_finding / reconciliation_run: the last comparison of each order with the ERP's totals.
// IF NOT EXISTS: safe whatever its place among concurrently added migrations.
import type Database from 'better-sqlite3';

export function migration0008(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS sync_posting (
      posting_id TEXT PRIMARY KEY,
      order_id TEXT NOT NULL,
      operation TEXT NOT NULL,
      body TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('sending', 'posted', 'exception')),
      erp_document TEXT,
      events INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      finished_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS sync_posting_order ON sync_posting(order_id, status);

    CREATE TABLE IF NOT EXISTS sync_posting_event (
      event_id TEXT PRIMARY KEY,
      posting_id TEXT NOT NULL REFERENCES sync_posting(posting_id)
    );
    CREATE INDEX IF NOT EXISTS sync_posting_event_posting ON sync_posting_event(posting_id);

    CREATE INDEX IF NOT EXISTS event_unfinished_final ON event(order_id, id)
      WHERE status IN ('mapped', 'ready', 'sending', 'exception', 'pending_approval') AND json_extract(body, '$.final') = 1;

    CREATE TABLE IF NOT EXISTS reconciliation_finding (
      id INTEGER PRIMARY KEY,
      order_id TEXT NOT NULL,
      operation TEXT,
      kind TEXT NOT NULL,
      message TEXT NOT NULL,
      plantdesk_qty REAL,
      erp_qty REAL,
      erp_document TEXT,
      event_id TEXT,
      found_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS reconciliation_finding_order ON reconciliation_finding(order_id);

    CREATE TABLE IF NOT EXISTS reconciliation_run (
      order_id TEXT PRIMARY KEY,
      checked_at INTEGER NOT NULL,
      mismatches INTEGER NOT NULL,
      error TEXT
    );
  `);
}
