// Transport types of the WebSocket client: the socket seam (fakeable in tests), options, errors, link state.
import type { ApiError } from '../../../domain/api';

/** Duplicates API_WS_PATH in domain/api.ts (the renderer may only import types from domain/). */
export const API_WS_PATH = '/api/v1/ws';

export type LinkState = 'connecting' | 'open' | 'closed';

/** The part of the DOM WebSocket the client uses; tests inject a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

export interface WsClientOptions {
  readonly url: string;
  /** Default: the global WebSocket. */
  readonly WebSocket?: WebSocketFactory;
  /** First reconnect delay; doubles per failed attempt. Default 250 ms. */
  readonly initialBackoffMs?: number;
  /** Default 5000 ms. */
  readonly maxBackoffMs?: number;
  /** A call without an answer fails after this long. Default 15000 ms. */
  readonly callTimeoutMs?: number;
}

/** A failed call: carries the agent's error code, or 'disconnected' / 'timeout' from the transport. */
export class ApiCallError extends Error {
  constructor(
    readonly code: ApiError['code'] | 'disconnected' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** ws:// or wss:// URL of the agent that served this page. */
export function defaultWsUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API_WS_PATH}`;
}
