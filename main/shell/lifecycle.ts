// App lifecycle: one instance, the window, the agent and the IPC bridge wired together, and a quit that
// lets the agent finish its SQLite commits before the process goes.
import { app, type BrowserWindow, type WebContents } from 'electron';
import { AgentSupervisor } from './agentProcess.js';
import type { ShellPaths } from './appPaths.js';
import { registerIpcBridge } from './ipcBridge.js';
import { createMainWindow } from './window.js';

export interface ShellOptions {
  readonly paths: ShellPaths;
  /** Already filtered to what the agent accepts (see pickAgentArgs). */
  readonly agentArgs: readonly string[];
  /** Default 5,000 ms. */
  readonly shutdownTimeoutMs?: number;
}

/** Starts the desktop shell; returns false when another instance already runs (this one then quits). */
export function runShell(options: Readonly<ShellOptions>): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  // Every renderer sandboxed, whatever a future window forgets to set.
  app.enableSandbox();

  const { paths } = options;
  const agent = new AgentSupervisor({ modulePath: paths.agentEntry, args: options.agentArgs });
  let window: BrowserWindow | null = null;
  const isOurWebContents = (contents: WebContents): boolean =>
    window !== null && !window.isDestroyed() && contents.id === window.webContents.id;

  const showWindow = (): void => {
    if (window === null || window.isDestroyed()) {
      window = createMainWindow({ preloadPath: paths.preload, appUrl: paths.appUrl });
      window.on('closed', () => {
        window = null;
      });
      return;
    }
    if (window.isMinimized()) window.restore();
    window.focus();
  };

  app.on('second-instance', () => {
    if (app.isReady()) showWindow();
  });
  app.on('activate', showWindow);
  // No tray yet, so a closed window would leave an invisible app: quit (the agent stops cleanly below).
  app.on('window-all-closed', () => app.quit());

  app.on('before-quit', (event) => {
    if (agent.state === 'idle' || agent.state === 'stopped' || agent.state === 'failed') return;
    event.preventDefault();
    void agent.stop(options.shutdownTimeoutMs ?? 5_000).then(() => app.quit());
  });

  void app.whenReady().then(() => {
    // The bridge exists before the page that calls it, and the agent after the bridge that listens to it.
    registerIpcBridge({ agent, appUrl: paths.appUrl, isOurWebContents });
    showWindow();
    agent.start();
  });
  return true;
}
