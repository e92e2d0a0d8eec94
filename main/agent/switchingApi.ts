// The API the console server and the Electron bridge hold for the agent's whole life, while the agent behind it
// may be replaced once: when the integrity check that runs after the API opened finds the buffer damaged, the
// agent is stopped, the newest backup restored and a new agent started on it (agentStart.ts). Meanwhile calls
// wait for the new agent rather than failing, and dashboard listeners move over to it.
// Commands (they write) wait until the check has passed: nothing is written on behalf of a person into a file
// that may be about to be moved aside.
// A Proxy rather than a class listing every method: the API grows (sessions, users, ...) and each new method is
// forwarded the same way, a command being whatever API_COMMANDS names.
import { isApiCommand, type Caller, type DashboardSnapshot, type Unsubscribe } from '../../domain/index.js';
import { ApiFailure } from './apiFailure.js';
import type { ServedApi, SessionGate } from './apiDispatch.js';

interface Pending<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function pending<T>(): Pending<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

type AnyMethod = (...args: unknown[]) => unknown;

export class SwitchingApi {
  /** What the transports are given. */
  readonly api: ServedApi;
  private current: ServedApi | null = null;
  /** The last agent's API: which methods exist, while the next one starts. */
  private shape: ServedApi | null = null;
  private next = pending<void>();
  private commands = pending<void>();
  /** Set when no agent will answer again (recovery failed). */
  private failure: string | null = null;
  /** Set when commands cannot run in this life of the agent (the integrity check could not run). */
  private commandFailure: string | null = null;
  private readonly listeners = new Set<(snapshot: DashboardSnapshot) => void>();
  private unsubscribe: Unsubscribe | undefined;

  constructor() {
    const methods = new Map<PropertyKey, AnyMethod>();
    const gate: SessionGate = { authenticate: (token) => this.authenticate(token) };
    this.api = new Proxy({} as ServedApi, {
      get: (_target, name) => {
        if (name === 'auth') return this.shape?.auth ? gate : undefined;
        if (name === 'onDashboard') return (listener: (snapshot: DashboardSnapshot) => void) => this.onDashboard(listener);
        if (typeof (this.shape as Record<PropertyKey, unknown> | null)?.[name] !== 'function') return undefined;
        let method = methods.get(name);
        if (!method) {
          method = async (...args: unknown[]) => {
            const api = await this.target(typeof name === 'string' && isApiCommand(name));
            return ((api as unknown as Record<PropertyKey, AnyMethod>)[name]!).apply(api, args);
          };
          methods.set(name, method);
        }
        return method;
      },
      has: (_target, name) => name === 'auth' ? Boolean(this.shape?.auth) : name in (this.shape ?? {}),
    });
  }

  /** Calls go to `api` from now on (and those waiting since suspend()). */
  use(api: ServedApi): void {
    this.unsubscribe?.();
    this.unsubscribe = api.onDashboard((snapshot) => {
      for (const listener of this.listeners) listener(snapshot);
    });
    this.current = api;
    this.shape = api;
    this.next.resolve();
  }

  /** The agent behind is being replaced: calls wait for the next use(). */
  suspend(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.current = null;
    this.next = pending<void>();
  }

  /** No agent will answer any more: every call, waiting or new, fails with `reason`. */
  fail(reason: string): void {
    this.failure = reason;
    this.commandFailure ??= reason;
    this.next.resolve();
    this.commands.resolve();
  }

  /** The integrity check passed: commands run from now on. */
  allowCommands(): void {
    this.commands.resolve();
  }

  /** Commands cannot run in this life of the agent (the integrity check could not run), with the reason. */
  refuseCommands(reason: string): void {
    this.commandFailure = reason;
    this.commands.resolve();
  }

  private async target(command: boolean): Promise<ServedApi> {
    if (command) {
      await this.commands.promise;
      if (this.commandFailure !== null) throw new ApiFailure('internal', this.commandFailure);
    }
    while (this.current === null && this.failure === null) await this.next.promise;
    if (this.failure !== null) throw new ApiFailure('internal', this.failure);
    return this.current!;
  }

  /** Sessions are checked synchronously by the dispatcher; while the agent is replaced there is no one to ask. */
  private authenticate(token: string | undefined): Caller {
    const auth = this.current?.auth;
    if (!auth) throw new ApiFailure('internal', this.failure ?? 'the agent is restarting on a restored backup; try again in a moment');
    return auth.authenticate(token);
  }

  private onDashboard(listener: (snapshot: DashboardSnapshot) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
