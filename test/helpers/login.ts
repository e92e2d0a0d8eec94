// Logs a test in to a running agent over its HTTP API, as a user would: the first administrator with the setup code
// the agent wrote to <dataDir>/first-admin-code.txt, then an account with the roles the test needs.
// Usage: `const token = await loginWithRoles(url, dataDir, ['engineer'])`, then `authorization: Bearer ${token}`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../domain/index.js';

const ADMIN_PASSWORD = 'test-admin-password';
const USER_PASSWORD = 'test-user-password';
/** The admin's token per agent URL, so a second login on one agent does not need the (used) setup code. */
const admins = new Map<string, string>();

async function post(url: string, body: unknown, token?: string): Promise<{ token?: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const answer = (await res.json()) as { token?: string; error?: { message: string } };
  if (!res.ok) throw new Error(`${url}: ${res.status} ${answer.error?.message ?? ''}`);
  return answer;
}

/** A session token of a user holding `roles` on the agent at `baseUrl` (which has no account yet, or was set up by this helper). */
export async function loginWithRoles(baseUrl: string, dataDir: string, roles: readonly Role[]): Promise<string> {
  let admin = admins.get(baseUrl);
  if (admin === undefined) {
    const setupCode = readFileSync(join(dataDir, 'first-admin-code.txt'), 'utf8').trim();
    admin = (await post(`${baseUrl}/api/v1/auth/first-admin`, { setupCode, user: 'test-admin', password: ADMIN_PASSWORD })).token!;
    admins.set(baseUrl, admin);
  }
  const user = `test-${roles.join('-')}`;
  await post(`${baseUrl}/api/v1/users/create`, { user, password: USER_PASSWORD, roles }, admin).catch((error: Error) => {
    if (!/exists already/.test(error.message)) throw error;
  });
  return (await post(`${baseUrl}/api/v1/auth/login`, { user, password: USER_PASSWORD })).token!;
}
