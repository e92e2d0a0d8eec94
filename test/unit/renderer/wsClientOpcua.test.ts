// The browser client's OPC UA calls and the trust command go over the socket as calls with their params, and an
// agent's refusal comes back as an ApiCallError with its code.
import { describe, expect, it } from 'vitest';
import { WsClient } from '../../../renderer/src/api/wsClient.js';
import { ApiCallError, type WebSocketLike } from '../../../renderer/src/api/wsTypes.js';

class Socket implements WebSocketLike {
  static last: Socket;
  readyState = 0;
  sent: { id: number; method: string; params?: unknown }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor() {
    Socket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Socket['sent'][number]);
  }
  close(): void {
    this.readyState = 3;
  }
}

describe('WsClient OPC UA methods', () => {
  it('sends trustCertificate, browse and listCertificates as calls and maps a forbidden answer to ApiCallError', async () => {
    const client = new WsClient({ url: 'ws://127.0.0.1:1/api/v1/ws', WebSocket: Socket });
    const socket = Socket.last;
    socket.readyState = 1;
    socket.onopen?.({});
    const trust = client.trustCertificate({ thumbprint: 'ab'.repeat(20), reason: 'checked' });
    const browse = client.browse({ source: 'plc', nodeId: 'ns=1;s=L1' });
    void client.listCertificates().catch(() => undefined);
    expect(socket.sent.map((m) => [m.method, m.params])).toEqual([
      ['trustCertificate', { thumbprint: 'ab'.repeat(20), reason: 'checked' }],
      ['browse', { source: 'plc', nodeId: 'ns=1;s=L1' }],
      ['listCertificates', undefined],
    ]);
    socket.onmessage?.({ data: JSON.stringify({ type: 'result', id: socket.sent[0]!.id, result: { ok: false, error: { code: 'forbidden', message: 'only from this machine' } } }) });
    socket.onmessage?.({ data: JSON.stringify({ type: 'result', id: socket.sent[1]!.id, result: { ok: true, value: { source: 'plc', nodeId: 'ns=1;s=L1', references: [], truncated: false } } }) });
    await expect(trust).rejects.toEqual(new ApiCallError('forbidden', 'only from this machine'));
    await expect(browse).resolves.toMatchObject({ source: 'plc', references: [] });
    client.dispose();
  });
});
