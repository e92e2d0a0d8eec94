// `plantdesk audit verify`: checks the audit log of a data folder without the agent, on a read-only connection
// (nothing is migrated or written, so it is safe next to a running agent and on a copy taken for an auditor).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditVerification } from '../../../domain/index.js';
import { verifyAudit, type ReadableDb } from '../../../local-store/index.js';

export function verifyAuditFile(dataDir: string): AuditVerification {
  const file = join(dataDir, 'plantdesk.db');
  if (!existsSync(file)) throw new Error(`no PlantDesk database at ${file}; give the data folder with --data`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasLog = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get() !== undefined;
    if (!hasLog) throw new Error(`${file} has no audit log (schema older than 2); start the agent once to upgrade it`);
    return verifyAudit(db as ReadableDb);
  } finally {
    db.close();
  }
}
