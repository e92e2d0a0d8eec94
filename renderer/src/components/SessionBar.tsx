// Who is logged in, with which roles, and the way out; or the way in. Views need no login on this PC.
import type { Role } from '../../../domain/api';

export interface SessionBarProps {
  readonly user: string | null;
  readonly roles: readonly Role[];
  onLogin(): void;
  onLogout(): void;
}

export function SessionBar({ user, roles, onLogin, onLogout }: SessionBarProps) {
  if (user === null) {
    return (
      <div className="session-bar" data-testid="session-bar">
        <button type="button" data-testid="login-open" onClick={onLogin}>Log in</button>
      </div>
    );
  }
  return (
    <div className="session-bar" data-testid="session-bar">
      <span className="session-user" data-testid="session-user">{user}</span>
      <span className="session-roles" data-testid="session-roles">{roles.join(', ')}</span>
      <button type="button" data-testid="logout" onClick={onLogout}>Log out</button>
    </div>
  );
}
