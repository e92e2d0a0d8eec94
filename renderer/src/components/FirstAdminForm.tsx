// "Create the first administrator": shown while the agent has no account, with the one-time setup code the agent
// wrote to a file on this PC (only someone with access to its files can read it).
import { useState, type FormEvent } from 'react';

/** Duplicates MIN_PASSWORD_LENGTH in domain/auth.ts (the renderer may only import types from domain/); the agent checks again. */
export const MIN_PASSWORD_LENGTH = 10;

export interface FirstAdminFormProps {
  readonly setupCodeFile: string | null;
  readonly error: string | null;
  readonly busy: boolean;
  onSubmit(setupCode: string, user: string, password: string): void;
}

export function FirstAdminForm({ setupCodeFile, error, busy, onSubmit }: FirstAdminFormProps) {
  const [code, setCode] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const problem = password.length > 0 && password.length < MIN_PASSWORD_LENGTH
    ? `at least ${MIN_PASSWORD_LENGTH} characters`
    : repeat.length > 0 && repeat !== password ? 'the passwords differ' : null;
  const ready = code.trim() !== '' && user.trim() !== '' && password.length >= MIN_PASSWORD_LENGTH && repeat === password && !busy;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) onSubmit(code.trim(), user.trim(), password);
  };
  return (
    <form className="auth-form" data-testid="first-admin-form" onSubmit={submit} aria-label="Create the first administrator">
      <h2>Create the first administrator</h2>
      <p className="auth-reason">
        No user account exists yet. The one-time setup code is in {setupCodeFile ? <code data-testid="setup-code-file">{setupCodeFile}</code> : 'the file named in the agent log'} on this PC.
      </p>
      <label>
        Setup code
        <input data-testid="first-admin-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
      </label>
      <label>
        User name
        <input data-testid="first-admin-user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} />
      </label>
      <label>
        Password
        <input data-testid="first-admin-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <label>
        Password again
        <input data-testid="first-admin-repeat" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
      </label>
      {problem && <p className="auth-hint">{problem}</p>}
      {error && <p className="auth-error" role="alert" data-testid="first-admin-error">{error}</p>}
      <div className="auth-actions">
        <button type="submit" data-testid="first-admin-submit" disabled={!ready}>{busy ? 'Creating…' : 'Create administrator'}</button>
      </div>
    </form>
  );
}
