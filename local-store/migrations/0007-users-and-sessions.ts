// Schema 7: local accounts and their sessions (issue 6). Passwords are kept only as scrypt hashes with their
// parameters; sessions only as the SHA-256 of their token, so a copy of the file lets no one log in.
// IF NOT EXISTS: safe whatever its place among concurrently added migrations.
import type Database from 'better-sqlite3';

export function migration0007(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS app_user (
      name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
      password_hash TEXT NOT NULL,
      roles TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      disabled_at INTEGER,
      last_login_at INTEGER,
      failed_logins INTEGER NOT NULL DEFAULT 0,
      locked_until INTEGER
    );
    CREATE TABLE IF NOT EXISTS app_session (
      id TEXT NOT NULL PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      user_name TEXT NOT NULL REFERENCES app_user(name),
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      ended_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS app_session_user ON app_session(user_name);
  `);
}
