// The certificate trust flow in the real console (Chromium): an OPC UA server whose certificate PlantDesk does not
// know is shown as rejected with its thumbprints; an engineer trusts it with a reason and the connection comes up
// without a restart; PlantDesk's own certificate downloads as PEM.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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
    await page.locator('[data-testid=certificates-panel]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS, 'certificates-rejected.png'), fullPage: true });

    await rejected.locator('[data-testid=trust-button]').click();
    const confirm = rejected.locator('[data-testid=trust-confirm]');
    expect(await confirm.isDisabled()).toBe(true); // no reason yet
    await rejected.locator('[data-testid=trust-reason]').fill('thumbprint compared with the PLC display');
    await confirm.click();

    await page.locator('[data-testid=server-certificate][data-status=trusted]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=connection][data-kind=opcua][data-state=connected]').waitFor({ timeout: 15_000 });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download-own]').click()]);
    const file = join(dir, 'own.pem');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^plantdesk-opcua-[0-9a-f]{8}\.pem$/);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);

    await page.screenshot({ path: join(RESULTS, 'certificates-trusted.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
