// The real console UI in Chromium against `plantdesk console` with the demo plant and ERP simulator:
// a record travels to the ERP and its document number shows up, without CSP violations or page errors.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startConsole, type ConsoleProcess } from '../helpers/consoleProcess.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(REPO_ROOT, 'test-results');

let dataDir = '';
let consoleProc: ConsoleProcess | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plantdesk-e2e-'));
  mkdirSync(RESULTS, { recursive: true });
  consoleProc = await startConsole(['--port', '0', '--data', dataDir]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (consoleProc && consoleProc.child.exitCode === null && consoleProc.child.signalCode === null) consoleProc.child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Page errors, console errors and CSP violations (reported by the page itself, see addInitScript). */
async function watchProblems(page: Page): Promise<() => Promise<string[]>> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  // Init scripts come in through the DevTools protocol, so the page's CSP does not block this listener.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
  });
  return async () => [...problems, ...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).map((v) => `CSP: ${v}`)];
}

describe('console in the browser', () => {
  it('shows a posted record with its ERP document, line counts, and no CSP or page errors', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems = await watchProblems(page);
    await page.goto(consoleProc!.url);

    const erpDocument = page.locator('[data-testid=record-row][data-status=posted] [data-testid=erp-document]', { hasText: /\d+\/\d+/ }).first();
    await erpDocument.waitFor({ timeout: 30_000 });
    expect(await erpDocument.textContent()).toMatch(/^\s*\d+\/\d+\s*$/);

    const goodCount = page.locator('[data-testid=line-card] [data-testid=good-count]', { hasText: /\d/ }).first();
    await goodCount.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=line-card]').count()).toBeGreaterThan(0);
    expect(await goodCount.textContent()).toMatch(/^[\d,]+$/);
    expect(await page.locator('[data-testid=header]').getAttribute('data-link')).toBe('open');

    // The demo's Sparkplug B edge node, born for PlantDesk's host application, in the Sparkplug nodes panel.
    await page.locator('[data-testid=sparkplug-node][data-node="PlantDesk/demo-edge"][data-state=online]').waitFor({ timeout: 30_000 });

    await page.screenshot({ path: join(RESULTS, 'console-1280x720.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.locator('[data-testid=record-row]').first().waitFor();
    await page.screenshot({ path: join(RESULTS, 'console-1920x1080.png') });

    expect(await problems()).toEqual([]);
    await context.close();
  });

  it('logs in with a demo account, shows who is logged in with the role, refuses a wrong password, logs out', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems = await watchProblems(page);
    await page.goto(consoleProc!.url);
    // Views need no login on this PC: the dashboard is there before anyone logs in.
    await page.locator('[data-testid=line-card]').first().waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=login-open]').click();
    await page.locator('[data-testid=login-user]').fill('supervisor');
    await page.locator('[data-testid=login-password]').fill('not-the-password');
    await page.locator('[data-testid=login-submit]').click();
    expect(await page.locator('[data-testid=login-error]').textContent()).toBe('wrong user name or password');
    await page.locator('[data-testid=login-password]').fill('demo-supervisor');
    await page.locator('[data-testid=login-submit]').click();
    await page.locator('[data-testid=session-user]', { hasText: 'supervisor' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=session-roles]').textContent()).toBe('supervisor');
    await page.screenshot({ path: join(RESULTS, 'console-logged-in.png') });
    await page.locator('[data-testid=logout]').click();
    await page.locator('[data-testid=login-open]').waitFor();
    expect(await problems()).toEqual([]);
    await context.close();
  });

  it('stops cleanly on SIGTERM within 10 s', async () => {
    consoleProc!.child.kill('SIGTERM');
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000).unref());
    expect(await Promise.race([consoleProc!.exited, timeout])).toBe(0);
  });
});
