// App lifecycle: one instance, start order, and a quit that waits for the agent.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, app, forks, ipcMain } from './fakeElectron.js';
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
});
