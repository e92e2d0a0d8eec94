// The Electronegativity gate (installers/electronegativity.mjs) over small trees written here: it must fail on a
// HIGH finding and on an unjustified MEDIUM, and pass once the MEDIUM is justified. The real tree is scanned by
// test/run-all.sh after the build.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = path.resolve(import.meta.dirname, '../../installers/electronegativity.mjs');
let scratch: string;

const page = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; object-src 'none'"></head><body></body></html>`;
const guards = `
import { BrowserWindow, session } from 'electron';
export function guard(contents: Electron.WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.defaultSession.setPermissionRequestHandler((_c, _p, callback) => callback(false));
}
`;
const secureWindow = `${guards}
export const window = new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick', preload: '/app/preload.cjs' } });
`;
const nodeWindow = `${guards}
export const window = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false, nodeIntegration: true, disableBlinkFeatures: 'Auxclick' } });
`;

function tree(name: string, windowSource: string, justifications: unknown[]): string[] {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, 'shell'), { recursive: true });
  mkdirSync(path.join(dir, 'renderer'), { recursive: true });
  writeFileSync(path.join(dir, 'shell', 'window.ts'), windowSource);
  writeFileSync(path.join(dir, 'renderer', 'index.html'), page);
  writeFileSync(path.join(dir, 'justifications.json'), JSON.stringify({ justifications }));
  return ['--shell', path.join(dir, 'shell'), '--renderer', path.join(dir, 'renderer'), '--justifications', path.join(dir, 'justifications.json')];
}

function scan(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'plantdesk-electronegativity-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const preloadWhy = { check: 'PRELOAD_JS_CHECK', file: 'main/shell/window.ts', why: 'reviewed: exposes only the fixed API surface' };

describe('npm run electronegativity', { timeout: 60_000 }, () => {
  it('fails on a HIGH finding (context isolation off)', async () => {
    const { code, output } = await scan(tree('high', nodeWindow, []));
    expect(output).toMatch(/HIGH\s+\S+\s+CONTEXT_ISOLATION_JS_CHECK\s+main\/shell\/window\.ts:\d+.*FAIL \(HIGH/);
    expect(output).toMatch(/Findings: HIGH [1-9]/);
    expect(code).toBe(1);
  });

  it('fails on a MEDIUM without a justification and passes with one', async () => {
    const unjustified = await scan(tree('medium', secureWindow, []));
    expect(unjustified.output).toMatch(/MEDIUM\s+\S+\s+PRELOAD_JS_CHECK\s+main\/shell\/window\.ts:\d+.*FAIL \(MEDIUM without a justification\)/);
    expect(unjustified.code).toBe(1);

    const justified = await scan(tree('justified', secureWindow, [preloadWhy]));
    expect(justified.output).toContain('justified: reviewed: exposes only the fixed API surface');
    expect(justified.output).toContain('Findings: HIGH 0, MEDIUM 1');
    expect(justified.code).toBe(0);
  });

  it('refuses a justification without a reason', async () => {
    const { code, output } = await scan(tree('lazy', secureWindow, [{ ...preloadWhy, why: 'ok' }]));
    expect(output).toContain('justifications[0] needs check, file and a why of at least 20 characters');
    expect(code).toBe(1);
  });
});
