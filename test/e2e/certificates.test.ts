// The certificate trust flow in the real console (Chromium): an OPC UA server whose certificate PlantDesk does not
// know is shown as rejected with its thumbprints; an engineer trusts it with a reason and the connection comes up
// without a restart; PlantDesk's own certificate downloads as PEM. On the way, with a plant that has no account yet:
// the first administrator is created with the setup code, the admin's trust is refused for want of the engineer
// role, an engineer logs in, and a session ended meanwhile leads back to the login form.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { REPO_ROOT, startConsole, type ConsoleProcess } from '../helpers/consoleProcess.js';
import { startTestOpcuaServer, TEST_COUNTER_NODE, type TestOpcuaServer } from '../helpers/opcuaTestServer.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(REPO_ROOT, 'test-results');

let dir = '';
let server: TestOpcuaServer | null = null;
let erp: ErpSimulator | null = null;
let consoleProc: ConsoleProcess | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-e2e-certs-'));
  mkdirSync(RESULTS, { recursive: true });
  server = await startTestOpcuaServer();
  erp = await startErpSimulator({ port: 0 });
  const configFile = join(dir, 'plant.yaml');
  writeFileSync(configFile, `plant: "1010"
opcua:
  - name: line-plc
    endpoint: ${server.endpointUrl}
    lines:
      - line: L1
        good: "${TEST_COUNTER_NODE}"
        scrap: "${TEST_COUNTER_NODE}"
erp:
  kind: sap-odata
  baseUrl: ${erp.url}
  sapClient: "100"
`);
  consoleProc = await startConsole(['--config', configFile, '--data', join(dir, 'data'), '--port', '0']);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--disable-gpu', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
  if (consoleProc && consoleProc.child.exitCode === null) {
    consoleProc.child.kill('SIGTERM');
    await consoleProc.exited;
  }
  await server?.stop();
  await erp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${consoleProc!.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.locator('[data-testid=login-user]').fill(user);
  await page.locator('[data-testid=login-password]').fill(password);
  await page.locator('[data-testid=login-submit]').click();
  await page.locator('[data-testid=session-user]', { hasText: user }).waitFor({ timeout: 10_000 });
}

describe('OPC UA certificates in the console', () => {
  it('trusts a rejected server certificate with a reason, and the connection comes up', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(consoleProc!.url);

    const opcua = page.locator('[data-testid=connection][data-kind=opcua]');
    await opcua.locator('.connection-error', { hasText: 'BadCertificateUntrusted' }).waitFor({ timeout: 30_000 });
    const rejected = page.locator('[data-testid=server-certificate][data-status=rejected]');
    await rejected.waitFor({ timeout: 30_000 });
    expect(await rejected.locator('[data-testid=cert-sha1]').textContent()).toMatch(/^[0-9a-f]{40}$/);
    expect(await rejected.locator('[data-testid=cert-sha256]').textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await rejected.textContent()).toContain(server!.endpointUrl);

    // No account yet: the console offers the first administrator, with the one-time code from the data folder.
    const setupCode = readFileSync(join(dir, 'data', 'first-admin-code.txt'), 'utf8').trim();
    expect(consoleProc!.output()).toContain('first-admin-code.txt');
    expect(consoleProc!.output()).not.toContain(setupCode);
    await page.locator('[data-testid=first-admin-form]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(RESULTS, 'first-admin.png'), fullPage: true });
    await page.locator('[data-testid=first-admin-code]').fill(setupCode);
    await page.locator('[data-testid=first-admin-user]').fill('anna');
    await page.locator('[data-testid=first-admin-password]').fill('anna-admin-password');
    await page.locator('[data-testid=first-admin-repeat]').fill('anna-admin-password');
    await page.locator('[data-testid=first-admin-submit]').click();
    await page.locator('[data-testid=session-user]', { hasText: 'anna' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=session-roles]').textContent()).toBe('admin');

    // The admin creates an engineer's account through the API (the account commands have no panel yet).
    const admin = await post('/api/v1/auth/login', { user: 'anna', password: 'anna-admin-password' });
    await post('/api/v1/users/create', { user: 'erik', password: 'erik-engineer-pw', roles: ['engineer'] }, admin.token as string);

    await page.locator('[data-testid=certificates-panel]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS, 'certificates-rejected.png'), fullPage: true });

    const trust = async (): Promise<void> => {
      // The form stays open with its reason after a refusal; else it opens, and cannot be confirmed without a reason.
      const button = rejected.locator('[data-testid=trust-button]');
      if (await button.isVisible()) {
        await button.click();
        expect(await rejected.locator('[data-testid=trust-confirm]').isDisabled()).toBe(true);
      }
      await rejected.locator('[data-testid=trust-reason]').fill('thumbprint compared with the PLC display');
      await rejected.locator('[data-testid=trust-confirm]').click();
    };
    // An admin is not an engineer: refused by the agent, which names the role.
    await trust();
    await page.locator('text=trustCertificate needs the role engineer; anna has admin').waitFor({ timeout: 10_000 });

    await page.locator('[data-testid=logout]').click();
    await page.locator('[data-testid=login-open]').click();
    await logIn(page, 'erik', 'erik-engineer-pw');
    // The admin resets erik's password meanwhile, which ends his sessions: the next command leads back to the login.
    await post('/api/v1/users/password', { user: 'erik', password: 'erik-new-password' }, admin.token as string);
    await page.reload();
    await rejected.waitFor({ timeout: 30_000 });
    // A reload forgets the session (the token is kept in memory only).
    await page.locator('[data-testid=login-open]').waitFor();
    await page.locator('[data-testid=login-open]').click();
    await logIn(page, 'erik', 'erik-new-password');
    await post('/api/v1/users/password', { user: 'erik', password: 'erik-third-password' }, admin.token as string);
    await trust();
    await page.locator('[data-testid=login-reason]', { hasText: 'your session expired' }).waitFor({ timeout: 10_000 });
    await logIn(page, 'erik', 'erik-third-password');
    expect(await page.locator('[data-testid=session-roles]').textContent()).toBe('engineer');
    await trust();

    await page.locator('[data-testid=server-certificate][data-status=trusted]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=connection][data-kind=opcua][data-state=connected]').waitFor({ timeout: 15_000 });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download-own]').click()]);
    const file = join(dir, 'own.pem');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^plantdesk-opcua-[0-9a-f]{8}\.pem$/);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);

    await page.screenshot({ path: join(RESULTS, 'certificates-trusted.png'), fullPage: true });
    // Everything above (first admin, logins, the failed and the done trust) is in an intact audit chain.
    const audit = (await (await fetch(`${consoleProc!.url}/api/v1/audit/verify`)).json()) as { ok: boolean; entries: number };
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThanOrEqual(8);
    expect(errors).toEqual([]);
    await context.close();
  });
});
