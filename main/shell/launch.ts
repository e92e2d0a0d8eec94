// Plain Node side of `npm start`: finds the Electron runtime and starts the shell with it, or says in one
// line why not so the bin can fall back to the headless console. Never imports electron at the top.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ElectronRuntime = { readonly ok: true; readonly binary: string } | { readonly ok: false; readonly reason: string };

export interface FindElectronOptions {
  /** Where to resolve the electron package from. Default: this file. */
  readonly from?: string | URL;
  /** Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]?.trim() ?? text;
}

/**
 * The Electron binary to run, or why there is none. From plain Node, `require('electron')` returns the
 * binary's path; when the binary is missing the package's index.js first runs its downloader (network,
 * output straight to the terminal, slow offline) and then throws "Electron failed to install correctly".
 * So the files it would look for are checked first and a missing binary is reported, never fetched.
 */
export function findElectronRuntime(options: Readonly<FindElectronOptions> = {}): ElectronRuntime {
  const require = createRequire(options.from ?? import.meta.url);
  const env = options.env ?? process.env;
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH === undefined) {
    const pathFile = path.join(packageDir, 'path.txt');
    if (!existsSync(pathFile)) {
      return { ok: false, reason: `Electron failed to install correctly: its binary was never downloaded, ${pathFile} is missing` };
    }
    const expected = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    if (!existsSync(expected)) return { ok: false, reason: `Electron failed to install correctly: ${expected} is missing` };
  }
  let binary: unknown;
  try {
    binary = require('electron');
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
  if (typeof binary !== 'string') return { ok: false, reason: "require('electron') did not return a path (already inside Electron?)" };
  if (!existsSync(binary)) return { ok: false, reason: `the Electron binary ${binary} does not exist` };
  return { ok: true, binary };
}

/** The one line the bin prints before falling back to `plantdesk console`. */
export function runtimeMissingMessage(reason: string): string {
  const oneLine = reason.replace(/\s+/g, ' ').trim();
  return `PlantDesk: the Electron runtime is not installed on this machine (${oneLine}); starting the headless console instead.`;
}

/** build/node/main/shell/main.js, next to this file once compiled. */
export function shellMainScript(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
}

/** Arguments for the Electron binary: the shell's entry, then the user's options (--config, --data). */
export function electronLaunchArgs(args: readonly string[], mainScript: string = shellMainScript()): string[] {
  return [mainScript, ...args];
}

/** The environment for the binary: ELECTRON_RUN_AS_NODE would turn it into plain Node and skip the shell. */
export function electronLaunchEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = { ...env };
  delete clean.ELECTRON_RUN_AS_NODE;
  return clean;
}

/** Starts the desktop app; the caller mirrors its exit code. */
export function launchDesktop(binary: string, args: readonly string[]): ChildProcess {
  return spawn(binary, electronLaunchArgs(args), { stdio: 'inherit', env: electronLaunchEnv() });
}
