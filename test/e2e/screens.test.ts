// Every screen of the console on the demo plant in Chromium (issue 7): content, keyboard navigation, theme,
// the diagnostics download, screenshots at 1280x720 and 1920x1080 under test-results/, and axe-core with no
// serious or critical violations on any screen in either theme.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticsBundle } from '../../domain/api.js';
import { REPO_ROOT, startConsole, type ConsoleProcess } from '../helpers/consoleProcess.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(REPO_ROOT, 'test-results');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREENS = ['overview', 'queue', 'connections', 'orders', 'quality'] as const;
const SIZES = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }] as const;

let dataDir = '';
let consoleProc: ConsoleProcess | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plantdesk-e2e-screens-'));
  mkdirSync(RESULTS, { recursive: true });
  consoleProc = await startConsole(['--port', '0', '--data', dataDir]);
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (consoleProc && consoleProc.child.exitCode === null && consoleProc.child.signalCode === null) consoleProc.child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/**
 * axe-core evaluated through the DevTools protocol (page.evaluate), which the page's CSP (script-src 'self')
 * does not block; WCAG 2.x A and AA rules. Returns the serious and critical violations, described.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
}

async function problemsOf(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  return problems;
}

/** Waits until the screen shows live content, so the screenshot and axe see the real thing. */
async function waitForContent(page: Page, screen: (typeof SCREENS)[number]): Promise<void> {
  const ready: Record<(typeof SCREENS)[number], string> = {
    overview: '[data-testid=line-card] [data-testid=good-count]',
    queue: '[data-testid=queue-screen-pending] .big-value',
    connections: '[data-testid^="conn-"]',
    orders: '[data-testid^="order-"]',
    quality: '[data-testid^="quality-"]',
  };
  await page.locator(ready[screen]).first().waitFor({ timeout: 45_000 });
}

describe('console screens on the demo plant', () => {
  it('shows every screen at both sizes, with no serious or critical accessibility violations', async () => {
    const context = await browser!.newContext({ viewport: SIZES[0], reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems = await problemsOf(page);
    await page.goto(consoleProc!.url);
    const violations: string[] = [];
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const screen of SCREENS) {
        await page.locator(`[data-testid=nav-${screen}]`).click();
        expect(await page.locator(`[data-testid=nav-${screen}]`).getAttribute('aria-current')).toBe('page');
        await waitForContent(page, screen);
        // No horizontal scrolling: everything fits the width of a control-room screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${screen} at ${size.width}`).toBe(true);
        await page.screenshot({ path: join(RESULTS, `screen-${screen}-${size.width}x${size.height}.png`) });
        if (size === SIZES[0]) violations.push(...(await seriousViolations(page)).map((v) => `${screen}: ${v}`));
      }
    }
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the queue, connections, orders with a trace to the ERP document, and quality results', async () => {
    const context = await browser!.newContext({ viewport: SIZES[0], reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(consoleProc!.url);
    await page.locator('[data-testid=nav-queue]').click();
    await waitForContent(page, 'queue');
    expect(await page.locator('[data-testid=queue-screen-pending] .big-value').textContent()).toMatch(/^[\d,]+$/);

    await page.locator('[data-testid=nav-connections]').click();
    await page.locator('[data-testid="conn-erp:erp"]').waitFor({ timeout: 30_000 });
    // The ERP's mean post latency comes from /metrics once a post was timed.
    await page.locator('[data-testid="conn-erp:erp"]', { hasText: / ms/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid^="conn-opcua"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid^="conn-mqtt"]').count()).toBeGreaterThan(0);

    await page.locator('[data-testid=nav-orders]').click();
    await waitForContent(page, 'orders');
    await page.locator('.trace-suggestions button').first().waitFor({ timeout: 30_000 });
    await page.locator('.trace-suggestions button').first().click();
    await page.locator('[data-testid=trace-erp-document]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=trace-erp-document]').textContent()).toMatch(/^\d+\/\d+$/);

    await page.locator('[data-testid=nav-quality]').click();
    await waitForContent(page, 'quality');
    expect(await page.locator('[data-testid^="quality-"] .count-value').first().textContent()).toMatch(/%|—/);
    await context.close();
  });

  it('moves between screens with the keyboard and remembers the light theme across a reload, still accessible', async () => {
    const context = await browser!.newContext({ viewport: SIZES[0], reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(consoleProc!.url);
    // Tab from one page button to the next, Enter opens the page and keeps the focus there.
    await page.locator('[data-testid=nav-overview]').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-queue');
    await page.keyboard.press('Enter');
    expect(await page.locator('[data-testid=nav-queue]').getAttribute('aria-current')).toBe('page');
    await waitForContent(page, 'queue');

    await page.locator('[data-testid=theme-toggle]').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    for (const screen of SCREENS) {
      await page.locator(`[data-testid=nav-${screen}]`).click();
      await waitForContent(page, screen);
      await page.screenshot({ path: join(RESULTS, `screen-${screen}-light-1280x720.png`) });
      expect(await seriousViolations(page), `${screen} in the light theme`).toEqual([]);
    }
    await context.close();
  });

  it('downloads the diagnostics bundle in one click', async () => {
    const context = await browser!.newContext({ viewport: SIZES[0], reducedMotion: 'reduce', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(consoleProc!.url);
    await page.locator('[data-testid=nav-connections]').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=diagnostics-export]').click()]);
    expect(download.suggestedFilename()).toMatch(/^plantdesk-diagnostics-.*\.json$/);
    const bundle = JSON.parse(readFileSync((await download.path())!, 'utf8')) as DiagnosticsBundle;
    expect(bundle.versions.node).toMatch(/^\d+\.\d+\.\d+$/);
    expect(bundle.logs.length).toBeGreaterThan(0);
    expect(typeof bundle.queue.posted).toBe('number');
    await context.close();
  });
});
