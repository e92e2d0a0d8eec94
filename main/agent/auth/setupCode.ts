// The one-time code that lets the first administrator be created: written to <data>/first-admin-code.txt, readable
// only by the account running the agent (0600), so only someone with access to this machine's files can use it.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSetupCode } from './tokens.js';

export const SETUP_CODE_FILE = 'first-admin-code.txt';

export interface SetupCode {
  readonly code: string;
  readonly file: string;
}

/** A fresh code each start while no account exists; an older file is replaced (its code no longer works). */
export function writeSetupCode(dataDir: string): SetupCode {
  const file = join(dataDir, SETUP_CODE_FILE);
  const code = newSetupCode();
  // Removed first: the mode of writeFileSync applies only to a file it creates, and 'wx' refuses a planted link.
  rmSync(file, { force: true });
  writeFileSync(file, `${code}\n`, { mode: 0o600, flag: 'wx' });
  return { code, file };
}

export function removeSetupCode(file: string): void {
  rmSync(file, { force: true });
}
