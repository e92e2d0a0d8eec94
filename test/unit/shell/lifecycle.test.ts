// App lifecycle: one instance, start order, and a quit that waits for the agent.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, Tray, app, forks, ipcMain } from './fakeElectron.js';
import { CALL_CHANNEL } from '../../../main/shell/ipcBridge.js';
import { runShell } from '../../../main/shell/lifecycle.js';
import { shellPaths } from '../../../main/shell/appPaths.js';

vi.mock('electron', () => import('./fakeElectron.js'));

const paths = shellPaths('/opt/plantdesk/build/node/main/shell');

describe('runShell', () => {
  beforeEach(() => {
    app.removeAllListeners();
    ipcMain.handlers.clear();
    app.singleInstance = true;
    app.quitCalls = 0;
    forks.length = 0;
    BrowserWindow.created.length = 0;
    Tray.created.length = 0;
    Tray.failNext = null;
  });

  it('quits at once when another instance holds the lock', () => {
    app.singleInstance = false;
    expect(runShell({ paths, agentArgs: [] })).toBe(false);
    expect(app.quitCalls).toBe(1);
    expect(BrowserWindow.created).toHaveLength(0);
    expect(forks).toHaveLength(0);
  });

  it('registers the bridge, opens the app page and starts the agent with its args', async () => {
    expect(runShell({ paths, agentArgs: ['--data', '/var/pd'] })).toBe(true);
    await vi.waitFor(() => expect(forks).toHaveLength(1));
    expect(app.sandboxEnabled).toBe(true);
    expect(ipcMain.handlers.has(CALL_CHANNEL)).toBe(true);
    expect(BrowserWindow.created).toHaveLength(1);
    expect(BrowserWindow.created[0]?.loadedUrl).toBe(paths.appUrl);
    expect(forks[0]).toMatchObject({ modulePath: paths.agentEntry, args: ['--data', '/var/pd'] });
  });

  it('on quit asks the agent to shut down and quits once it has exited', async () => {
    runShell({ paths, agentArgs: [] });
    await vi.waitFor(() => expect(forks).toHaveLength(1));
    const child = forks[0]!;
    const willQuit = vi.fn();
    app.on('will-quit', willQuit);
    app.quit();
    expect(child.posted).toEqual([{ type: 'shutdown' }]);
    expect(willQuit).not.toHaveBeenCalled(); // held until the agent has flushed and exited
    child.emit('exit', 0);
    await vi.waitFor(() => expect(willQuit).toHaveBeenCalledOnce());
    expect(forks).toHaveLength(1); // not restarted
  });

  it('focuses the existing window for a second instance instead of opening another', async () => {
    runShell({ paths, agentArgs: [] });
    await vi.waitFor(() => expect(BrowserWindow.created).toHaveLength(1));
    const focus = vi.spyOn(BrowserWindow.created[0]!, 'focus');
    app.emit('second-instance');
    expect(focus).toHaveBeenCalledOnce();
    expect(BrowserWindow.created).toHaveLength(1);
  });

  it('closing the window hides it and keeps the agent running; the tray shows it again', async () => {
    runShell({ paths, agentArgs: [] });
    await vi.waitFor(() => expect(forks).toHaveLength(1));
    const window = BrowserWindow.created[0]!;
    const tray = Tray.created[0]!;
    window.close();
    expect(window.visible).toBe(false);
    expect(window.isDestroyed()).toBe(false);
    app.emit('window-all-closed');
    expect(app.quitCalls).toBe(0);
    expect(forks[0]!.posted).toEqual([]); // no shutdown asked
    tray.clickItem('Show PlantDesk');
    expect(window.visible).toBe(true);
    expect(BrowserWindow.created).toHaveLength(1);
    // Windows shows a tray message once per run saying PlantDesk still runs; other platforms have none.
    window.close();
    expect(tray.balloons).toHaveLength(process.platform === 'win32' ? 1 : 0);
  });

  it('on Windows says once, in a tray message, that closing the window did not stop PlantDesk', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      runShell({ paths, agentArgs: [] });
      await vi.waitFor(() => expect(forks).toHaveLength(1));
      const window = BrowserWindow.created[0]!;
      window.close();
      window.show();
      window.close();
      expect(Tray.created[0]!.balloons).toEqual([
        { title: 'PlantDesk keeps running', content: 'The agent keeps buffering and posting. Open PlantDesk or quit it from this icon.' },
      ]);
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });

  it('the tray shows the agent state and the restart reason, and its Quit stops the agent first', async () => {
    vi.useFakeTimers();
    try {
      runShell({ paths, agentArgs: [] });
      await vi.waitFor(() => expect(forks).toHaveLength(1));
      const tray = Tray.created[0]!;
      expect(tray.tooltip).toBe('PlantDesk: agent running');
      expect(tray.image.dataUrl).toMatch(/^data:image\/png;base64,/);
      const runningIcon = tray.image.dataUrl;

      forks[0]!.emit('message', { type: 'fatal', reason: 'database is locked' });
      forks[0]!.emit('exit', 1);
      expect(tray.menu?.items[0]).toMatchObject({ enabled: false });
      expect(tray.menu?.items[0]?.label).toContain('agent restarting (agent exited with code 1 after 0 s (database is locked); next start in 1 s)');
      expect(tray.image.dataUrl).not.toBe(runningIcon);

      vi.advanceTimersByTime(1_000);
      expect(forks).toHaveLength(2);
      forks[1]!.emit('spawn');
      expect(tray.tooltip).toBe('PlantDesk: agent running');

      const willQuit = vi.fn();
      app.on('will-quit', willQuit);
      tray.clickItem('Quit PlantDesk');
      expect(forks[1]!.posted).toEqual([{ type: 'shutdown' }]);
      expect(willQuit).not.toHaveBeenCalled();
      forks[1]!.emit('exit', 0);
      await vi.waitFor(() => expect(willQuit).toHaveBeenCalledOnce());
      expect(tray.destroyed).toBe(true);
      // A quit closes the window for real (no hide).
      const window = BrowserWindow.created[0]!;
      window.close();
      expect(window.isDestroyed()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('without a status area closing the window quits, so the app never runs invisible', async () => {
    Tray.failNext = new Error('no status area');
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    runShell({ paths, agentArgs: [] });
    await vi.waitFor(() => expect(forks).toHaveLength(1));
    expect(error).toHaveBeenCalledWith(expect.stringContaining('no tray icon (no status area)'));
    BrowserWindow.created[0]!.close();
    app.emit('window-all-closed');
    expect(app.quitCalls).toBe(1);
    expect(forks[0]!.posted).toEqual([{ type: 'shutdown' }]);
    error.mockRestore();
  });
});
