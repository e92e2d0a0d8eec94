// Serves the PlantDesk API over any message transport (WebSocket, Electron utility process port): calls
// become results, never thrown errors, and subscriptions end when the peer goes away.
import { z } from 'zod';
import { isApiCommand, isApiQuery, isApiStream, type ApiResponseMessage, type ApiResult, type PlantDeskApi, type Unsubscribe } from '../../domain/index.js';
import { ApiFailure } from './apiFailure.js';

const RequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string(), params: z.unknown().optional() }),
  z.object({ type: z.literal('subscribe'), stream: z.string() }),
]);

export interface CallOptions {
  /**
   * Commands (API_COMMANDS) change state. Until logins exist (issue 6) a transport allows them only for a peer on
   * this machine: loopback HTTP/WebSocket, the Electron IPC bridge. Default false.
   */
  readonly allowCommands?: boolean;
}

export async function callApi(api: PlantDeskApi, method: unknown, params: unknown, options: CallOptions = {}): Promise<ApiResult<unknown>> {
  const command = isApiCommand(method);
  if (!isApiQuery(method) && !command) return { ok: false, error: { code: 'not_found', message: `unknown API method ${String(method)}` } };
  if (command && options.allowCommands !== true) {
    return { ok: false, error: { code: 'forbidden', message: `${method} is a command; until logins exist it is accepted only from this machine` } };
  }
  try {
    // Every method validates its own params (zod in the agent); the ones without params ignore them.
    const value: unknown = await (api[method] as (params?: unknown) => Promise<unknown>).call(api, params);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ApiFailure) return { ok: false, error: { code: error.code, message: error.message } };
    if (error instanceof z.ZodError) {
      return { ok: false, error: { code: 'bad_request', message: error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ') } };
    }
    return { ok: false, error: { code: 'internal', message: (error as Error).message } };
  }
}

export interface ApiConnection {
  /** Handles one message from the peer (already parsed from JSON). */
  receive(message: unknown): void;
  close(): void;
}

export function openApiConnection(api: PlantDeskApi, send: (message: ApiResponseMessage) => void, options: CallOptions = {}): ApiConnection {
  const subscriptions = new Map<string, Unsubscribe>();
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
        void callApi(api, req.method, req.params, options).then((result) => send({ type: 'result', id: req.id, result }));
        return;
      }
      const stream = req.stream;
      if (!isApiStream(stream) || subscriptions.has(stream)) return;
      subscriptions.set(stream, api[stream]((value) => send({ type: 'event', stream, value })));
    },
    close() {
      for (const unsubscribe of subscriptions.values()) unsubscribe();
      subscriptions.clear();
    },
  };
}
