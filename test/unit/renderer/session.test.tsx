// Sessions in the renderer: the WebSocket client keeps the token in memory and resumes it first after a reconnect;
// a command answered "unauthorized" ends the session and opens the login form with the agent's words; the forms.
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WsClient } from '../../../renderer/src/api/wsClient.js';
import { ApiCallError, type WebSocketLike } from '../../../renderer/src/api/wsTypes.js';
import { FirstAdminForm } from '../../../renderer/src/components/FirstAdminForm.js';
import { LoginForm } from '../../../renderer/src/components/LoginForm.js';
import { SessionBar } from '../../../renderer/src/components/SessionBar.js';
import { resetConsoleState } from '../../../renderer/src/state/actions.js';
import { commandFailed, endSession, setSession } from '../../../renderer/src/state/authActions.js';
import { useConsoleStore } from '../../../renderer/src/state/store.js';

class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: { id?: number; method?: string; params?: unknown }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as { id: number; method: string });
  }
  close(): void {
    this.serverClose();
  }
  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  answer(id: number, result: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ type: 'result', id, result }) });
  }
  serverClose(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({});
  }
}

const latest = () => FakeWebSocket.instances.at(-1)!;
const SESSION = { token: 'tok-123', user: 'anna', roles: ['engineer'], expiresAt: '2026-11-25T19:00:00.000Z', idleTimeoutS: 3600 };
let client: WsClient | null = null;

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1);
  resetConsoleState();
});
afterEach(() => {
  client?.dispose();
  client = null;
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('WsClient sessions', () => {
  it('resumes the session first on a new socket, ahead of calls queued while reconnecting', async () => {
    client = new WsClient({ url: 'ws://127.0.0.1:1/api/v1/ws', WebSocket: FakeWebSocket });
    latest().serverOpen();
    const login = client.login({ user: 'anna', password: 'secret password' });
    latest().answer(1, { ok: true, value: SESSION });
    await expect(login).resolves.toEqual(SESSION);

    latest().serverClose();
    await vi.advanceTimersByTimeAsync(300);
    // Reconnecting: a command made now waits for the socket.
    const trust = client.trustCertificate({ thumbprint: 'AB'.repeat(20), reason: 'checked' });
    latest().serverOpen();
    expect(latest().sent.map((m) => [m.method, m.params])).toEqual([
      ['resumeSession', { token: 'tok-123' }],
      ['trustCertificate', { thumbprint: 'AB'.repeat(20), reason: 'checked' }],
    ]);
    latest().answer(latest().sent[1]!.id!, { ok: true, value: { auditSeq: 1 } });
    await expect(trust).resolves.toEqual({ auditSeq: 1 });
  });

  it('tells when the session could not be resumed (expired while away), and forgets the token', async () => {
    client = new WsClient({ url: 'ws://127.0.0.1:1/api/v1/ws', WebSocket: FakeWebSocket });
    const lost: string[] = [];
    client.onSessionLost((reason) => lost.push(reason));
    latest().serverOpen();
    const login = client.login({ user: 'anna', password: 'secret password' });
    latest().answer(1, { ok: true, value: SESSION });
    await login;
    latest().serverClose();
    await vi.advanceTimersByTimeAsync(300);
    latest().serverOpen();
    latest().answer(latest().sent[0]!.id!, { ok: false, error: { code: 'unauthorized', message: 'your session expired after 60 min without use; log in again' } });
    await vi.advanceTimersByTimeAsync(0);
    expect(lost).toEqual(['your session expired after 60 min without use; log in again']);
    latest().serverClose();
    await vi.advanceTimersByTimeAsync(600);
    latest().serverOpen();
    expect(latest().sent).toEqual([]);
  });

  it('sends no token after logout', async () => {
    client = new WsClient({ url: 'ws://127.0.0.1:1/api/v1/ws', WebSocket: FakeWebSocket });
    latest().serverOpen();
    const login = client.login({ user: 'anna', password: 'secret password' });
    latest().answer(1, { ok: true, value: SESSION });
    await login;
    void client.logout().catch(() => undefined);
    expect(latest().sent.at(-1)).toMatchObject({ method: 'logout' });
    latest().serverClose();
    await vi.advanceTimersByTimeAsync(300);
    latest().serverOpen();
    expect(latest().sent).toEqual([]);
  });
});

describe('session state', () => {
  it('keeps the session in the store after login, and a command answered unauthorized leads back to the login form', () => {
    setSession(SESSION as never);
    expect(useConsoleStore.getState().session?.user).toBe('anna');
    const message = commandFailed(new ApiCallError('unauthorized', 'your session expired: sessions last at most 13 h; log in again'));
    expect(message).toBe('your session expired: sessions last at most 13 h; log in again');
    expect(useConsoleStore.getState().session).toBeNull();
    expect(useConsoleStore.getState().loginPrompt).toEqual({ reason: 'your session expired: sessions last at most 13 h; log in again' });
  });

  it('keeps the session for other errors (a wrong role, a bad request)', () => {
    setSession(SESSION as never);
    expect(commandFailed(new ApiCallError('forbidden', 'trustCertificate needs the role engineer; anna has operator'))).toMatch(/needs the role/);
    expect(useConsoleStore.getState().session?.user).toBe('anna');
    endSession();
    expect(useConsoleStore.getState()).toMatchObject({ session: null, loginPrompt: null });
  });
});

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('session components', () => {
  it('shows who is logged in with roles and a logout, or a login button', () => {
    const inBar = renderToStaticMarkup(<SessionBar user="anna" roles={['supervisor', 'engineer']} onLogin={() => undefined} onLogout={() => undefined} />);
    expect(text(inBar)).toBe('anna supervisor, engineer Log out');
    const outBar = renderToStaticMarkup(<SessionBar user={null} roles={[]} onLogin={() => undefined} onLogout={() => undefined} />);
    expect(outBar).toContain('data-testid="login-open"');
  });

  it('shows the login form with the reason and the agent\'s answer', () => {
    const html = renderToStaticMarkup(<LoginForm reason="your session expired after 60 min without use; log in again" error="wrong user name or password" busy={false} onSubmit={() => undefined} onCancel={() => undefined} />);
    expect(text(html)).toContain('your session expired after 60 min without use; log in again');
    expect(text(html)).toContain('wrong user name or password');
    expect(html).toContain('type="password"');
  });

  it('names the setup code file in the first-administrator form', () => {
    const html = renderToStaticMarkup(<FirstAdminForm setupCodeFile="/var/lib/plantdesk/first-admin-code.txt" error={null} busy={false} onSubmit={() => undefined} />);
    expect(text(html)).toContain('Create the first administrator');
    expect(html).toContain('/var/lib/plantdesk/first-admin-code.txt');
  });
});
