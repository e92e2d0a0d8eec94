// Runs the agent in an Electron utilityProcess and keeps it running: an unexpected exit is recorded and the
// agent restarted with exponential backoff; stop() asks it to shut down and kills it if it does not.
import { utilityProcess, type UtilityProcess } from 'electron';
import type { ApiRequestMessage } from '../../domain/api.js';

/** What the shell sends the agent: API requests plus the shutdown request. */
export type AgentInbound = ApiRequestMessage | { readonly type: 'shutdown' };

export type AgentState = 'idle' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

/** The agent's exit code for "the configuration is invalid": restarting cannot fix that, so it is not retried. */
export const CONFIG_ERROR_EXIT_CODE = 2;

/** Optional last words from the agent (`{type:'fatal', reason}`), shown with its exit code. */
function fatalReason(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, reason } = message as { type?: unknown; reason?: unknown };
  return type === 'fatal' && typeof reason === 'string' ? reason.slice(0, 500) : null;
}

export interface AgentExit {
  readonly code: number;
  readonly at: string;
  readonly uptimeMs: number;
  /** Plain words for the UI and the log, e.g. "agent exited with code 1 after 3 s". */
  readonly reason: string;
  /** Delay before the next start; null when the exit was asked for or was a configuration error. */
  readonly restartInMs: number | null;
}

export interface AgentSupervisorOptions {
  /** The agent's entry script (build/node/main/console/utilityEntry.js). */
  readonly modulePath: string;
  /** Passed to the agent as its argv, e.g. ['--config', 'plant.yaml']. */
  readonly args?: readonly string[];
  /** First restart delay; doubles per consecutive crash. Default 1,000 ms. */
  readonly initialDelayMs?: number;
  /** Default 30,000 ms. */
  readonly maxDelayMs?: number;
  /** An agent that ran this long before exiting starts the backoff afresh. Default 60,000 ms. */
  readonly resetAfterMs?: number;
  readonly log?: (line: string) => void;
}

type Listener<T extends unknown[]> = (...args: T) => void;

export class AgentSupervisor {
  #state: AgentState = 'idle';
  #child: UtilityProcess | null = null;
  #startedAt = 0;
  #crashes = 0;
  #fatal: string | null = null;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #lastExit: AgentExit | null = null;
  #stopped: Promise<void> | null = null;
  readonly #options: Required<AgentSupervisorOptions>;
  readonly #listeners = { message: new Set<Listener<[unknown]>>(), spawn: new Set<Listener<[]>>(), exit: new Set<Listener<[AgentExit]>>() };

  constructor(options: Readonly<AgentSupervisorOptions>) {
    this.#options = {
      args: [],
      initialDelayMs: 1_000,
      maxDelayMs: 30_000,
      resetAfterMs: 60_000,
      log: (line) => console.error(line),
      ...options,
    };
  }

  get state(): AgentState {
    return this.#state;
  }

  get lastExit(): AgentExit | null {
    return this.#lastExit;
  }

  start(): void {
    if (this.#state === 'idle') this.#spawn();
  }

  /** Sends a message if an agent process exists; false while restarting or stopped, so callers fail fast. */
  post(message: AgentInbound): boolean {
    if (this.#state !== 'running' || this.#child === null) return false;
    this.#child.postMessage(message);
    return true;
  }

  /** Null while the agent can take requests, otherwise why not, in words for the UI. */
  unavailableReason(): string | null {
    switch (this.#state) {
      case 'running':
        return null;
      case 'restarting': {
        const exit = this.#lastExit;
        const next = exit?.restartInMs == null ? '' : `; next start in ${Math.round(exit.restartInMs / 1000)} s`;
        return exit === null ? 'agent restarting' : `agent restarting (${exit.reason}${next})`;
      }
      case 'idle':
        return 'agent not started';
      case 'stopping':
      case 'stopped':
        return 'agent stopped';
      case 'failed':
        return `agent stopped: the configuration is invalid; fix it and restart PlantDesk (${this.#lastExit?.reason ?? 'no reason recorded'})`;
    }
  }

  on(event: 'message', listener: Listener<[unknown]>): () => void;
  on(event: 'spawn', listener: Listener<[]>): () => void;
  on(event: 'exit', listener: Listener<[AgentExit]>): () => void;
  on(event: 'message' | 'spawn' | 'exit', listener: Listener<never[]>): () => void {
    const set = this.#listeners[event] as Set<Listener<never[]>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Asks the agent to shut down (`{type:'shutdown'}`) and resolves when it has exited; kills it after
   * `timeoutMs`. No restart follows.
   */
  stop(timeoutMs = 5_000): Promise<void> {
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    const child = this.#child;
    if (child === null) {
      this.#state = 'stopped';
      return Promise.resolve();
    }
    if (this.#stopped !== null) return this.#stopped;
    this.#state = 'stopping';
    this.#stopped = new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(killTimer);
        clearTimeout(giveUpTimer);
        resolve();
      };
      child.once('exit', done);
      let giveUpTimer: ReturnType<typeof setTimeout> | undefined;
      const killTimer = setTimeout(() => {
        this.#options.log(`PlantDesk: agent did not stop within ${timeoutMs} ms; killing it`);
        child.kill();
        // An exit event should follow the kill; never let a lost one hold the quit forever.
        giveUpTimer = setTimeout(done, 1_000);
      }, timeoutMs);
      child.postMessage({ type: 'shutdown' } satisfies AgentInbound);
    });
    return this.#stopped;
  }

  #spawn(): void {
    this.#restartTimer = null;
    this.#fatal = null;
    this.#startedAt = Date.now();
    let child: UtilityProcess;
    try {
      child = utilityProcess.fork(this.#options.modulePath, [...this.#options.args], { serviceName: 'PlantDesk agent', stdio: 'inherit' });
    } catch (error) {
      // fork throws synchronously on a bad path or before app 'ready': treat it as a crash so it is retried and shown.
      this.#state = 'running';
      this.#fatal = `could not start: ${error instanceof Error ? error.message : String(error)}`;
      this.#onExit(null, -1);
      return;
    }
    this.#child = child;
    this.#state = 'running';
    child.on('spawn', () => this.#emit('spawn'));
    child.on('message', (message: unknown) => {
      this.#fatal = fatalReason(message) ?? this.#fatal;
      this.#emit('message', message);
    });
    child.on('error', (type, location) => {
      this.#fatal = `${type} at ${location}`;
    });
    child.on('exit', (code) => this.#onExit(child, code));
  }

  #onExit(child: UtilityProcess | null, code: number): void {
    if (child !== this.#child) return;
    this.#child = null;
    const uptimeMs = Date.now() - this.#startedAt;
    const asked = this.#state === 'stopping';
    let restartInMs: number | null = null;
    if (asked) {
      this.#state = 'stopped';
    } else if (code === CONFIG_ERROR_EXIT_CODE) {
      this.#state = 'failed';
    } else {
      if (uptimeMs >= this.#options.resetAfterMs) this.#crashes = 0;
      restartInMs = Math.min(this.#options.initialDelayMs * 2 ** this.#crashes, this.#options.maxDelayMs);
      this.#crashes += 1;
      this.#state = 'restarting';
      this.#restartTimer = setTimeout(() => this.#spawn(), restartInMs);
    }
    const detail = this.#fatal === null ? '' : ` (${this.#fatal})`;
    const exit: AgentExit = {
      code,
      at: new Date().toISOString(),
      uptimeMs,
      reason: `agent exited with code ${code} after ${Math.round(uptimeMs / 1000)} s${detail}`,
      restartInMs,
    };
    this.#lastExit = exit;
    if (this.#state === 'failed') this.#options.log(`PlantDesk: ${exit.reason}; configuration error, not restarting`);
    else if (!asked) this.#options.log(`PlantDesk: ${exit.reason}; restarting in ${restartInMs} ms`);
    this.#emit('exit', exit);
  }

  #emit(event: 'message', message: unknown): void;
  #emit(event: 'spawn'): void;
  #emit(event: 'exit', exit: AgentExit): void;
  #emit(event: 'message' | 'spawn' | 'exit', ...args: unknown[]): void {
    for (const listener of [...(this.#listeners[event] as Set<Listener<unknown[]>>)]) listener(...args);
  }
}
