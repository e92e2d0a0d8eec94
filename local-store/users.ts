// Local accounts and sessions (migration 0007): small functions over the typed handle. Hashing, tokens, expiry
// and role checks live in the agent (main/agent/auth/); this file only stores what it is given.
import type { Role } from '../domain/index.js';
import type { ReadableDb, WritableDb } from './database.js';
import { statement } from './statements.js';

export interface StoredUser {
  readonly name: string;
  readonly passwordHash: string;
  readonly roles: readonly Role[];
  readonly createdAt: number;
  readonly disabledAt: number | null;
  readonly lastLoginAt: number | null;
  readonly failedLogins: number;
  readonly lockedUntil: number | null;
}

export interface StoredSession {
  readonly id: string;
  readonly userName: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly endedAt: number | null;
}

interface UserRow {
  name: string; password_hash: string; roles: string; created_at: number; disabled_at: number | null; last_login_at: number | null;
  failed_logins: number; locked_until: number | null;
}
interface SessionRow { id: string; user_name: string; created_at: number; last_seen_at: number; expires_at: number; ended_at: number | null }

function toUser(row: UserRow): StoredUser {
  return {
    name: row.name, passwordHash: row.password_hash, roles: JSON.parse(row.roles) as Role[], createdAt: row.created_at,
    disabledAt: row.disabled_at, lastLoginAt: row.last_login_at, failedLogins: row.failed_logins, lockedUntil: row.locked_until,
  };
}

function toSession(row: SessionRow): StoredSession {
  return { id: row.id, userName: row.user_name, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at, endedAt: row.ended_at };
}

export function countUsers(db: ReadableDb): number {
  return (statement(db, 'SELECT count(*) AS n FROM app_user').get() as { n: number }).n;
}

/** Names compare without case: "Anna" and "anna" are one account. */
export function findUser(db: ReadableDb, name: string): StoredUser | undefined {
  const row = statement(db, 'SELECT * FROM app_user WHERE name = ?').get(name) as UserRow | undefined;
  return row ? toUser(row) : undefined;
}

export function listUsers(db: ReadableDb): StoredUser[] {
  return (statement(db, 'SELECT * FROM app_user ORDER BY name').all() as UserRow[]).map(toUser);
}

/** Throws on a name that exists already (the primary key), so two creates never make one account twice. */
export function insertUser(db: WritableDb, user: { readonly name: string; readonly passwordHash: string; readonly roles: readonly Role[]; readonly createdAt: number }): void {
  statement(db, 'INSERT INTO app_user (name, password_hash, roles, created_at) VALUES (?, ?, ?, ?)').run(user.name, user.passwordHash, JSON.stringify(user.roles), user.createdAt);
}

export function updateUserRoles(db: WritableDb, name: string, roles: readonly Role[]): void {
  statement(db, 'UPDATE app_user SET roles = ? WHERE name = ?').run(JSON.stringify(roles), name);
}

/** A new password also clears a lockout. */
export function updateUserPassword(db: WritableDb, name: string, passwordHash: string): void {
  statement(db, 'UPDATE app_user SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE name = ?').run(passwordHash, name);
}

export function disableUser(db: WritableDb, name: string, at: number): void {
  statement(db, 'UPDATE app_user SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL').run(at, name);
}

export function recordLoginSuccess(db: WritableDb, name: string, at: number): void {
  statement(db, 'UPDATE app_user SET last_login_at = ?, failed_logins = 0, locked_until = NULL WHERE name = ?').run(at, name);
}

export function recordLoginFailure(db: WritableDb, name: string, failedLogins: number, lockedUntil: number | null): void {
  statement(db, 'UPDATE app_user SET failed_logins = ?, locked_until = ? WHERE name = ?').run(failedLogins, lockedUntil, name);
}

export function insertSession(db: WritableDb, session: { readonly id: string; readonly tokenHash: string; readonly userName: string; readonly createdAt: number; readonly expiresAt: number }): void {
  statement(db, 'INSERT INTO app_session (id, token_hash, user_name, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(session.id, session.tokenHash, session.userName, session.createdAt, session.createdAt, session.expiresAt);
}

export function findSessionByTokenHash(db: ReadableDb, tokenHash: string): StoredSession | undefined {
  const row = statement(db, 'SELECT id, user_name, created_at, last_seen_at, expires_at, ended_at FROM app_session WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
  return row ? toSession(row) : undefined;
}

export function touchSession(db: WritableDb, id: string, at: number): void {
  statement(db, 'UPDATE app_session SET last_seen_at = ? WHERE id = ?').run(at, id);
}

export function endSession(db: WritableDb, id: string, at: number): void {
  statement(db, 'UPDATE app_session SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(at, id);
}

/** Ends every open session of a user (disabled, password reset). */
export function endSessionsOfUser(db: WritableDb, name: string, at: number): number {
  return statement(db, 'UPDATE app_session SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL').run(at, name).changes;
}

/** Sessions that ended or expired before `before` are of no use any more; keeps the table small. */
export function purgeSessions(db: WritableDb, before: number): number {
  return statement(db, 'DELETE FROM app_session WHERE coalesce(ended_at, expires_at) < ?').run(before).changes;
}
