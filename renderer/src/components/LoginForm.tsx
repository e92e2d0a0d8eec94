// The login form: user name and password, the reason it was opened (e.g. "your session expired …"), the agent's
// answer on failure. Presentational; LoginContainer sends it.
import { useState, type FormEvent } from 'react';

export interface LoginFormProps {
  /** Why the form is shown, e.g. a session that expired; null when the user asked for it. */
  readonly reason: string | null;
  readonly error: string | null;
  readonly busy: boolean;
  onSubmit(user: string, password: string): void;
  onCancel(): void;
}

export function LoginForm({ reason, error, busy, onSubmit, onCancel }: LoginFormProps) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (user.trim() !== '' && password !== '') onSubmit(user.trim(), password);
  };
  return (
    <form className="auth-form" data-testid="login-form" onSubmit={submit} aria-label="Log in">
      <h2>Log in</h2>
      {reason && <p className="auth-reason" data-testid="login-reason">{reason}</p>}
      <label>
        User name
        <input data-testid="login-user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} autoFocus />
      </label>
      <label>
        Password
        <input data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error && <p className="auth-error" role="alert" data-testid="login-error">{error}</p>}
      <div className="auth-actions">
        <button type="submit" data-testid="login-submit" disabled={busy || user.trim() === '' || password === ''}>{busy ? 'Logging in…' : 'Log in'}</button>
        <button type="button" onClick={onCancel} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}
