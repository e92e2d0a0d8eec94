// Commands (API_COMMANDS) over every transport: refused unless the transport says the peer is on this machine,
// POST with a JSON body on HTTP, errors as ApiResult; and the own-certificate download route.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { API_COMMAND_ROUTES, API_COMMANDS, API_WS_PATH, isApiCommand, type ApiResponseMessage, type PlantDeskApi, type TrustCertificateArgs } from '../../../domain/index.js';
import { callApi, openApiConnection } from '../../../main/agent/apiDispatch.js';
import { ApiFailure } from '../../../main/agent/apiFailure.js';
import { attachApiWebSocket, handleApiRequest, isLoopbackAddress } from '../../../main/agent/httpApi.js';

const PEM = '-----BEGIN CERTIFICATE-----\nAQIDBA==\n-----END CERTIFICATE-----\n';

/** An API whose commands record their arguments; a thumbprint of zeros is unknown. */
function fakeApi(): { api: PlantDeskApi; trusted: TrustCertificateArgs[] } {
  const trusted: TrustCertificateArgs[] = [];
  const api = {
    async trustCertificate(args: TrustCertificateArgs) {
      if (args.thumbprint === '0'.repeat(40)) throw new ApiFailure('not_found', 'no such certificate');
      trusted.push(args);
      return { certificate: { subject: 'CN=plc' }, auditSeq: 1 };
    },
    async exportOwnCertificate() {
      return { certificate: { sha1Thumbprint: 'ab'.repeat(20), notAfter: '2031-01-01T00:00:00.000Z' }, pem: PEM, fileName: 'plantdesk-opcua-abababab.pem' };
    },
    async getHealth() {
      return { status: 'ok' };
    },
  } as unknown as PlantDeskApi;
  return { api, trusted };
}

const lanAddress = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;

async function startHost(api: PlantDeskApi, host = '127.0.0.1'): Promise<string> {
  const server: Server = createServer((req, res) => {
    void handleApiRequest(api, req, res, [host]).then((done) => {
      if (!done) res.writeHead(418).end();
    });
  });
  const wss = attachApiWebSocket(api, server, [host]);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `${host}:${(server.address() as AddressInfo).port}`;
}

const trustBody = { thumbprint: 'AB:'.repeat(19) + 'AB', reason: 'checked on the HMI' };

describe('callApi and openApiConnection with commands', () => {
  it('lists trustCertificate as a command with a POST route', () => {
    expect(API_COMMANDS).toContain('trustCertificate');
    expect(isApiCommand('trustCertificate')).toBe(true);
    expect(isApiCommand('getHealth')).toBe(false);
    expect(API_COMMAND_ROUTES.trustCertificate).toBe('/api/v1/opcua/certificates/trust');
  });

  it('refuses a command unless the transport allows commands', async () => {
    const { api, trusted } = fakeApi();
    expect(await callApi(api, 'trustCertificate', trustBody)).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('only from this machine') } });
    expect(trusted).toEqual([]);
    expect(await callApi(api, 'trustCertificate', trustBody, { allowCommands: true })).toMatchObject({ ok: true, value: { auditSeq: 1 } });
    expect(trusted).toEqual([trustBody]);
  });

  it('turns an ApiFailure into an error result with its code', async () => {
    const { api } = fakeApi();
    expect(await callApi(api, 'trustCertificate', { thumbprint: '0'.repeat(40), reason: 'x' }, { allowCommands: true })).toEqual({ ok: false, error: { code: 'not_found', message: 'no such certificate' } });
  });

  it('lets a connection call commands only when opened with allowCommands', async () => {
    const { api } = fakeApi();
    for (const allowCommands of [false, true]) {
      const sent: ApiResponseMessage[] = [];
      const conn = openApiConnection(api, (m) => sent.push(m), { allowCommands });
      conn.receive({ type: 'call', id: 1, method: 'trustCertificate', params: trustBody });
      await new Promise((r) => setTimeout(r, 10));
      expect(sent[0]).toMatchObject({ type: 'result', id: 1, result: { ok: allowCommands } });
    }
  });
});

describe('isLoopbackAddress', () => {
  it.each([['127.0.0.1', true], ['127.8.9.10', true], ['::1', true], ['::ffff:127.0.0.1', true], ['192.0.2.2', false], ['::ffff:10.0.0.1', false], ['fd00::2', false], [undefined, false]])(
    '%s -> %s',
    (address, expected) => expect(isLoopbackAddress(address)).toBe(expected),
  );
});

describe('commands over HTTP', () => {
  it('accepts a JSON POST from loopback and answers with the result', async () => {
    const { api, trusted } = fakeApi();
    const host = await startHost(api);
    const res = await fetch(`http://${host}${API_COMMAND_ROUTES.trustCertificate}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(trustBody) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ certificate: { subject: 'CN=plc' }, auditSeq: 1 });
    expect(trusted).toHaveLength(1);
  });

  it('answers GET with 405, a form body with 415, bad JSON with 400, a foreign Origin with 403, an unknown thumbprint with 404', async () => {
    const { api, trusted } = fakeApi();
    const url = `http://${await startHost(api)}${API_COMMAND_ROUTES.trustCertificate}`;
    const post = (body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', headers, body });
    expect((await fetch(url)).status).toBe(405);
    expect((await post('thumbprint=ab', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('{', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post(JSON.stringify(trustBody), { 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('x'.repeat(70_000), { 'content-type': 'application/json' })).status).toBe(413);
    const unknown = await post(JSON.stringify({ thumbprint: '0'.repeat(40), reason: 'x' }), { 'content-type': 'application/json' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'no such certificate' } });
    expect(trusted).toEqual([]);
  });

  it.skipIf(lanAddress === undefined)('refuses a command from another machine (a LAN address), over HTTP and WebSocket', async () => {
    const { api, trusted } = fakeApi();
    const host = await startHost(api, lanAddress);
    const res = await fetch(`http://${host}${API_COMMAND_ROUTES.trustCertificate}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(trustBody) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    // Queries stay readable from there.
    expect((await fetch(`http://${host}/api/v1/health`)).status).toBe(200);

    const ws = new WebSocket(`ws://${host}${API_WS_PATH}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<ApiResponseMessage>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()) as ApiResponseMessage)));
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 'trustCertificate', params: trustBody }));
    expect(await reply).toMatchObject({ id: 3, result: { ok: false, error: { code: 'forbidden' } } });
    ws.close();
    expect(trusted).toEqual([]);
  });

  it('accepts a command over a loopback WebSocket', async () => {
    const { api, trusted } = fakeApi();
    const ws = new WebSocket(`ws://${await startHost(api)}${API_WS_PATH}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<ApiResponseMessage>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()) as ApiResponseMessage)));
    ws.send(JSON.stringify({ type: 'call', id: 4, method: 'trustCertificate', params: trustBody }));
    expect(await reply).toMatchObject({ id: 4, result: { ok: true } });
    ws.close();
    expect(trusted).toHaveLength(1);
  });
});

describe('GET /api/v1/opcua/certificate/own', () => {
  it('serves the own certificate as DER by default and PEM on request, as application/x-x509-ca-cert', async () => {
    const { api } = fakeApi();
    const host = await startHost(api);
    const der = await fetch(`http://${host}/api/v1/opcua/certificate/own`);
    expect(der.status).toBe(200);
    expect(der.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(der.headers.get('content-disposition')).toBe('attachment; filename="plantdesk-opcua-abababab.der"');
    expect(der.headers.get('x-certificate-sha1')).toBe('ab'.repeat(20));
    expect([...Buffer.from(await der.arrayBuffer())]).toEqual([1, 2, 3, 4]);
    const pem = await fetch(`http://${host}/api/v1/opcua/certificate/own?format=pem`);
    expect(await pem.text()).toBe(PEM);
    expect(pem.headers.get('content-disposition')).toContain('plantdesk-opcua-abababab.pem');
    expect((await fetch(`http://${host}/api/v1/opcua/certificate/own?format=p12`)).status).toBe(400);
  });
});
