// App lifecycle: one instance, the window, the agent, the tray and the IPC bridge wired together. Closing the
// window keeps the agent running in the tray; only Quit (tray menu, OS shutdown) stops it, and the quit waits
// for the agent to finish its SQLite commits and close the database before the process goes.
import { app, type BrowserWindow, type WebContents } from 'electron';
import { AgentSupervisor } from './agentProcess.js';
import type { ShellPaths } from './appPaths.js';
import { registerIpcBridge } from './ipcBridge.js';
import { createStatusTray, type StatusTray } from './tray.js';
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
  let tray: StatusTray | null = null;
  // Set once a quit has begun, so the window's close is then a real close rather than a hide.
  let quitting = false;
  const isOurWebContents = (contents: WebContents): boolean =>
    window !== null && !window.isDestroyed() && contents.id === window.webContents.id;

  const showWindow = (): void => {
    if (window === null || window.isDestroyed()) {
      const created = createMainWindow({ preloadPath: paths.preload, appUrl: paths.appUrl });
      window = created;
      created.on('close', (event) => {
        // The agent keeps buffering and posting with the window closed; the tray brings it back.
        if (!quitting && tray !== null) {
          event.preventDefault();
          created.hide();
          tray.noteHiddenWindow();
        }
      });
      created.on('closed', () => {
        window = null;
      });
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', () => {
    if (app.isReady()) showWindow();
  });
  app.on('activate', showWindow);
  // Only reached without a tray (it could not be created): an invisible app nobody can quit is worse than a quit.
  app.on('window-all-closed', () => {
    if (tray === null) app.quit();
  });

  app.on('before-quit', (event) => {
    quitting = true;
    if (agent.state === 'idle' || agent.state === 'stopped' || agent.state === 'failed') return;
    event.preventDefault();
    void agent.stop(options.shutdownTimeoutMs ?? 5_000).then(() => app.quit());
  });

  void app.whenReady().then(() => {
    // The bridge exists before the page that calls it, and the agent after the bridge that listens to it.
    registerIpcBridge({ agent, appUrl: paths.appUrl, isOurWebContents });
    try {
      tray = createStatusTray({
        agent,
        onShow: showWindow,
        onQuit: () => {
          quitting = true;
          app.quit();
        },
      });
    } catch (error) {
      // Some Linux desktops have no status area; then closing the window quits, as it did before the tray.
      console.error(`PlantDesk: no tray icon (${error instanceof Error ? error.message : String(error)}); closing the window will quit`);
    }
    const refreshTray = (): void => tray?.refresh();
    agent.on('spawn', refreshTray);
    agent.on('exit', refreshTray);
    showWindow();
    agent.start();
    refreshTray();
  });
  app.on('will-quit', () => tray?.destroy());
  return true;
}
