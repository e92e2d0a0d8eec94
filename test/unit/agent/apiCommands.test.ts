// Commands (API_COMMANDS) over the real HTTP and WebSocket transports with real sessions: every command is refused
// without a login and with a wrong role (COMMAND_ROLES), runs with a right one under the user's name; views need a
// login only with the LAN-mode switch; logins and commands only from this machine; the HTTP details of commands.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import {
  API_COMMAND_ROUTES, API_COMMANDS, API_SESSION_ROUTES, API_WS_PATH, COMMAND_ROLES, ROLES, isApiCommand, type ApiCommand,
  type ApiResponseMessage, type ApiResult, type Caller, type Role,
} from '../../../domain/index.js';
import { callApi } from '../../../main/agent/apiDispatch.js';
import { ApiFailure } from '../../../main/agent/apiFailure.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { attachApiWebSocket, handleApiRequest, isLoopbackAddress, type TransportOptions } from '../../../main/agent/httpApi.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { authFixture, PASSWORD, seedUsers, type AuthFixture } from './auth/authFixture.js';

const PEM = '-----BEGIN CERTIFICATE-----\nAQIDBA==\n-----END CERTIFICATE-----\n';
const MIN = 60_000;

interface Served {
  readonly api: ApiService;
  readonly fixture: AuthFixture;
  /** Commands that reached their implementation, with the caller apiDispatch passed. */
  readonly ran: { command: ApiCommand; user: string | undefined }[];
}

/**
 * The real ApiService with a real AuthService on a temp file, one account per role and one with all roles; each
 * command's implementation is replaced by a recorder, so what is tested is the gate in front of it.
 */
async function served(): Promise<Served> {
  const fixture = authFixture();
  await seedUsers(fixture.auth, [...ROLES.map((r) => [r]), [...ROLES]]);
  const api = new ApiService({ db: fixture.db, lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: 'test', demo: false, startedAt: Date.now(), auth: fixture.auth });
  const ran: Served['ran'] = [];
  for (const command of API_COMMANDS) {
    Object.assign(api, {
      [command]: async (params: { thumbprint?: string } | undefined, caller?: Caller) => {
        if (params?.thumbprint === '0'.repeat(40)) throw new ApiFailure('not_found', 'no such certificate');
        ran.push({ command, user: caller?.user });
        return { ran: command, by: caller?.user };
      },
    });
  }
  Object.assign(api, {
    exportOwnCertificate: async () => ({ certificate: { sha1Thumbprint: 'ab'.repeat(20), notAfter: '2031-01-01T00:00:00.000Z' }, pem: PEM, fileName: 'plantdesk-opcua-abababab.pem' }),
  });
  return { api, fixture, ran };
}

async function startHost(api: ApiService, host = '127.0.0.1', options: TransportOptions = {}): Promise<string> {
  const server: Server = createServer((req, res) => {
    void handleApiRequest(api, req, res, [host], options).then((done) => {
      if (!done) res.writeHead(418).end();
    });
  });
  const wss = attachApiWebSocket(api, server, [host], options);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `${host}:${(server.address() as AddressInfo).port}`;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

async function post(url: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { ...JSON_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

async function httpLogin(host: string, user: string): Promise<string> {
  const res = await post(`http://${host}${API_SESSION_ROUTES.login}`, { user, password: PASSWORD });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

/** A WebSocket client: call() answers with the ApiResult of that call. */
async function wsClient(host: string): Promise<{ call(method: string, params?: unknown): Promise<ApiResult<unknown>>; events: ApiResponseMessage[]; send(m: unknown): void }> {
  const ws = new WebSocket(`ws://${host}${API_WS_PATH}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  onTestFinished(() => ws.close());
  let nextId = 1;
  const waiting = new Map<number, (r: ApiResult<unknown>) => void>();
  const events: ApiResponseMessage[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ApiResponseMessage;
    if (message.type === 'result') waiting.get(message.id)?.(message.result);
    else events.push(message);
  });
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, ...(params === undefined ? {} : { params }) }));
      });
    },
    events,
    send: (m) => ws.send(JSON.stringify(m)),
  };
}

/** A body each command's schema would accept (the recorder ignores it; the gate must refuse before it). */
const BODY = { thumbprint: 'AB'.repeat(20), reason: 'checked on the HMI' };
const wrongRoles = (command: ApiCommand): Role[] => ROLES.filter((r) => !COMMAND_ROLES[command].includes(r));

describe('the command contract', () => {
  it('gives every command its roles, the OPC UA write to supervisors and engineers, account commands to admins', () => {
    expect(Object.keys(COMMAND_ROLES).sort()).toEqual([...API_COMMANDS].sort());
    expect(COMMAND_ROLES.trustCertificate).toEqual(['engineer']);
    expect(COMMAND_ROLES.writeNode).toEqual(['supervisor', 'engineer']);
    for (const c of ['listUsers', 'createUser', 'setUserRoles', 'resetPassword', 'disableUser'] as const) expect(COMMAND_ROLES[c]).toEqual(['admin']);
    expect(isApiCommand('trustCertificate')).toBe(true);
    expect(isApiCommand('getHealth')).toBe(false);
    expect(API_COMMAND_ROUTES.trustCertificate).toBe('/api/v1/opcua/certificates/trust');
  });

  it('refuses every command of a transport that is not on this machine, and of an agent without accounts', async () => {
    const { api, ran } = await served();
    const token = (await api.login({ user: 'engineer', password: PASSWORD })).token;
    for (const command of API_COMMANDS) {
      expect(await callApi(api, command, BODY, { token })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('only from this machine') } });
    }
    const noAuth = Object.assign(Object.create(api) as ApiService, { auth: undefined });
    expect(await callApi(noAuth, 'trustCertificate', BODY, { allowCommands: true, token })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(ran).toEqual([]);
  });
});

describe('every command over HTTP', () => {
  it('is refused without a login (401) and with an unknown token, and runs nothing', async () => {
    const { api, ran } = await served();
    const host = await startHost(api);
    for (const command of API_COMMANDS) {
      const none = await post(`http://${host}${API_COMMAND_ROUTES[command]}`, BODY);
      expect([command, none.status, none.body.error]).toEqual([command, 401, { code: 'unauthorized', message: 'log in first' }]);
      const forged = await post(`http://${host}${API_COMMAND_ROUTES[command]}`, BODY, 'forged-token');
      expect([command, forged.status]).toEqual([command, 401]);
    }
    expect(ran).toEqual([]);
  });

  it('is refused (403, naming the roles) for a user holding only other roles, and runs for a right role under its name', async () => {
    const { api, ran } = await served();
    const host = await startHost(api);
    const tokens = new Map<string, string>();
    for (const role of ROLES) tokens.set(role, await httpLogin(host, role));
    for (const command of API_COMMANDS) {
      for (const role of wrongRoles(command)) {
        const res = await post(`http://${host}${API_COMMAND_ROUTES[command]}`, BODY, tokens.get(role));
        expect([command, role, res.status, res.body.error?.message]).toEqual([command, role, 403, `${command} needs the role ${COMMAND_ROLES[command].join(' or ')}; ${role} has ${role}`]);
      }
    }
    expect(ran).toEqual([]);
    for (const command of API_COMMANDS) {
      const role = COMMAND_ROLES[command][0]!;
      const res = await post(`http://${host}${API_COMMAND_ROUTES[command]}`, BODY, tokens.get(role));
      expect([command, res.status, res.body]).toEqual([command, 200, { ran: command, by: role }]);
    }
    expect(ran.map((r) => r.command)).toEqual([...API_COMMANDS]);
  });

  it('says a session expired, and refuses it after logout', async () => {
    const { api, fixture, ran } = await served();
    const host = await startHost(api);
    const url = `http://${host}${API_COMMAND_ROUTES.trustCertificate}`;
    const token = await httpLogin(host, 'engineer');
    fixture.clock.now += 61 * MIN;
    const expired = await post(url, BODY, token);
    expect([expired.status, expired.body.error?.message]).toEqual([401, 'your session expired after 60 min without use; log in again']);
    const fresh = await httpLogin(host, 'engineer');
    expect((await post(`http://${host}${API_SESSION_ROUTES.logout}`, {}, fresh)).status).toBe(200);
    expect((await post(url, BODY, fresh)).status).toBe(401);
    expect(ran).toEqual([]);
  });

  it('answers a wrong password with 401 and logs in with the right one', async () => {
    const { api } = await served();
    const host = await startHost(api);
    const wrong = await post(`http://${host}${API_SESSION_ROUTES.login}`, { user: 'admin', password: 'not it at all' });
    expect([wrong.status, wrong.body.error]).toEqual([401, { code: 'unauthorized', message: 'wrong user name or password' }]);
    const status = await fetch(`http://${host}${API_SESSION_ROUTES.getAuthStatus}`);
    expect(await status.json()).toEqual({ firstAdminNeeded: false, setupCodeFile: null, viewsNeedLogin: false });
  });

  it('answers GET with 405, a form body with 415, bad JSON with 400, a foreign Origin with 403, an unknown thumbprint with 404', async () => {
    const { api, ran } = await served();
    const host = await startHost(api);
    const token = await httpLogin(host, 'engineer');
    const url = `http://${host}${API_COMMAND_ROUTES.trustCertificate}`;
    const raw = (body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
    expect((await fetch(url)).status).toBe(405);
    expect((await raw('thumbprint=ab', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await raw('{', JSON_HEADERS)).status).toBe(400);
    expect((await raw(JSON.stringify(BODY), { ...JSON_HEADERS, origin: 'https://evil.example' })).status).toBe(403);
    expect((await raw('x'.repeat(70_000), JSON_HEADERS)).status).toBe(413);
    const unknown = await raw(JSON.stringify({ thumbprint: '0'.repeat(40), reason: 'x' }), JSON_HEADERS);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: { code: 'not_found', message: 'no such certificate' } }]);
    expect(ran).toEqual([]);
  });
});

describe('every command over WebSocket', () => {
  it('is refused before login and for a wrong role, and runs once the connection logged in with a right role', async () => {
    const { api, ran } = await served();
    const host = await startHost(api);
    const anonymous = await wsClient(host);
    for (const command of API_COMMANDS) {
      expect([command, await anonymous.call(command, BODY)]).toEqual([command, { ok: false, error: { code: 'unauthorized', message: 'log in first' } }]);
    }
    const clients = new Map<Role, Awaited<ReturnType<typeof wsClient>>>();
    for (const role of ROLES) {
      const client = await wsClient(host);
      expect(await client.call('login', { user: role, password: PASSWORD })).toMatchObject({ ok: true, value: { user: role, roles: [role] } });
      clients.set(role, client);
    }
    for (const command of API_COMMANDS) {
      for (const role of wrongRoles(command)) {
        expect([command, role, await clients.get(role)!.call(command, BODY)]).toMatchObject([command, role, { ok: false, error: { code: 'forbidden' } }]);
      }
    }
    expect(ran).toEqual([]);
    for (const command of API_COMMANDS) {
      const role = COMMAND_ROLES[command][0]!;
      expect([command, await clients.get(role)!.call(command, BODY)]).toEqual([command, { ok: true, value: { ran: command, by: role } }]);
    }
    expect(ran).toHaveLength(API_COMMANDS.length);
  });

  it('binds a new connection to a session with resumeSession, and forgets it at logout', async () => {
    const { api, ran } = await served();
    const host = await startHost(api);
    const first = await wsClient(host);
    const session = await first.call('login', { user: 'engineer', password: PASSWORD });
    const token = (session as { value: { token: string } }).value.token;
    // A reconnecting client sends resumeSession and its queued command at once: the command runs as the session.
    const third = await wsClient(host);
    expect(await Promise.all([third.call('resumeSession', { token }), third.call('trustCertificate', BODY)])).toMatchObject([{ ok: true }, { ok: true, value: { by: 'engineer' } }]);
    const second = await wsClient(host);
    expect(await second.call('resumeSession', { token })).toMatchObject({ ok: true, value: { user: 'engineer' } });
    expect(await second.call('trustCertificate', BODY)).toMatchObject({ ok: true });
    expect(await second.call('logout')).toMatchObject({ ok: true });
    expect(await second.call('trustCertificate', BODY)).toMatchObject({ ok: false, error: { code: 'unauthorized', message: 'log in first' } });
    // The first connection's session was the same one, ended by that logout.
    expect(await first.call('trustCertificate', BODY)).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringMatching(/^your session expired: it was ended/) } });
    expect(ran).toHaveLength(2);
  });
});

describe('views and the LAN-mode switch (viewsNeedLogin)', () => {
  it('keeps views open without login on this machine', async () => {
    const { api } = await served();
    const host = await startHost(api);
    expect((await fetch(`http://${host}/api/v1/opcua/certificate/own?format=pem`)).status).toBe(200);
    const client = await wsClient(host);
    expect(await client.call('exportOwnCertificate')).toMatchObject({ ok: true });
  });

  it('with viewsNeedLogin, refuses views over HTTP and WebSocket until the caller logged in', async () => {
    const { api } = await served();
    const host = await startHost(api, '127.0.0.1', { viewsNeedLogin: true });
    const view = `http://${host}/api/v1/opcua/certificate/own?format=pem`;
    const refused = await fetch(view);
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="plantdesk"']);
    const token = await httpLogin(host, 'operator');
    expect((await fetch(view, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(await (await fetch(`http://${host}${API_SESSION_ROUTES.getAuthStatus}`)).json()).toMatchObject({ viewsNeedLogin: true });

    const client = await wsClient(host);
    expect(await client.call('exportOwnCertificate')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await client.call('login', { user: 'operator', password: PASSWORD });
    expect(await client.call('exportOwnCertificate')).toMatchObject({ ok: true });
  });
});

const lanAddress = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;

describe('from another machine', () => {
  it.skipIf(lanAddress === undefined)('refuses logins and commands from a LAN address over HTTP and WebSocket, keeps views readable', async () => {
    const { api, ran } = await served();
    const token = (await api.login({ user: 'engineer', password: PASSWORD })).token;
    const host = await startHost(api, lanAddress);
    const command = await post(`http://${host}${API_COMMAND_ROUTES.trustCertificate}`, BODY, token);
    expect([command.status, command.body.error?.code]).toEqual([403, 'forbidden']);
    const login = await post(`http://${host}${API_SESSION_ROUTES.login}`, { user: 'engineer', password: PASSWORD });
    expect(login.status).toBe(403);
    expect((await fetch(`http://${host}/api/v1/opcua/certificate/own`)).status).toBe(200);
    const client = await wsClient(host);
    expect(await client.call('login', { user: 'engineer', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await client.call('resumeSession', { token })).toMatchObject({ ok: true });
    expect(await client.call('trustCertificate', BODY)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ran).toEqual([]);
  });
});

describe('isLoopbackAddress', () => {
  it.each([['127.0.0.1', true], ['127.8.9.10', true], ['::1', true], ['::ffff:127.0.0.1', true], ['192.0.2.2', false], ['::ffff:10.0.0.1', false], ['fd00::2', false], [undefined, false]])(
    '%s -> %s',
    (address, expected) => expect(isLoopbackAddress(address)).toBe(expected),
  );
});

describe('GET /api/v1/opcua/certificate/own', () => {
  it('serves the own certificate as DER by default and PEM on request, as application/x-x509-ca-cert', async () => {
    const { api } = await served();
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
