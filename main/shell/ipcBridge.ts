// Main side of window.plantdesk: checks who is asking, forwards API calls and stream subscriptions to the
// agent, and routes its answers back. Results cross as ApiResult values; nothing here throws at the renderer.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { isApiCommand, isApiQuery, isApiSessionMethod, isApiStream, type ApiError, type ApiResult, type ApiStream } from '../../domain/api.js';
import type { AgentExit, AgentInbound } from './agentProcess.js';
import { isAppUrl } from './appPaths.js';

// The preload spells these out again (it can only require 'electron'); a unit test keeps them equal.
export const CALL_CHANNEL = 'plantdesk:call';
export const SUBSCRIBE_CHANNEL = 'plantdesk:subscribe';
export const EVENT_CHANNEL = 'plantdesk:event';

/** The part of AgentSupervisor the bridge uses; a seam for tests. */
export interface AgentLink {
  post(message: AgentInbound): boolean;
  unavailableReason(): string | null;
  on(event: 'message', listener: (message: unknown) => void): () => void;
  on(event: 'spawn', listener: () => void): () => void;
  on(event: 'exit', listener: (exit: AgentExit) => void): () => void;
}

export interface IpcBridgeOptions {
  readonly agent: AgentLink;
  /** The app's own page; IPC from any other document is refused. */
  readonly appUrl: string;
  /** True for our window's WebContents only. */
  readonly isOurWebContents: (contents: WebContents) => boolean;
  /** Default 10,000 ms. */
  readonly callTimeoutMs?: number;
}

interface PendingCall {
  readonly resolve: (result: ApiResult<unknown>) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

function failure(code: ApiError['code'], message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Registers the IPC handlers; returns a function that removes them. */
export function registerIpcBridge(options: Readonly<IpcBridgeOptions>): () => void {
  const { agent, appUrl, isOurWebContents } = options;
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const pending = new Map<number, PendingCall>();
  const subscribers = new Map<ApiStream, Set<WebContents>>();
  // Streams the current agent process was asked for; a restarted agent starts with none.
  const agentStreams = new Set<ApiStream>();
  let nextId = 0;

  function trusted(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
    let frameUrl: string | undefined;
    try {
      frameUrl = event.senderFrame?.url;
    } catch {
      return false; // the frame went away (navigated or destroyed) while the message was in flight
    }
    return frameUrl !== undefined && isOurWebContents(event.sender) && isAppUrl(frameUrl, appUrl);
  }

  function settle(id: number, result: ApiResult<unknown>): void {
    const call = pending.get(id);
    if (call === undefined) return; // answered after its timeout, or never ours
    clearTimeout(call.timer);
    pending.delete(id);
    call.resolve(result);
  }

  function subscribeAgent(stream: ApiStream): void {
    if (!agentStreams.has(stream) && agent.post({ type: 'subscribe', stream })) agentStreams.add(stream);
  }

  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, params: unknown): ApiResult<unknown> | Promise<ApiResult<unknown>> => {
    if (!trusted(event)) return failure('bad_request', 'request refused: not from the PlantDesk window');
    // Commands too: the window is on this machine (the agent accepts them from its parent port, see utilityEntry).
    if (!isApiQuery(method) && !isApiCommand(method) && !isApiSessionMethod(method)) return failure('not_found', `unknown method ${typeof method === 'string' ? method.slice(0, 64) : typeof method}`);
    const down = agent.unavailableReason();
    if (down !== null) return failure('internal', down);
    nextId += 1;
    const id = nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(id, failure('internal', `agent did not answer ${method} within ${callTimeoutMs / 1000} s`)), callTimeoutMs);
      pending.set(id, { resolve, timer });
      if (!agent.post({ type: 'call', id, method, params })) settle(id, failure('internal', agent.unavailableReason() ?? 'agent restarting'));
    });
  });

  const onSubscribe = (event: IpcMainEvent, stream: unknown): void => {
    if (!trusted(event) || !isApiStream(stream)) return;
    let set = subscribers.get(stream);
    if (set === undefined) {
      set = new Set();
      subscribers.set(stream, set);
    }
    const contents = event.sender;
    if (!set.has(contents)) {
      set.add(contents);
      contents.once('destroyed', () => subscribers.get(stream)?.delete(contents));
    }
    subscribeAgent(stream);
  };
  ipcMain.on(SUBSCRIBE_CHANNEL, onSubscribe);

  const offMessage = agent.on('message', (message) => {
    if (!isRecord(message)) return;
    if (message.type === 'result' && typeof message.id === 'number' && isRecord(message.result) && typeof message.result.ok === 'boolean') {
      settle(message.id, message.result as ApiResult<unknown>);
    } else if (message.type === 'event' && isApiStream(message.stream)) {
      for (const contents of subscribers.get(message.stream) ?? []) {
        if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, message.stream, message.value);
      }
    }
  });
  const offExit = agent.on('exit', () => {
    agentStreams.clear();
    // The answers died with the process: say so now rather than after the timeout.
    const reason = agent.unavailableReason() ?? 'agent restarting';
    for (const id of [...pending.keys()]) settle(id, failure('internal', reason));
  });
  const offSpawn = agent.on('spawn', () => {
    for (const [stream, set] of subscribers) if (set.size > 0) subscribeAgent(stream);
  });

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    ipcMain.removeListener(SUBSCRIBE_CHANNEL, onSubscribe);
    offMessage();
    offExit();
    offSpawn();
    for (const id of [...pending.keys()]) settle(id, failure('internal', 'agent stopped'));
  };
}
