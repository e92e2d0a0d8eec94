// The split the issue asks for, over real sockets: a timeout or reset BEFORE the request was fully sent is
// transient (the ERP never had a whole request), AFTER it is ambiguous (it may have been posted).
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { transportError } from '../../connectors/erp/httpFailure.js';
import { nodeFetch, requestSentOf } from '../../connectors/erp/nodeFetch.js';

// Larger than loopback's socket buffers on both sides (a few MB), so a peer that does not read blocks the send.
const BIG_BODY = 'x'.repeat(32 * 1024 * 1024);
const ctx = { action: 'post the confirmation', endpoint: 'test', timeoutMs: 400, modifying: true };

let server: Server | undefined;
const sockets: Socket[] = [];

async function listen(onSocket: (socket: Socket) => void): Promise<string> {
  server = createServer((socket) => {
    sockets.push(socket);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}/confirmations`;
}

async function failure(url: string, body: string): Promise<unknown> {
  return nodeFetch(url, { method: 'POST', body, signal: AbortSignal.timeout(ctx.timeoutMs) }).then(() => 'answered', (e: unknown) => e);
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('nodeFetch: sent or not sent', () => {
  it('a timeout while the ERP does not read the request is transient', async () => {
    const url = await listen((socket) => socket.pause());
    const error = await failure(url, BIG_BODY);
    expect(requestSentOf(error)).toBe(false);
    const classified = transportError(error, ctx);
    expect(classified.kind).toBe('transient');
    expect(classified.message).toContain('before PlantDesk had finished sending');
  });

  it('a reset in the middle of the request is transient', async () => {
    const url = await listen((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const error = await failure(url, BIG_BODY);
    expect(requestSentOf(error)).toBe(false);
    expect(transportError(error, ctx).kind).toBe('transient');
  });

  it('a timeout after the whole request was read is ambiguous', async () => {
    const url = await listen((socket) => socket.resume());
    const error = await failure(url, '{"small":true}');
    expect(requestSentOf(error)).toBe(true);
    const classified = transportError(error, ctx);
    expect(classified.kind).toBe('ambiguous');
    expect(classified.message).toContain('did not answer within');
  });

  it('a reset after the whole request was read is ambiguous', async () => {
    const url = await listen((socket) => socket.once('data', () => setTimeout(() => socket.resetAndDestroy(), 50)));
    const error = await failure(url, '{"small":true}');
    expect(requestSentOf(error)).toBe(true);
    expect(transportError(error, ctx).kind).toBe('ambiguous');
  });
});
