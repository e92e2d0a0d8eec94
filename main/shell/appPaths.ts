// Where the shell finds its pieces once compiled (build/node/main/shell/), and the one test for "our page".
// Paths are computed from the compiled file's folder so the app works wherever it is installed.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ShellPaths {
  /** build/renderer/index.html, built by vite. */
  readonly rendererIndex: string;
  /** file URL of rendererIndex: the only page our window may show and the only IPC sender we trust. */
  readonly appUrl: string;
  /** The sandboxed preload, compiled from preload.cts. */
  readonly preload: string;
  /** The agent's utilityProcess entry, written by main/console. */
  readonly agentEntry: string;
}

/** @param compiledDir the folder of the compiled shell, e.g. `<app>/build/node/main/shell`. */
export function shellPaths(compiledDir: string): ShellPaths {
  const rendererIndex = path.resolve(compiledDir, '../../../renderer/index.html');
  return {
    rendererIndex,
    appUrl: pathToFileURL(rendererIndex).href,
    preload: path.join(compiledDir, 'preload.cjs'),
    agentEntry: path.resolve(compiledDir, '../console/utilityEntry.js'),
  };
}

/**
 * True when `candidate` is the app's own page. Both sides are parsed (never prefix-compared, which
 * `file:///app/index.html.evil` or `file:///app/index.html@evil` would pass); only the fragment may differ,
 * since the renderer may route with it.
 */
export function isAppUrl(candidate: string, appUrl: string): boolean {
  let url: URL;
  let app: URL;
  try {
    url = new URL(candidate);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  return (
    url.protocol === 'file:' &&
    url.protocol === app.protocol &&
    url.host === app.host &&
    url.pathname === app.pathname &&
    url.search === app.search
  );
}
