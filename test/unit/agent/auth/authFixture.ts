// A real AuthService on a temp SQLite file with a test clock and cheap hashes (the production cost is tested in
// password.test.ts), and accounts with the given roles.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { Role } from '../../../../domain/index.js';
import { openDatabase, type WritableDb } from '../../../../local-store/index.js';
import { AuthService } from '../../../../main/agent/auth/authService.js';
import { AuthConfigSchema, type AuthConfig } from '../../../../main/agent/auth/configSchema.js';
import { createLogger } from '../../../../main/agent/logger.js';

export const CHEAP_COST = { log2N: 10, r: 8, p: 1 };
export const PASSWORD = 'correct horse battery';

export interface AuthFixture {
  readonly db: WritableDb;
  readonly dataDir: string;
  readonly auth: AuthService;
  readonly clock: { now: number };
  /** Everything the agent logged, as text. */
  readonly logs: () => string;
  /** A fresh AuthService on the same file, as after a restart. */
  restart(): AuthService;
}

export function authFixture(config: Partial<AuthConfig> = {}, failureDelayMs = 0): AuthFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'plantdesk-auth-'));
  const db = openDatabase(join(dataDir, 'plantdesk.db'));
  onTestFinished(() => {
    if (db.open) db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  let logged = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { logged += chunk.toString(); done(); } });
  const clock = { now: Date.parse('2026-11-25T06:00:00Z') };
  const make = (): AuthService => new AuthService({
    db, config: AuthConfigSchema.parse(config), logger: createLogger('info', sink), dataDir, now: () => clock.now, failureDelayMs, scryptCost: CHEAP_COST,
  });
  return { db, dataDir, auth: make(), clock, logs: () => logged, restart: make };
}

/** Creates accounts named after their roles (e.g. 'supervisor', 'engineer+admin'), all with PASSWORD. */
export async function seedUsers(auth: AuthService, roleSets: readonly (readonly Role[])[]): Promise<void> {
  await auth.start(roleSets.map((roles) => ({ name: roles.join('+'), password: PASSWORD, roles })));
}
