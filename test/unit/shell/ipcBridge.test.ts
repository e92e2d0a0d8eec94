// The IPC bridge: sender checks, method checks, forwarding to the agent and back, streams, restarts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, forks, ipcEvent, ipcMain } from './fakeElectron.js';
import { AgentSupervisor } from '../../../main/shell/agentProcess.js';
import { CALL_CHANNEL, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, registerIpcBridge } from '../../../main/shell/ipcBridge.js';

vi.mock('electron', () => import('./fakeElectron.js'));

const appUrl = 'file:///opt/plantdesk/build/renderer/index.html';

describe('registerIpcBridge', () => {
  let agent: AgentSupervisor;
  let ours: FakeWebContents;
  let dispose: () => void;
  const child = () => forks.at(-1)!;
  const call = (event: unknown, method: unknown, params?: unknown) => ipcMain.invoke(CALL_CHANNEL, event, method, params);

  beforeEach(() => {
    vi.useFakeTimers();
    forks.length = 0;
    ours = new FakeWebContents();
    agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log: () => {} });
    dispose = registerIpcBridge({ agent, appUrl, isOurWebContents: (contents) => contents.id === ours.id });
    agent.start();
    child().emit('spawn');
  });
  afterEach(() => {
    dispose();
    vi.useRealTimers();
  });

  it('forwards a valid call to the agent and returns its result', async () => {
    const pending = call(ipcEvent(ours, `${appUrl}#/queue`), 'listEvents', { status: 'exception' });
    expect(child().posted).toEqual([{ type: 'call', id: 1, method: 'listEvents', params: { status: 'exception' } }]);
    child().emit('message', { type: 'result', id: 1, result: { ok: true, value: [{ eventId: 'e1' }] } });
    await expect(pending).resolves.toEqual({ ok: true, value: [{ eventId: 'e1' }] });
  });

  it('passes agent errors through as values', async () => {
    const pending = call(ipcEvent(ours, appUrl), 'listEvents', { limit: 0 });
    child().emit('message', { type: 'result', id: 1, result: { ok: false, error: { code: 'bad_request', message: 'limit: too small' } } });
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'bad_request', message: 'limit: too small' } });
  });

  it('refuses calls from a foreign frame or a foreign WebContents, without asking the agent', async () => {
    const refused = { ok: false, error: { code: 'bad_request', message: 'request refused: not from the PlantDesk window' } };
    await expect(call(ipcEvent(ours, 'https://evil.example/'), 'getHealth')).resolves.toEqual(refused);
    await expect(call(ipcEvent(ours, 'file:///tmp/evil.html'), 'getHealth')).resolves.toEqual(refused);
    await expect(call(ipcEvent(ours, null), 'getHealth')).resolves.toEqual(refused);
    await expect(call(ipcEvent(new FakeWebContents(), appUrl), 'getHealth')).resolves.toEqual(refused);
    // Electron throws from senderFrame.url when the frame navigated away or was destroyed in flight.
    const goneFrame = {
      sender: ours,
      get senderFrame(): { url: string } {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    await expect(call(goneFrame, 'getHealth')).resolves.toEqual(refused);
    expect(child().posted).toEqual([]);
  });

  it('refuses an unknown method', async () => {
    for (const method of ['constructor', '__proto__', 'deleteEverything', 42, undefined]) {
      const result = (await call(ipcEvent(ours, appUrl), method)) as { ok: boolean; error: { code: string } };
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(child().posted).toEqual([]);
  });

  it('answers with an error after 10 s of silence and ignores the late answer', async () => {
    const pending = call(ipcEvent(ours, appUrl), 'getHealth');
    vi.advanceTimersByTime(10_000);
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'agent did not answer getHealth within 10 s' } });
    child().emit('message', { type: 'result', id: 1, result: { ok: true, value: {} } });
  });

  it('fails fast while the agent restarts, and fails calls in flight when it dies', async () => {
    const inFlight = call(ipcEvent(ours, appUrl), 'getQueue');
    child().emit('exit', 1);
    const expected = { ok: false, error: { code: 'internal', message: 'agent restarting (agent exited with code 1 after 0 s; next start in 1 s)' } };
    await expect(inFlight).resolves.toEqual(expected);
    await expect(call(ipcEvent(ours, appUrl), 'getQueue')).resolves.toEqual(expected);
    vi.advanceTimersByTime(1000);
    const after = call(ipcEvent(ours, appUrl), 'getQueue');
    expect(child().posted).toEqual([{ type: 'call', id: 2, method: 'getQueue', params: undefined }]);
    child().emit('message', { type: 'result', id: 2, result: { ok: true, value: { ready: 0 } } });
    await expect(after).resolves.toEqual({ ok: true, value: { ready: 0 } });
  });

  it('subscribes the agent once per stream and forwards its events to subscribed windows', () => {
    ipcMain.emit(SUBSCRIBE_CHANNEL, ipcEvent(ours, appUrl), 'onDashboard');
    ipcMain.emit(SUBSCRIBE_CHANNEL, ipcEvent(ours, appUrl), 'onDashboard');
    expect(child().posted).toEqual([{ type: 'subscribe', stream: 'onDashboard' }]);
    child().emit('message', { type: 'event', stream: 'onDashboard', value: { at: 't1' } });
    expect(ours.sent).toEqual([[EVENT_CHANNEL, 'onDashboard', { at: 't1' }]]);
  });

  it('ignores subscriptions from foreign senders and unknown streams', () => {
    const foreign = new FakeWebContents();
    ipcMain.emit(SUBSCRIBE_CHANNEL, ipcEvent(foreign, appUrl), 'onDashboard');
    ipcMain.emit(SUBSCRIBE_CHANNEL, ipcEvent(ours, 'https://evil.example/'), 'onDashboard');
    ipcMain.emit(SUBSCRIBE_CHANNEL, ipcEvent(ours, appUrl), 'onSecrets');
    expect(child().posted).toEqual([]);
    child().emit('message', { type: 'event', stream: 'onDashboard', value: {} });
    expect(foreign.sent).toEqual([]);
    expect(ours.sent).toEqual([]);
  });

  it('subscribes a restarted agent again and stops sending to a destroyed window', () => {
    ipcMain.emit(SUBSCRIBE_CHANNEL, ipcEvent(ours, appUrl), 'onDashboard');
    child().emit('exit', 1);
    vi.advanceTimersByTime(1000);
    child().emit('spawn');
    expect(child().posted).toEqual([{ type: 'subscribe', stream: 'onDashboard' }]);
    ours.destroy();
    child().emit('message', { type: 'event', stream: 'onDashboard', value: {} });
    expect(ours.sent).toEqual([]);
  });
});
