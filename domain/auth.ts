// Users, roles and sessions in the PlantDesk API contract (issue 6). The agent checks every command's role
// (COMMAND_ROLES in api.ts) in one place, apiDispatch, for every transport; the renderer only sees these types.
import { z } from 'zod';

/**
 * operator: views; supervisor: correct, void, approve records; engineer: connectors, mappings, certificates;
 * admin: users, updates, settings. A user may hold several; no role implies another.
 */
export const ROLES = ['operator', 'supervisor', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Passwords shorter than this are refused when an account is created or its password is set. */
export const MIN_PASSWORD_LENGTH = 10;

/** Who calls a command: the agent resolves it from the session and passes it to the command's implementation. */
export interface Caller {
  readonly user: string;
  readonly roles: readonly Role[];
  /** The session's id (not its token): logout ends it. */
  readonly sessionId: string;
}

const UserName = z.string().trim().min(1, 'a user name is required').max(64).regex(/^[A-Za-z0-9._@-]+$/, 'user names are letters, digits and . _ @ -');
const Password = z.string().min(MIN_PASSWORD_LENGTH, `passwords have at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);
const Roles = z.array(z.enum(ROLES)).min(1, 'give at least one role').transform((roles) => [...new Set(roles)]);

export const LoginSchema = z.strictObject({ user: z.string().trim().min(1).max(64), password: z.string().min(1).max(1024) });
export type LoginArgs = z.input<typeof LoginSchema>;
export const ResumeSessionSchema = z.strictObject({ token: z.string().min(1).max(256) });
export type ResumeSessionArgs = z.input<typeof ResumeSessionSchema>;
export const CreateFirstAdminSchema = z.strictObject({ setupCode: z.string().trim().min(1).max(64), user: UserName, password: Password });
export type CreateFirstAdminArgs = z.input<typeof CreateFirstAdminSchema>;
export const CreateUserSchema = z.strictObject({ user: UserName, password: Password, roles: Roles });
export type CreateUserArgs = z.input<typeof CreateUserSchema>;
export const SetUserRolesSchema = z.strictObject({ user: UserName, roles: Roles, reason: z.string().trim().max(500).optional() });
export type SetUserRolesArgs = z.input<typeof SetUserRolesSchema>;
export const ResetPasswordSchema = z.strictObject({ user: UserName, password: Password });
export type ResetPasswordArgs = z.input<typeof ResetPasswordSchema>;
export const DisableUserSchema = z.strictObject({ user: UserName, reason: z.string().trim().min(1, 'say why the account is disabled').max(500) });
export type DisableUserArgs = z.input<typeof DisableUserSchema>;

/** A login's answer. The token is the only secret: keep it in memory, send it as `Authorization: Bearer`. */
export interface SessionInfo {
  readonly token: string;
  readonly user: string;
  readonly roles: readonly Role[];
  /** Absolute end of the session, whatever happens. */
  readonly expiresAt: string;
  /** Idle timeout: a session unused for this long ends. */
  readonly idleTimeoutS: number;
}

export interface AuthStatus {
  /** No account exists yet: the console offers "create the first administrator" with the setup code. */
  readonly firstAdminNeeded: boolean;
  /** Where the agent wrote the one-time setup code, while it is needed. */
  readonly setupCodeFile: string | null;
  /** True when this transport requires a login for views too (LAN mode, issue 8). */
  readonly viewsNeedLogin: boolean;
}

export interface UserInfo {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
  readonly disabledAt: string | null;
  readonly lastLoginAt: string | null;
}

/** Logging in and out: open to anyone who can reach the agent (sessions are what the role checks rely on). */
export interface SessionApi {
  getAuthStatus(): Promise<AuthStatus>;
  login(args: LoginArgs): Promise<SessionInfo>;
  /** Binds a connection (WebSocket, IPC) to a session it already holds, e.g. after a reconnect. */
  resumeSession(args: ResumeSessionArgs): Promise<SessionInfo>;
  /** With the setup code the agent wrote at first start; only while no account exists. Logs the new admin in. */
  createFirstAdmin(args: CreateFirstAdminArgs): Promise<SessionInfo>;
  logout(): Promise<void>;
}

/** Account administration: commands for the admin role (COMMAND_ROLES). */
export interface UsersApi {
  listUsers(): Promise<UserInfo[]>;
  createUser(args: CreateUserArgs): Promise<UserInfo>;
  setUserRoles(args: SetUserRolesArgs): Promise<UserInfo>;
  resetPassword(args: ResetPasswordArgs): Promise<UserInfo>;
  disableUser(args: DisableUserArgs): Promise<UserInfo>;
}

export const API_SESSION_METHODS = ['getAuthStatus', 'login', 'resumeSession', 'createFirstAdmin', 'logout'] as const satisfies readonly (keyof SessionApi)[];
export type ApiSessionMethod = (typeof API_SESSION_METHODS)[number];
export function isApiSessionMethod(name: unknown): name is ApiSessionMethod {
  return typeof name === 'string' && (API_SESSION_METHODS as readonly string[]).includes(name);
}

/** HTTP routes of the session methods: getAuthStatus is a GET, the others POST with JSON. */
export const API_SESSION_ROUTES: Readonly<Record<ApiSessionMethod, string>> = {
  getAuthStatus: '/api/v1/auth/status',
  login: '/api/v1/auth/login',
  resumeSession: '/api/v1/auth/session',
  createFirstAdmin: '/api/v1/auth/first-admin',
  logout: '/api/v1/auth/logout',
};

/** Error message prefixes the console reacts to (back to the login form). */
export const SESSION_EXPIRED_MESSAGE = 'your session expired';
export const LOGIN_REQUIRED_MESSAGE = 'log in first';
