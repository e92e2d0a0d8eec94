// Finding the Electron runtime from plain Node, on this machine (no binary) and on fake installs.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronLaunchArgs, electronLaunchEnv, findElectronRuntime, runtimeMissingMessage } from '../../../main/shell/launch.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project folder with node_modules/electron shaped like the real package. */
function fakeInstall(files: { indexJs: string; pathTxt?: string; binary?: string }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'plantdesk-launch-'));
  temps.push(root);
  const pkg = path.join(root, 'node_modules', 'electron');
  mkdirSync(path.join(pkg, 'dist'), { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1', main: 'index.js' }));
  writeFileSync(path.join(pkg, 'index.js'), files.indexJs);
  if (files.pathTxt !== undefined) writeFileSync(path.join(pkg, 'path.txt'), files.pathTxt);
  if (files.binary !== undefined) writeFileSync(path.join(pkg, 'dist', files.binary), '');
  return path.join(root, 'entry.js');
}

describe('findElectronRuntime', () => {
  it('reports, on this machine, that the binary was never downloaded, without trying to download it', () => {
    const started = Date.now();
    const runtime = findElectronRuntime();
    expect(runtime.ok).toBe(false);
    if (runtime.ok) return;
    expect(runtime.reason).toMatch(/^Electron failed to install correctly: its binary was never downloaded, .*node_modules\/electron\/path\.txt is missing$/);
    expect(Date.now() - started).toBeLessThan(1000); // no downloader run
  });

  it('returns the binary of a complete install', () => {
    const from = fakeInstall({ indexJs: "module.exports = require('path').join(__dirname, 'dist', 'electron');", pathTxt: 'electron', binary: 'electron' });
    const runtime = findElectronRuntime({ from, env: {} });
    expect(runtime).toEqual({ ok: true, binary: path.join(path.dirname(from), 'node_modules', 'electron', 'dist', 'electron') });
  });

  it('reports a missing binary named in path.txt, and never runs the package (which would download)', () => {
    const from = fakeInstall({ indexJs: "throw new Error('index.js must not run');", pathTxt: 'electron' });
    const runtime = findElectronRuntime({ from, env: {} });
    expect(runtime).toMatchObject({ ok: false, reason: expect.stringMatching(/^Electron failed to install correctly: .*dist\/electron is missing$/) });
  });

  it("passes on the package's own error, first line only", () => {
    const from = fakeInstall({ indexJs: "throw new Error('Electron failed to install correctly. Please delete it\\nstack noise');", pathTxt: 'electron', binary: 'electron' });
    expect(findElectronRuntime({ from, env: {} })).toEqual({ ok: false, reason: 'Electron failed to install correctly. Please delete it' });
  });

  it('reports a package that is not installed at all', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'plantdesk-launch-'));
    temps.push(root);
    expect(findElectronRuntime({ from: path.join(root, 'entry.js'), env: {} })).toEqual({ ok: false, reason: 'the electron package is not installed' });
  });
});

describe('launch helpers', () => {
  it('says in one line why the console starts instead', () => {
    const message = runtimeMissingMessage('Electron failed to install correctly:\n  binary missing');
    expect(message).toBe(
      'PlantDesk: the Electron runtime is not installed on this machine (Electron failed to install correctly: binary missing); starting the headless console instead.',
    );
    expect(message).not.toContain('\n');
  });

  it('runs the shell entry with the user options and never as plain Node', () => {
    expect(electronLaunchArgs(['--config', 'plant.yaml'], '/app/build/node/main/shell/main.js')).toEqual([
      '/app/build/node/main/shell/main.js',
      '--config',
      'plant.yaml',
    ]);
    expect(electronLaunchEnv({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' })).toEqual({ PATH: '/bin' });
  });
});
