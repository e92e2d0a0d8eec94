// `plantdesk audit verify --data DIR`: names the first changed or removed audit entry; exit code 0 when the log is
// intact, 1 when it is not, 2 for a usage or file problem.
import { parseArgs } from 'node:util';
import { verifyAuditFile } from '../agent/auth/auditCheck.js';

export const AUDIT_USAGE = `Usage: plantdesk audit verify --data DIR
  --data DIR   the data folder holding plantdesk.db (the agent may keep running)`;

export function runAudit(argv: readonly string[]): number {
  let data: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { data: { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals[0] !== 'verify' || positionals.length !== 1 || !values.data) throw new Error(positionals[0] === 'verify' ? '--data is required' : 'the only audit command is verify');
    data = values.data;
  } catch (error) {
    console.error(`plantdesk audit: ${(error as Error).message}\n${AUDIT_USAGE}`);
    return 2;
  }
  try {
    const result = verifyAuditFile(data);
    if (result.ok) {
      console.log(`audit log intact: ${result.entries} entries, hash chain unbroken`);
      return 0;
    }
    console.log(`audit log NOT intact: ${result.problem}; first bad entry: ${result.firstBadSeq}`);
    return 1;
  } catch (error) {
    console.error(`plantdesk audit: ${(error as Error).message}`);
    return 2;
  }
}
