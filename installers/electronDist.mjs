// Where `npm run dist` finds the Electron runtime to package, without downloading it. electron-builder would
// otherwise fetch electron-vX-platform-arch.zip from GitHub (@electron/get), which these machines cannot do and
// which a build should not do silently anyway. Plain ESM so dist.mjs runs before any build step.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The zip electron-builder looks for, e.g. electron-v45.4.1-win32-x64.zip. */
export function electronZipName(version, platform, arch) {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

/** @electron/get's cache folder: ELECTRON_CACHE, else the per-OS default it uses. */
export function electronCacheDir(env = process.env, platform = process.platform, home = homedir()) {
  if (env.ELECTRON_CACHE) return env.ELECTRON_CACHE;
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'electron', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'electron');
  return path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'electron');
}

/** The folder holding `zip` directly or one level down (@electron/get keeps each URL's files in a hashed folder). */
function folderWithZip(root, zip) {
  if (existsSync(path.join(root, zip))) return root;
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && existsSync(path.join(root, entry.name, zip))) return path.join(root, entry.name);
  }
  return null;
}

/** node_modules/electron/dist when it holds the binary its path.txt names (only usable for the host platform). */
function installedElectronDist(projectDir) {
  const packageDir = path.join(projectDir, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? path.dirname(binary) : null;
}

/**
 * For each target platform, a folder electron-builder can use as `electronDist`, or one reason why none exists.
 * Looked at, in order: PLANTDESK_ELECTRON_DIST (a folder with the zips), the Electron cache, and for the host
 * platform the runtime `npm ci` may have installed under node_modules/electron/dist.
 * @returns {{ ok: true, electronDist: string } | { ok: false, reason: string }}
 */
export function findElectronDist({ version, platform, arch = 'x64', projectDir, env = process.env, hostPlatform = process.platform, home = homedir() }) {
  const zip = electronZipName(version, platform, arch);
  const looked = [];
  if (env.PLANTDESK_ELECTRON_DIST) {
    const found = folderWithZip(env.PLANTDESK_ELECTRON_DIST, zip);
    if (found !== null) return { ok: true, electronDist: found };
    looked.push(`PLANTDESK_ELECTRON_DIST=${env.PLANTDESK_ELECTRON_DIST}`);
  } else {
    looked.push('PLANTDESK_ELECTRON_DIST unset');
  }
  const cache = electronCacheDir(env, hostPlatform, home);
  const cached = folderWithZip(cache, zip);
  if (cached !== null) return { ok: true, electronDist: cached };
  looked.push(cache);
  if (platform === hostPlatform && arch === 'x64') {
    const installed = installedElectronDist(projectDir);
    if (installed !== null) return { ok: true, electronDist: installed };
    looked.push('node_modules/electron/dist (no binary)');
  }
  return { ok: false, reason: `the Electron ${version} runtime for ${platform}-${arch} is not on this machine (no ${zip}: ${looked.join(', ')})` };
}
