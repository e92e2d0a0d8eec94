// Serves the PlantDesk API over any message transport (WebSocket, HTTP, Electron utility process port): calls
// become results, never thrown errors, and subscriptions end when the peer goes away. The one place where
// sessions and roles are checked (RELIABILITY.md promise 7): every transport goes through callApi.
import { z } from 'zod';
import {
  COMMAND_ROLES, isApiCommand, isApiQuery, isApiSessionMethod, isApiStream, type ApiCommand, type ApiResponseMessage,
  type ApiResult, type Caller, type PlantDeskApi, type SessionApi, type SessionInfo, type Unsubscribe, type UsersApi,
} from '../../domain/index.js';
import { ApiFailure } from './apiFailure.js';

const RequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string(), params: z.unknown().optional() }),
  z.object({ type: z.literal('subscribe'), stream: z.string() }),
]);

/** Resolves a session token to its caller, or throws ApiFailure 'unauthorized' saying why not (auth/authService.ts). */
export interface SessionGate {
  authenticate(token: string | undefined): Caller;
}

/**
 * What the transports serve: the API, its session and account methods, and the gate the commands are checked
 * against. Without a gate every command is refused (fail closed).
 */
export type ServedApi = PlantDeskApi & Partial<SessionApi & UsersApi> & { readonly auth?: SessionGate | undefined };

export interface CallOptions {
  /**
   * The peer is on this machine (loopback HTTP/WebSocket, the Electron IPC bridge): only then are logins and commands
   * accepted, so passwords and tokens never cross the plant LAN in clear until LAN mode brings TLS (issue 8).
   * Default false.
   */
  readonly allowCommands?: boolean;
  /**
   * Views (queries, streams) need a session too. Off on this machine, where the console is a wall screen in the
   * control room (README); LAN mode (issue 8) turns it on. Default false.
   */
  readonly viewsNeedLogin?: boolean;
  /** The session token the request carries: HTTP `Authorization: Bearer`, or the one a connection logged in with. */
  readonly token?: string | undefined;
}

const LOCAL_ONLY = 'is accepted only from this machine until LAN mode brings TLS (issue 8)';

export async function callApi(api: ServedApi, method: unknown, params: unknown, options: CallOptions = {}): Promise<ApiResult<unknown>> {
  try {
    const value = await dispatch(api, method, params, options);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ApiFailure) return { ok: false, error: { code: error.code, message: error.message } };
    if (error instanceof z.ZodError) {
      return { ok: false, error: { code: 'bad_request', message: error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ') } };
    }
    return { ok: false, error: { code: 'internal', message: (error as Error).message } };
  }
}

type Method = (params?: unknown, caller?: Caller) => Promise<unknown>;

function implementation(api: ServedApi, method: string): Method {
  const fn = (api as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new ApiFailure('not_found', `${method} is not available in this agent`);
  return (fn as Method).bind(api);
}

async function dispatch(api: ServedApi, method: unknown, params: unknown, options: CallOptions): Promise<unknown> {
  if (isApiQuery(method)) {
    if (options.viewsNeedLogin === true) authenticate(api, options.token);
    // Every method validates its own params (zod in the agent); the ones without params ignore them.
    return implementation(api, method)(params);
  }
  if (isApiCommand(method)) {
    if (options.allowCommands !== true) throw new ApiFailure('forbidden', `${method} is a command; it ${LOCAL_ONLY}`);
    const caller = authenticate(api, options.token);
    checkRole(method, caller);
    return implementation(api, method)(params, caller);
  }
  if (isApiSessionMethod(method)) {
    switch (method) {
      case 'getAuthStatus':
        return { ...((await implementation(api, method)()) as object), viewsNeedLogin: options.viewsNeedLogin === true };
      case 'logout':
        return implementation(api, method)(undefined, authenticate(api, options.token));
      case 'resumeSession':
        return implementation(api, method)(params);
      default:
        if (options.allowCommands !== true) throw new ApiFailure('forbidden', `${method} ${LOCAL_ONLY}`);
        return implementation(api, method)(params);
    }
  }
  throw new ApiFailure('not_found', `unknown API method ${String(method)}`);
}

function authenticate(api: ServedApi, token: string | undefined): Caller {
  if (!api.auth) throw new ApiFailure('unauthorized', 'this agent has no user accounts, so it accepts no commands');
  return api.auth.authenticate(token);
}

/** COMMAND_ROLES in the domain contract decides; a user needs one of the command's roles. */
export function checkRole(command: ApiCommand, caller: Caller): void {
  const allowed = COMMAND_ROLES[command];
  if (caller.roles.some((role) => allowed.includes(role))) return;
  throw new ApiFailure('forbidden', `${command} needs the role ${allowed.join(' or ')}; ${caller.user} has ${caller.roles.join(', ') || 'no role'}`);
}

/** Calls that change which session a connection holds. */
const SESSION_CHANGES: ReadonlySet<string> = new Set(['login', 'createFirstAdmin', 'resumeSession', 'logout']);

export interface ApiConnection {
  /** Handles one message from the peer (already parsed from JSON). */
  receive(message: unknown): void;
  close(): void;
}

/**
 * One peer's connection. It authenticates with a token: the one `login`, `createFirstAdmin` or `resumeSession`
 * answered on it, until `logout`; every command is still checked against the session when it arrives.
 */
export function openApiConnection(api: ServedApi, send: (message: ApiResponseMessage) => void, options: Omit<CallOptions, 'token'> = {}): ApiConnection {
  const subscriptions = new Map<string, Unsubscribe>();
  let token: string | undefined;
  // Calls sent after a login or resumeSession (a reconnecting client sends both at once) wait until its answer
  // has set the token, so they run as that session rather than as nobody.
  let sessionSettled: Promise<unknown> = Promise.resolve();
  return {
    receive(message) {
      const request = RequestSchema.safeParse(message);
      if (!request.success) {
        const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : -1;
        send({ type: 'result', id, result: { ok: false, error: { code: 'bad_request', message: 'malformed API message' } } });
        return;
      }
      const req = request.data;
      if (req.type === 'call') {
        const changesSession = SESSION_CHANGES.has(req.method);
        const answered = sessionSettled.then(async () => {
          const result = await callApi(api, req.method, req.params, { ...options, token });
          if (changesSession && result.ok && req.method !== 'logout') token = (result.value as SessionInfo).token;
          if (req.method === 'logout' || (!result.ok && req.method === 'resumeSession')) token = undefined;
          send({ type: 'result', id: req.id, result });
        });
        if (changesSession) sessionSettled = answered;
        return;
      }
      const stream = req.stream;
      if (!isApiStream(stream) || subscriptions.has(stream)) return;
      if (options.viewsNeedLogin === true) {
        // A stream is a view: in LAN mode only for a logged-in connection (checked when it subscribes).
        try {
          authenticate(api, token);
        } catch {
          return;
        }
      }
      subscriptions.set(stream, api[stream]((value) => send({ type: 'event', stream, value })));
    },
    close() {
      for (const unsubscribe of subscriptions.values()) unsubscribe();
      subscriptions.clear();
    },
  };
}
