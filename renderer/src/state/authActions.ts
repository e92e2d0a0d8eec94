// Module-level actions for the session: the only writers of the auth slice. The token lives here and in the
// WebSocket client, in memory only: a reload or a closed tab means logging in again.
import type { AuthStatus, SessionInfo } from '../../../domain/api';
import { ApiCallError } from '../api/wsTypes';
import { useConsoleStore } from './store';

export function setAuthStatus(authStatus: AuthStatus): void {
  useConsoleStore.setState({ authStatus });
}

/** Logged in: the form closes. */
export function setSession(session: SessionInfo): void {
  useConsoleStore.setState({ session, loginPrompt: null, authStatus: { ...(useConsoleStore.getState().authStatus ?? { viewsNeedLogin: false, setupCodeFile: null }), firstAdminNeeded: false } });
}

/** Logged out, or the agent ended the session; with a reason the login form opens again to say why. */
export function endSession(reason: string | null = null): void {
  useConsoleStore.setState({ session: null, loginPrompt: reason === null ? null : { reason } });
}

export function promptLogin(reason: string | null = null): void {
  useConsoleStore.setState({ loginPrompt: { reason } });
}

export function closeLoginPrompt(): void {
  useConsoleStore.setState({ loginPrompt: null });
}

/**
 * For a failed command: an 'unauthorized' answer (no login, session expired) ends the session shown and leads back
 * to the login form with the agent's words; every error's message is returned for the panel that sent it.
 */
export function commandFailed(error: Error): string {
  if (error instanceof ApiCallError && error.code === 'unauthorized') endSession(error.message);
  return error.message;
}
