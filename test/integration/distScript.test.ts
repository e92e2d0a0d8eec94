// `npm run dist` on a machine without the Electron runtime (this one): one clear line, no download, no build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'installers/dist.mjs');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'plantdesk-dist-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function runDist(env: NodeJS.ProcessEnv, args: string[] = []) {
  const clean = { ...process.env };
  delete clean.PLANTDESK_UPDATE_URL;
  delete clean.PLANTDESK_ELECTRON_DIST;
  return spawnSync(process.execPath, [dist, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('npm run dist', () => {
  it('fails with one line naming the missing runtime when no Electron zip or binary exists', () => {
    const started = Date.now();
    const result = runDist({ ELECTRON_CACHE: path.join(scratch, 'cache'), PLANTDESK_ELECTRON_DIST: path.join(scratch, 'none') }, ['--win']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm run dist: the Electron 45\.4\.1 runtime for win32-x64 is not on this machine \(no electron-v45\.4\.1-win32-x64\.zip/);
    expect(lines[0]).toContain('never downloads');
    expect(Date.now() - started).toBeLessThan(10_000); // no download attempt, no build
  });

  it('with the runtime present, next refuses to package without the update URL, still in one line', () => {
    writeFileSync(path.join(scratch, 'electron-v45.4.1-win32-x64.zip'), 'not a real zip: the script must stop before using it');
    const result = runDist({ PLANTDESK_ELECTRON_DIST: scratch }, ['--win']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^npm run dist: set PLANTDESK_UPDATE_URL/)]);
  });

  it('refuses an unknown option', () => {
    const result = runDist({}, ['--mac']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown option --mac');
  });
});
