// Sessions in the console: asks the agent whether a first administrator is needed, shows who is logged in (or a
// login button) and the login or first-admin form; a session lost on reconnect leads back to the login form.
import { useCallback, useEffect, useState } from 'react';
import { getApi, type ConsoleApi } from '../api/getApi';
import { FirstAdminForm } from '../components/FirstAdminForm';
import { LoginForm } from '../components/LoginForm';
import { SessionBar } from '../components/SessionBar';
import { closeLoginPrompt, endSession, promptLogin, setAuthStatus, setSession } from '../state/authActions';
import { useConsoleStore } from '../state/store';

type SessionClient = Pick<ConsoleApi, 'getAuthStatus' | 'login' | 'logout' | 'createFirstAdmin' | 'onSessionLost'>;

export function SessionContainer({ api = getApi() }: { readonly api?: SessionClient }) {
  const link = useConsoleStore((s) => s.link);
  const session = useConsoleStore((s) => s.session);
  const authStatus = useConsoleStore((s) => s.authStatus);
  const loginPrompt = useConsoleStore((s) => s.loginPrompt);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (link !== 'open') return;
    api.getAuthStatus().then(setAuthStatus, (e: Error) => console.warn('PlantDesk: getAuthStatus failed', e));
  }, [api, link]);

  useEffect(() => api.onSessionLost((reason) => endSession(reason)), [api]);

  const run = useCallback((call: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    call().then(
      () => setBusy(false),
      (e: Error) => {
        setBusy(false);
        setError(e.message);
      },
    );
  }, []);

  const onLogin = useCallback((user: string, password: string) => run(() => api.login({ user, password }).then(setSession)), [api, run]);
  const onFirstAdmin = useCallback(
    (setupCode: string, user: string, password: string) => run(() => api.createFirstAdmin({ setupCode, user, password }).then(setSession)),
    [api, run],
  );
  const onLogout = useCallback(() => {
    // Forgotten here at once; the agent ends the session (an error only means it had ended already).
    endSession();
    api.logout().catch(() => undefined);
  }, [api]);
  const onCancel = useCallback(() => {
    setError(null);
    closeLoginPrompt();
  }, []);

  return (
    <>
      <SessionBar user={session?.user ?? null} roles={session?.roles ?? []} onLogin={() => promptLogin()} onLogout={onLogout} />
      {authStatus?.firstAdminNeeded === true && session === null && (
        <div className="auth-overlay">
          <FirstAdminForm setupCodeFile={authStatus.setupCodeFile} error={error} busy={busy} onSubmit={onFirstAdmin} />
        </div>
      )}
      {loginPrompt !== null && authStatus?.firstAdminNeeded !== true && (
        <div className="auth-overlay">
          <LoginForm reason={loginPrompt.reason} error={error} busy={busy} onSubmit={onLogin} onCancel={onCancel} />
        </div>
      )}
    </>
  );
}
