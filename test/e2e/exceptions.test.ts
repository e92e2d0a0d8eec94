// The exceptions workspace in Chromium against `plantdesk console` with the demo plant (issue 6): a supervisor logs
// in, opens a unit-mismatch exception the demo MES sent, corrects it; it posts to sim/erp with the corrected values,
// and the detail and the audit CSV show before and after. A four-eyes case needs a second supervisor's login.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus, ExceptionDetail, ExceptionList } from '../../domain/api.js';
import { REPO_ROOT, startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(REPO_ROOT, 'test-results');
const SECOND = { user: 'supervisor2', password: 'demo-supervisor-2' };
/** The demo's released order per line (sim/demoData.ts), what a supervisor would look up on the line's board. */
const DEMO_ORDER_OF_LINE: Readonly<Record<string, string>> = { L1: '1000001', L2: '1000002', L3: '1000003' };

let dataDir = '';
let consoleProc: ConsoleProcess | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plantdesk-e2e-exc-'));
  mkdirSync(RESULTS, { recursive: true });
  consoleProc = await startConsole(['--port', '0', '--data', dataDir]);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  // The demo has one supervisor account; the admin adds a second one for four-eyes, as an admin would.
  const admin = (await api<{ token: string }>('POST', '/api/v1/auth/login', { user: 'admin', password: 'demo-admin-1' })).token;
  await api('POST', '/api/v1/users/create', { ...SECOND, roles: ['supervisor'] }, admin);
});

afterAll(async () => {
  await browser?.close();
  if (consoleProc && consoleProc.child.exitCode === null && consoleProc.child.signalCode === null) consoleProc.child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${consoleProc!.url}${path}`, {
    method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (res.headers.get('content-type') ?? '').includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer as T;
}

/** The oldest open unit-mismatch exceptions the demo MES produced, once there are `count`. */
async function unitMismatches(count: number): Promise<string[]> {
  return waitFor(async () => {
    const list = await api<ExceptionList>('GET', '/api/v1/exceptions?rule=UNIT_MISMATCH&status=exception');
    const ids = list.items.filter((i) => i.unit === 'KG').map((i) => i.eventId);
    return ids.length >= count ? ids.slice(0, count) : undefined;
  }, 90_000, `${count} unit-mismatch exceptions from the demo`);
}

async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1440, height: 1000 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(consoleProc!.url);
  return { context, page, errors };
}

async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.locator('[data-testid=login-open]').click();
  await page.locator('[data-testid=login-user]').fill(user);
  await page.locator('[data-testid=login-password]').fill(password);
  await page.locator('[data-testid=login-submit]').click();
  await page.locator('[data-testid=session-user]', { hasText: user }).waitFor({ timeout: 10_000 });
}

/** Opens the Exceptions page with the keyboard-reachable navigation and chooses one record. */
async function openException(page: Page, eventId: string): Promise<void> {
  await page.locator('[data-testid=nav-exceptions]').click();
  const row = page.locator(`[data-testid=exception-row][data-event-id="${eventId}"]`);
  await row.waitFor({ timeout: 20_000 });
  await row.focus();
  await page.keyboard.press('Enter');
  await page.locator(`[data-testid=exception-detail][data-event-id="${eventId}"]`).waitFor({ timeout: 10_000 });
}

/** The confirmation sim/erp stored for an ERP document "group/count", read over its OData API. */
async function erpConfirmation(document: string): Promise<Record<string, unknown>> {
  const dashboard = await api<{ connections: ConnectionStatus[] }>('GET', '/api/v1/dashboard');
  const erp = dashboard.connections.find((c) => c.kind === 'erp')!.endpoint.replace(/\/+$/, '');
  const [group, count] = document.split('/');
  const res = await fetch(`${erp}/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2(ConfirmationGroup='${group}',ConfirmationCount='${count}')?$format=json&sap-client=100`, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { d: Record<string, unknown> }).d;
}

describe('exceptions workspace', () => {
  it('a supervisor corrects a unit mismatch from the demo plant; it posts with the corrected values and the audit shows before and after', async () => {
    const [eventId] = await unitMismatches(1);
    const before = await api<ExceptionDetail>('GET', `/api/v1/exceptions/detail?eventId=${eventId}`);
    expect(before.failedRules.map((r) => r.code)).toContain('UNIT_MISMATCH');
    const yieldQty = (before.event as { yieldQty: number }).yieldQty;

    const { context, page, errors } = await newPage();
    await page.locator('[data-testid=nav-exceptions-count]').waitFor({ timeout: 20_000 });
    await logIn(page, 'supervisor', 'demo-supervisor');
    await openException(page, eventId!);
    expect(await page.locator('[data-testid=raw-message]').textContent()).toContain('"unit":"KG"');
    expect(await page.locator('[data-testid=failed-rules]').textContent()).toContain('UNIT_MISMATCH');
    await page.screenshot({ path: join(RESULTS, 'exceptions-inbox-detail.png'), fullPage: true });

    // Live re-check: the wrong unit fails, the order's unit passes, before anything is saved.
    await page.locator('[data-testid=field-unit]').fill('XX');
    await page.locator('[data-testid=recheck]', { hasText: 'UNIT_MISMATCH' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=field-unit]').fill('PC');
    await page.locator('[data-testid=recheck-clean]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=correction-reason]').fill('MES sent KG for a piece-counted order');
    await page.screenshot({ path: join(RESULTS, 'exceptions-correct.png'), fullPage: true });
    await page.locator('[data-testid=correct-submit]').click();
    await page.locator('[data-testid=action-notice]', { hasText: 'ready to post' }).waitFor({ timeout: 10_000 });

    // The sync engine posts it; sim/erp holds the corrected unit and quantity.
    const posted = await waitFor(async () => {
      const d = await api<ExceptionDetail>('GET', `/api/v1/exceptions/detail?eventId=${eventId}`);
      return d.summary.status === 'posted' && d.summary.erpDocument ? d : undefined;
    }, 60_000, 'the corrected record to be posted');
    const stored = await erpConfirmation(posted.summary.erpDocument!);
    expect(stored.ConfirmationUnit).toBe('PC');
    expect(Number(stored.ConfirmationYieldQuantity)).toBe(yieldQty);
    expect(stored.OrderID).toBe(posted.summary.orderId);

    // The detail follows the record to the ERP and shows before and after; so does the audit export.
    await page.locator('[data-testid=detail-erp-document]', { hasText: posted.summary.erpDocument! }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=revisions]', { hasText: 'by supervisor' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=revisions]').textContent()).toMatch(/before: unit KG[\s\S]*after: unit PC/);
    await page.screenshot({ path: join(RESULTS, 'exceptions-corrected.png'), fullPage: true });
    const csv = await api<string>('GET', '/api/v1/audit/export.csv');
    const line = csv.split('\r\n').find((l) => l.includes('exception.correct') && l.includes(`event:${eventId}`));
    expect(line).toContain('supervisor');
    expect(line).toContain('""unit"":""KG""');
    expect(line).toContain('""unit"":""PC""');
    expect(line).toContain('MES sent KG for a piece-counted order');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('four-eyes: moving a record to its order with a quantity change over 10 % waits until a second supervisor approves it', async () => {
    // The demo MES's second kind of mistake, an order no ERP knows, follows the unit mismatch within seconds.
    const [eventId, line] = await waitFor(async () => {
      const list = await api<ExceptionList>('GET', '/api/v1/exceptions?rule=ORDER_UNKNOWN&status=exception');
      const item = list.items.find((i) => i.orderId === '9999999');
      return item ? [item.eventId, item.line] as const : undefined;
    }, 90_000, 'an unknown-order exception from the demo');
    const rightOrder = DEMO_ORDER_OF_LINE[line];
    expect(rightOrder).toBeDefined();
    const first = await newPage();
    await logIn(first.page, 'supervisor', 'demo-supervisor');
    await openException(first.page, eventId);
    const yieldField = first.page.locator('[data-testid=field-yieldQty]');
    const original = Number(await yieldField.inputValue());
    const doubled = String(original * 2 + 10);
    await first.page.locator('[data-testid=field-orderId]').fill(rightOrder!);
    await yieldField.fill(doubled);
    await first.page.locator('[data-testid=needs-approval]', { hasText: 'yield changed by' }).waitFor({ timeout: 10_000 });
    expect(await first.page.locator('[data-testid=needs-approval]').textContent()).toContain(`moved from order 9999999 to ${rightOrder}`);
    await first.page.locator('[data-testid=correction-reason]').fill('recounted at the end of the shift');
    await first.page.locator('[data-testid=correct-submit]').click();
    await first.page.locator('[data-testid=own-request]').waitFor({ timeout: 10_000 });
    await first.page.screenshot({ path: join(RESULTS, 'exceptions-awaiting-approval.png'), fullPage: true });
    await first.context.close();

    const second = await newPage();
    await logIn(second.page, SECOND.user, SECOND.password);
    await openException(second.page, eventId);
    expect(await second.page.locator('[data-testid=approval-note]').textContent()).toContain('requested by supervisor');
    expect(await second.page.locator('[data-testid=proposed]').textContent()).toContain(`"yieldQty": ${doubled}`);
    expect(await second.page.locator('[data-testid=proposed-changes]').textContent()).toContain(`orderId 9999999 → ${rightOrder!}, yieldQty ${original} → ${doubled}`);
    await second.page.screenshot({ path: join(RESULTS, 'exceptions-approve.png'), fullPage: true });
    await second.page.locator('[data-testid=approve]').click();
    await second.page.locator('[data-testid=action-notice]', { hasText: 'approved' }).waitFor({ timeout: 10_000 });
    const approved = await waitFor(async () => {
      const d = await api<ExceptionDetail>('GET', `/api/v1/exceptions/detail?eventId=${eventId}`);
      return d.summary.status === 'posted' && d.summary.erpDocument ? d : undefined;
    }, 60_000, 'the approved record to be posted');
    expect((approved.event as { yieldQty: number }).yieldQty).toBe(Number(doubled));
    expect(approved.revisions.at(-1)).toMatchObject({ actor: 'supervisor', approvedBy: SECOND.user });
    const stored = await erpConfirmation(approved.summary.erpDocument!);
    expect(Number(stored.ConfirmationYieldQuantity)).toBe(Number(doubled));
    expect(second.errors).toEqual([]);
    await second.context.close();
  });
});
