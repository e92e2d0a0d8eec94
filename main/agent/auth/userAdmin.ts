// Account administration (the admin role's commands): list, create, set roles, reset password, disable. Each change
// is written with its audit entry in one transaction; the caller is the admin the session belongs to.
import {
  CreateUserSchema, DisableUserSchema, ResetPasswordSchema, SetUserRolesSchema, type Caller, type CreateUserArgs,
  type DisableUserArgs, type ResetPasswordArgs, type SetUserRolesArgs, type UserInfo,
} from '../../../domain/index.js';
import {
  appendAudit, disableUser, endSessionsOfUser, findUser, insertUser, listUsers, updateUserPassword, updateUserRoles,
  type StoredUser, type WritableDb,
} from '../../../local-store/index.js';
import { ApiFailure } from '../apiFailure.js';
import type { SeedAccount } from './demoAccounts.js';
import { hashPassword, type ScryptCost } from './password.js';

export interface UserAdminOptions {
  readonly db: WritableDb;
  readonly now: () => number;
  readonly scryptCost: ScryptCost;
}

export function toUserInfo(user: StoredUser): UserInfo {
  const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
  return { name: user.name, roles: user.roles, createdAt: new Date(user.createdAt).toISOString(), disabledAt: iso(user.disabledAt), lastLoginAt: iso(user.lastLoginAt) };
}

export class UserAdmin {
  constructor(private readonly options: UserAdminOptions) {}

  list(): UserInfo[] {
    return listUsers(this.options.db).map(toUserInfo);
  }

  async create(args: CreateUserArgs, caller: Caller): Promise<UserInfo> {
    const { user: name, password, roles } = CreateUserSchema.parse(args);
    if (findUser(this.options.db, name)) throw new ApiFailure('bad_request', `a user named ${name} exists already`);
    const passwordHash = await hashPassword(password, this.options.scryptCost);
    return this.change(caller, 'user.create', name, () => {
      if (findUser(this.options.db, name)) throw new ApiFailure('bad_request', `a user named ${name} exists already`);
      insertUser(this.options.db, { name, passwordHash, roles, createdAt: this.options.now() });
      return { before: undefined, after: { roles } };
    });
  }

  setRoles(args: SetUserRolesArgs, caller: Caller): UserInfo {
    const { user: name, roles, reason } = SetUserRolesSchema.parse(args);
    const user = this.existing(name);
    // An admin removing their own admin role could leave no one able to manage accounts: refused.
    if (user.name.toLowerCase() === caller.user.toLowerCase() && !roles.includes('admin')) {
      throw new ApiFailure('bad_request', 'you cannot take the admin role from yourself; ask another administrator');
    }
    return this.change(caller, 'user.roles', user.name, () => {
      updateUserRoles(this.options.db, user.name, roles);
      return { before: { roles: user.roles }, after: { roles } };
    }, reason);
  }

  /** Also unlocks the account and ends its sessions (a password that may be known must not keep them). */
  async resetPassword(args: ResetPasswordArgs, caller: Caller): Promise<UserInfo> {
    const { user: name, password } = ResetPasswordSchema.parse(args);
    const user = this.existing(name);
    const passwordHash = await hashPassword(password, this.options.scryptCost);
    return this.change(caller, 'user.password-reset', user.name, () => {
      updateUserPassword(this.options.db, user.name, passwordHash);
      const ended = endSessionsOfUser(this.options.db, user.name, this.options.now());
      return { before: undefined, after: { sessionsEnded: ended } };
    });
  }

  disable(args: DisableUserArgs, caller: Caller): UserInfo {
    const { user: name, reason } = DisableUserSchema.parse(args);
    const user = this.existing(name);
    if (user.name.toLowerCase() === caller.user.toLowerCase()) throw new ApiFailure('bad_request', 'you cannot disable your own account');
    if (user.disabledAt !== null) throw new ApiFailure('bad_request', `the account ${user.name} is disabled already`);
    return this.change(caller, 'user.disable', user.name, () => {
      disableUser(this.options.db, user.name, this.options.now());
      const ended = endSessionsOfUser(this.options.db, user.name, this.options.now());
      return { before: { disabled: false }, after: { disabled: true, sessionsEnded: ended } };
    }, reason);
  }

  /** Creates a seed account (the demo's) unless its name exists; audited as 'demo-setup'. */
  async seed(account: SeedAccount): Promise<void> {
    if (findUser(this.options.db, account.name)) return;
    const passwordHash = await hashPassword(account.password, this.options.scryptCost);
    this.options.db.transaction(() => {
      if (findUser(this.options.db, account.name)) return;
      insertUser(this.options.db, { name: account.name, passwordHash, roles: account.roles, createdAt: this.options.now() });
      appendAudit(this.options.db, { at: this.options.now(), actor: 'demo-setup', action: 'user.create', subject: account.name, after: { roles: account.roles }, reason: 'demo account' });
    })();
  }

  private existing(name: string): StoredUser {
    const user = findUser(this.options.db, name);
    if (!user) throw new ApiFailure('not_found', `no user named ${name}`);
    return user;
  }

  private change(caller: Caller, action: string, subject: string, apply: () => { before: unknown; after: unknown }, reason?: string): UserInfo {
    return this.options.db.transaction(() => {
      const { before, after } = apply();
      appendAudit(this.options.db, {
        at: this.options.now(), actor: caller.user, action, subject,
        ...(before !== undefined ? { before } : {}), after, ...(reason !== undefined ? { reason } : {}),
      });
      return toUserInfo(findUser(this.options.db, subject)!);
    })();
  }
}
