#!/usr/bin/env node
// `npm run dist [-- --linux] [-- --win]`: builds the app and packages the installers with electron-builder
// (installers/electron-builder.yml). Default target: this machine's platform. Checks first, in this order, and
// stops with ONE line naming what is missing: the Electron runtime (never downloaded here), the update URL.
// Missing signing certificates only warn: the installers are then unsigned.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { findElectronDist } from './electronDist.mjs';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configFile = path.join('installers', 'electron-builder.yml');
const PLATFORMS = { '--linux': 'linux', '--win': 'win32' };

function fail(line) {
  console.error(`npm run dist: ${line}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !(arg in PLATFORMS));
if (unknown.length > 0) fail(`unknown option ${unknown[0]} (use --linux and/or --win)`);
const platforms = args.length > 0 ? [...new Set(args.map((arg) => PLATFORMS[arg]))] : [process.platform === 'win32' ? 'win32' : 'linux'];

const { electronVersion } = parse(readFileSync(path.join(projectDir, configFile), 'utf8'));
const dists = new Map();
for (const platform of platforms) {
  const found = findElectronDist({ version: electronVersion, platform, projectDir });
  if (!found.ok) fail(`${found.reason}; packaging needs it and this script never downloads it (put the zip in a folder and set PLANTDESK_ELECTRON_DIST, see README "Building the installers")`);
  dists.set(platform, found.electronDist);
}

if (!process.env.PLANTDESK_UPDATE_URL) fail('set PLANTDESK_UPDATE_URL to the internal update server (e.g. https://updates.plant.example/plantdesk/); the installed app looks for updates there');

const signing = { win32: ['WIN_CSC_LINK', 'CSC_LINK'], linux: [] };
for (const platform of platforms) {
  const variables = signing[platform] ?? [];
  if (variables.length > 0 && !variables.some((name) => process.env[name])) {
    console.warn(`npm run dist: warning: ${variables.join(' and ')} unset, the ${platform} installer will be UNSIGNED (README "Signing")`);
  }
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: projectDir, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', 'build', '--silent']);
const builder = path.join(projectDir, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder');
for (const [platform, electronDist] of dists) {
  const flag = platform === 'win32' ? '--win' : '--linux';
  run(builder, ['--config', configFile, flag, '--publish', 'never', `-c.electronDist=${electronDist}`]);
}
