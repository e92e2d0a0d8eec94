// Where `npm run dist` finds the Electron runtime without downloading it (installers/electronDist.mjs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronCacheDir, findElectronDist } from '../../../installers/electronDist.mjs';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'plantdesk-dist-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('findElectronDist', () => {
  const base = { version: '45.4.1', platform: 'win32' as const, hostPlatform: 'linux' as const, projectDir: '/nonexistent' };

  it("finds the zip in @electron/get's hashed cache folder", () => {
    const hashed = path.join(scratch, 'cache', '3f2a9b');
    mkdirSync(hashed, { recursive: true });
    writeFileSync(path.join(hashed, 'electron-v45.4.1-win32-x64.zip'), '');
    expect(findElectronDist({ ...base, env: { ELECTRON_CACHE: path.join(scratch, 'cache') } })).toEqual({ ok: true, electronDist: hashed });
  });

  it('prefers PLANTDESK_ELECTRON_DIST and does not take another version or platform', () => {
    writeFileSync(path.join(scratch, 'electron-v45.4.0-win32-x64.zip'), '');
    writeFileSync(path.join(scratch, 'electron-v45.4.1-linux-x64.zip'), '');
    const found = findElectronDist({ ...base, env: { PLANTDESK_ELECTRON_DIST: scratch, ELECTRON_CACHE: path.join(scratch, 'empty') } });
    expect(found.ok).toBe(false);
    writeFileSync(path.join(scratch, 'electron-v45.4.1-win32-x64.zip'), '');
    expect(findElectronDist({ ...base, env: { PLANTDESK_ELECTRON_DIST: scratch } })).toEqual({ ok: true, electronDist: scratch });
  });

  it("uses @electron/get's default cache folder per OS", () => {
    expect(electronCacheDir({}, 'linux', '/home/it')).toBe('/home/it/.cache/electron');
    expect(electronCacheDir({ ELECTRON_CACHE: '/c' }, 'linux', '/home/it')).toBe('/c');
  });
});
