// Logins and sessions: checks passwords, issues and resolves session tokens with idle and absolute expiry,
// locks an account after repeated failures, creates the first administrator with the setup code, and writes
// every login (success or failure) and logout to the hash-chained audit log.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateFirstAdminSchema, LOGIN_REQUIRED_MESSAGE, LoginSchema, ResumeSessionSchema, SESSION_EXPIRED_MESSAGE,
  type Caller, type CreateFirstAdminArgs, type LoginArgs, type ResumeSessionArgs, type Role, type SessionInfo,
} from '../../../domain/index.js';
import {
  appendAudit, countUsers, endSession, findSessionByTokenHash, findUser, insertSession, insertUser, purgeSessions,
  recordLoginFailure, recordLoginSuccess, touchSession, type StoredUser, type WritableDb,
} from '../../../local-store/index.js';
import { ApiFailure } from '../apiFailure.js';
import type { Logger } from '../logger.js';
import type { AuthConfig } from './configSchema.js';
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword, type ScryptCost } from './password.js';
import { removeSetupCode, writeSetupCode, type SetupCode } from './setupCode.js';
import { newSessionId, newSessionToken, sameSetupCode, tokenHash } from './tokens.js';
import { UserAdmin } from './userAdmin.js';
import type { SeedAccount } from './demoAccounts.js';

export interface AuthServiceOptions {
  readonly db: WritableDb;
  readonly config: AuthConfig;
  readonly logger: Logger;
  /** Where the first-admin setup code is written while no account exists. */
  readonly dataDir: string;
  /** Clock (tests inject one to expire sessions). */
  readonly now?: () => number;
  /** Every failed login is answered this much later, so guessing is slow even below the lockout; default 500 ms. */
  readonly failureDelayMs?: number;
  /** Cost of new password hashes; default DEFAULT_SCRYPT_COST. */
  readonly scryptCost?: ScryptCost;
}

/** Session last-seen times are written at most this often: a wall screen's queries do not write per call. */
const TOUCH_EVERY_MS = 5000;
/** A fixed hash to check against for unknown names, so their answer takes as long as a wrong password's. */
const UNKNOWN_USER_HASH = 'scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class AuthService {
  readonly users: UserAdmin;
  private setupCode: SetupCode | null = null;
  private readonly now: () => number;

  constructor(private readonly options: AuthServiceOptions) {
    this.now = options.now ?? Date.now;
    this.users = new UserAdmin({ db: options.db, now: this.now, scryptCost: options.scryptCost ?? DEFAULT_SCRYPT_COST });
  }

  /**
   * At agent start: creates the given accounts if missing (the demo's), purges old sessions, and with no account
   * at all writes the first-admin setup code and logs where it is (never the code itself).
   */
  async start(seed: readonly SeedAccount[] = []): Promise<void> {
    await Promise.all(seed.map((account) => this.users.seed(account)));
    purgeSessions(this.options.db, this.now() - 24 * 3600_000);
    if (countUsers(this.options.db) > 0) return;
    this.setupCode = writeSetupCode(this.options.dataDir);
    this.options.logger.warn({ file: this.setupCode.file }, 'no user accounts yet: open the console and create the first administrator with the one-time code in this file');
  }

  /** The file holding the setup code while no account exists, else null. */
  setupCodeFile(): string | null {
    return this.setupCode?.file ?? null;
  }

  firstAdminNeeded(): boolean {
    return countUsers(this.options.db) === 0;
  }

  async login(args: LoginArgs): Promise<SessionInfo> {
    const { user: name, password } = LoginSchema.parse(args);
    const now = this.now();
    const user = findUser(this.options.db, name);
    if (!user) {
      await verifyPassword(password, UNKNOWN_USER_HASH);
      return this.refuse(name, 'unknown user');
    }
    if (user.lockedUntil !== null && user.lockedUntil > now) {
      const minutes = Math.ceil((user.lockedUntil - now) / 60_000);
      return this.refuse(user.name, 'account locked', `the account ${user.name} is locked after ${user.failedLogins} failed logins; try again in ${minutes} min or ask an administrator to reset the password`);
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const failed = user.failedLogins + 1;
      const { lockoutAfterFailures, lockoutMin } = this.options.config;
      const lockedUntil = failed >= lockoutAfterFailures ? now + lockoutMin * 60_000 : null;
      recordLoginFailure(this.options.db, user.name, failed, lockedUntil);
      if (lockedUntil !== null) this.options.logger.warn({ user: user.name, failed }, 'account locked after repeated failed logins');
      return this.refuse(user.name, lockedUntil !== null ? `wrong password (${failed} in a row; account locked for ${lockoutMin} min)` : `wrong password (${failed} in a row)`);
    }
    if (user.disabledAt !== null) return this.refuse(user.name, 'account disabled', `the account ${user.name} is disabled; ask an administrator`);
    return this.openSession(user, 'user.login');
  }

  /** Binds an existing token again (a reconnected WebSocket); refused like any call when expired. */
  resume(args: ResumeSessionArgs): SessionInfo {
    const { token } = ResumeSessionSchema.parse(args);
    const caller = this.authenticate(token);
    const session = findSessionByTokenHash(this.options.db, tokenHash(token))!;
    return { token, user: caller.user, roles: caller.roles, expiresAt: new Date(session.expiresAt).toISOString(), idleTimeoutS: this.options.config.idleTimeoutMin * 60 };
  }

  async createFirstAdmin(args: CreateFirstAdminArgs): Promise<SessionInfo> {
    const { setupCode, user: name, password } = CreateFirstAdminSchema.parse(args);
    const code = this.setupCode;
    if (!code || !this.firstAdminNeeded()) throw new ApiFailure('forbidden', 'an administrator exists already: log in, or ask an administrator for an account');
    if (!sameSetupCode(setupCode, code.code)) {
      await sleep(this.options.failureDelayMs ?? 500);
      throw new ApiFailure('unauthorized', `wrong setup code: use the one in ${code.file} (a new one is written at every start until the first administrator exists)`);
    }
    const passwordHash = await hashPassword(password, this.options.scryptCost);
    const created = this.options.db.transaction(() => {
      // Checked again inside the transaction: two forms sent at once make one administrator, not two.
      if (countUsers(this.options.db) > 0) return false;
      insertUser(this.options.db, { name, passwordHash, roles: ['admin'], createdAt: this.now() });
      appendAudit(this.options.db, { at: this.now(), actor: name, action: 'user.create-first-admin', subject: name, after: { roles: ['admin'] } });
      return true;
    })();
    if (!created) throw new ApiFailure('forbidden', 'an administrator exists already: log in, or ask an administrator for an account');
    this.setupCode = null;
    removeSetupCode(code.file);
    this.options.logger.info({ user: name }, 'first administrator created; setup code removed');
    return this.openSession(findUser(this.options.db, name)!, 'user.login');
  }

  /**
   * The caller behind a token, or an ApiFailure 'unauthorized' saying why not (none, expired, idle, logged out,
   * disabled). Roles are read from the account each time, so a role change or a disable applies at once.
   */
  authenticate(token: string | undefined): Caller {
    if (token === undefined || token === '') throw new ApiFailure('unauthorized', LOGIN_REQUIRED_MESSAGE);
    const now = this.now();
    const session = findSessionByTokenHash(this.options.db, tokenHash(token));
    if (!session) throw new ApiFailure('unauthorized', `${SESSION_EXPIRED_MESSAGE} or is not known to this agent; log in again`);
    if (session.endedAt !== null) throw new ApiFailure('unauthorized', `${SESSION_EXPIRED_MESSAGE}: it was ended (logout, password reset or account disabled); log in again`);
    const { idleTimeoutMin, sessionMaxHours } = this.options.config;
    if (now >= session.expiresAt) throw new ApiFailure('unauthorized', `${SESSION_EXPIRED_MESSAGE}: sessions last at most ${sessionMaxHours} h; log in again`);
    if (now - session.lastSeenAt >= idleTimeoutMin * 60_000) throw new ApiFailure('unauthorized', `${SESSION_EXPIRED_MESSAGE} after ${idleTimeoutMin} min without use; log in again`);
    const user = findUser(this.options.db, session.userName);
    if (!user || user.disabledAt !== null) throw new ApiFailure('unauthorized', `the account ${session.userName} is disabled; ask an administrator`);
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) touchSession(this.options.db, session.id, now);
    return { user: user.name, roles: user.roles, sessionId: session.id };
  }

  logout(caller: Caller): void {
    const at = this.now();
    this.options.db.transaction(() => {
      endSession(this.options.db, caller.sessionId, at);
      appendAudit(this.options.db, { at, actor: caller.user, action: 'user.logout', subject: caller.user, after: { session: caller.sessionId } });
    })();
  }

  private openSession(user: StoredUser, action: string): SessionInfo {
    const now = this.now();
    const token = newSessionToken();
    const id = newSessionId();
    const expiresAt = now + this.options.config.sessionMaxHours * 3600_000;
    this.options.db.transaction(() => {
      insertSession(this.options.db, { id, tokenHash: tokenHash(token), userName: user.name, createdAt: now, expiresAt });
      recordLoginSuccess(this.options.db, user.name, now);
      appendAudit(this.options.db, { at: now, actor: user.name, action, subject: user.name, after: { session: id, roles: user.roles } });
    })();
    return { token, user: user.name, roles: user.roles as Role[], expiresAt: new Date(expiresAt).toISOString(), idleTimeoutS: this.options.config.idleTimeoutMin * 60 };
  }

  /** Audits the failure, waits, and refuses with one message for unknown names and wrong passwords alike. */
  private async refuse(name: string, why: string, message = 'wrong user name or password'): Promise<never> {
    appendAudit(this.options.db, { at: this.now(), actor: name, action: 'user.login-failed', subject: name, reason: why });
    await sleep(this.options.failureDelayMs ?? 500);
    throw new ApiFailure('unauthorized', message);
  }
}
