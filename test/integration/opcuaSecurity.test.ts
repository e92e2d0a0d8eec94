// OPC UA security against real node-opcua servers, through the agent and its HTTP API: a trusted server
// certificate connects and delivers data; an untrusted one is refused, listed, trusted through the API and
// connects without a restart (audited); None and the deprecated policies are refused unless allowed; a mode
// the server does not offer names what it does offer; username/password and X.509 user identities; browse.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua';
import { CertificatePurpose, createSelfSignedCertificate, exploreCertificate, generateKeyPair, makeSHA1Thumbprint, privateKeyToPEM } from 'node-opcua-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowseResult, CertificateList, ConnectionStatus, DashboardSnapshot, TrustCertificateResult } from '../../domain/index.js';
import { listAudit } from '../../local-store/index.js';
import { loginWithRoles } from '../helpers/login.js';
import { ConfigSchema, createLogger, opcuaPkiDir, startAgent, type Agent, type AgentConfigInput } from '../../main/agent/index.js';
import { demoServerCertificateFile } from '../../main/console/demo.js';
import { startConsoleServer, type ConsoleServer } from '../../main/console/server.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { DEMO_OPCUA_NODES, LineModel, startPlantOpcuaServer, type PlantOpcuaServer } from '../../sim/plant/index.js';
import { waitFor } from '../helpers/consoleProcess.js';
import { startTestOpcuaServer, TEST_COUNTER_NODE, type TestOpcuaServer } from '../helpers/opcuaTestServer.js';

const USER = 'operator';
const PASSWORD = 'correct horse';

describe('OPC UA security, certificate trust, identities and browse (agent + HTTP API)', () => {
  let dir: string;
  let model: LineModel;
  let demo: PlantOpcuaServer;
  let guarded: TestOpcuaServer;
  let erp: ErpSimulator;
  let agent: Agent;
  let http: ConsoleServer;

  const connection = async (name: string): Promise<ConnectionStatus> => {
    const res = await fetch(`${http.url}/api/v1/dashboard`);
    const dashboard = (await res.json()) as DashboardSnapshot;
    const found = dashboard.connections.find((c) => c.kind === 'opcua' && c.name === name);
    if (!found) throw new Error(`no connection ${name}`);
    return found;
  };
  const certificates = async (): Promise<CertificateList> => (await (await fetch(`${http.url}/api/v1/opcua/certificates`)).json()) as CertificateList;
  const postTrust = async (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> =>
    fetch(`${http.url}/api/v1/opcua/certificates/trust`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${await loginWithRoles(http.url, join(dir, 'data'), ['engineer'])}` }, body: JSON.stringify(body) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plantdesk-opcua-sec-'));
    model = new LineModel({ speed: 20, seed: 7 });
    demo = await startPlantOpcuaServer({ model, pkiDir: join(dir, 'demo-server-pki') });
    model.start();
    guarded = await startTestOpcuaServer({
      securityModes: [MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.Basic256Sha256],
      allowAnonymous: false,
      userManager: { isValidUser: (user: string, password: string) => user === USER && password === PASSWORD },
    });
    erp = await startErpSimulator({ port: 0 });

    // An X.509 user identity: key and self-signed certificate made here, accepted by the server's user PKI.
    const keys = await generateKeyPair(2048);
    const { cert } = await createSelfSignedCertificate({ privateKey: keys.privateKey, subject: '/CN=plantdesk-user', purpose: CertificatePurpose.ForUserAuthentication, validity: 30 });
    writeFileSync(join(dir, 'user.pem'), cert);
    writeFileSync(join(dir, 'user-key.pem'), (await privateKeyToPEM(keys.privateKey)).privPem);

    // The demo server's certificate is trusted out of band, as an engineer would copy it.
    const dataDir = join(dir, 'data');
    const trusted = join(opcuaPkiDir(dataDir), 'trusted', 'certs');
    mkdirSync(trusted, { recursive: true });
    copyFileSync(demoServerCertificateFile(join(dir, 'demo-server-pki')), join(trusted, 'demo.pem'));

    const nodes = DEMO_OPCUA_NODES('L1');
    const demoLine = (line: string) => ({ line, good: nodes.goodCount, scrap: nodes.scrapCount, state: nodes.state });
    const guardedLine = (line: string) => ({ line, good: TEST_COUNTER_NODE, scrap: TEST_COUNTER_NODE });
    const config: AgentConfigInput = {
      plant: '1010',
      opcua: [
        // No securityMode/securityPolicy: the default is SignAndEncrypt with Basic256Sha256.
        { name: 'secure', endpoint: demo.endpointUrl, samplingIntervalMs: 50, publishingIntervalMs: 100, lines: [demoLine('S1')] },
        { name: 'plain-allowed', endpoint: demo.endpointUrl, securityMode: 'None', allowInsecure: true, lines: [demoLine('P1')] },
        { name: 'plain-refused', endpoint: demo.endpointUrl, securityMode: 'None', lines: [demoLine('P2')] },
        { name: 'legacy', endpoint: demo.endpointUrl, securityPolicy: 'Basic256', lines: [demoLine('B1')] },
        { name: 'mismatch', endpoint: demo.endpointUrl, securityPolicy: 'Aes256_Sha256_RsaPss', lines: [demoLine('M1')] },
        { name: 'guarded', endpoint: guarded.endpointUrl, samplingIntervalMs: 50, publishingIntervalMs: 100, userIdentity: { type: 'username', username: USER, password: PASSWORD }, lines: [guardedLine('G1')] },
        { name: 'guarded-badpass', endpoint: guarded.endpointUrl, userIdentity: { type: 'username', username: USER, password: 'wrong' }, lines: [guardedLine('G2')] },
        { name: 'guarded-x509', endpoint: guarded.endpointUrl, userIdentity: { type: 'certificate', certificateFile: join(dir, 'user.pem'), privateKeyFile: join(dir, 'user-key.pem') }, lines: [guardedLine('G3')] },
        { name: 'guarded-anonymous', endpoint: guarded.endpointUrl, lines: [guardedLine('G4')] },
      ],
      mqtt: [],
      erp: { kind: 'sap-odata', baseUrl: erp.url, sapClient: '100' },
    };
    agent = await startAgent({ config: ConfigSchema.parse(config), dataDir, logger: createLogger('silent'), version: 'test' });
    const staticDir = join(dir, 'static');
    mkdirSync(staticDir);
    http = await startConsoleServer(agent.api, { host: '127.0.0.1', port: 0, staticDir });
  });

  afterAll(async () => {
    await http?.close();
    await agent?.stop();
    model?.stop();
    await demo?.stop();
    await guarded?.stop();
    await erp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects with SignAndEncrypt/Basic256Sha256 to a trusted server certificate and receives data', async () => {
    await waitFor(async () => ((await connection('secure')).state === 'connected' ? true : undefined), 20_000, 'secure connected');
    const line = await waitFor(async () => {
      const dashboard = (await (await fetch(`${http.url}/api/v1/dashboard`)).json()) as DashboardSnapshot;
      const s1 = dashboard.lines.find((l) => l.line === 'S1');
      return s1?.good !== null && s1?.good !== undefined ? s1 : undefined;
    }, 20_000, 'a good count from the secure source');
    expect(line.good).toBeGreaterThanOrEqual(0);
    expect((await connection('secure')).warning).toBeUndefined();
  });

  it('refuses securityMode None without allowInsecure, naming the key', async () => {
    const status = await waitFor(async () => {
      const c = await connection('plain-refused');
      return c.state === 'error' ? c : undefined;
    }, 10_000, 'plain-refused in error');
    expect(status.lastError).toMatch(/securityMode None/);
    expect(status.lastError).toMatch(/allowInsecure: true/);
    expect(status.lastDataAt).toBeNull();
  });

  it('connects with securityMode None when allowInsecure is set, and carries a warning', async () => {
    const status = await waitFor(async () => {
      const c = await connection('plain-allowed');
      return c.state === 'connected' ? c : undefined;
    }, 20_000, 'plain-allowed connected');
    expect(status.warning).toMatch(/insecure \(allowInsecure: true\).*securityMode None/);
  });

  it('refuses the deprecated Basic256 policy', async () => {
    const status = await waitFor(async () => {
      const c = await connection('legacy');
      return c.state === 'error' ? c : undefined;
    }, 10_000, 'legacy in error');
    expect(status.lastError).toMatch(/securityPolicy Basic256 is deprecated/);
    expect(status.lastError).toMatch(/allowInsecure/);
  });

  it('says which endpoints the server offers when none matches', async () => {
    const status = await waitFor(async () => {
      const c = await connection('mismatch');
      return c.state === 'error' && c.lastError?.includes('offers') ? c : undefined;
    }, 20_000, 'mismatch error');
    expect(status.lastError).toContain('no endpoint for securityMode SignAndEncrypt with securityPolicy Aes256_Sha256_RsaPss');
    expect(status.lastError).toContain('SignAndEncrypt/Basic256Sha256');
    expect(status.lastError).toContain('None/None');
  });

  it('refuses an untrusted server certificate, lists it, and connects without restart once trusted through the API', async () => {
    const refused = await waitFor(async () => {
      const c = await connection('guarded');
      return c.state === 'error' && c.lastError?.includes('BadCertificateUntrusted') ? c : undefined;
    }, 20_000, 'guarded refused as untrusted');
    expect(refused.lastError).toContain('is not trusted yet');

    const pkiDir = opcuaPkiDir(join(dir, 'data'));
    expect(readdirSync(join(pkiDir, 'rejected')).some((f) => f.endsWith('.pem'))).toBe(true);
    const list = await certificates();
    const rejected = list.servers.find((c) => c.status === 'rejected');
    expect(rejected).toBeDefined();
    expect(rejected!).toMatchObject({ source: expect.stringMatching(/^guarded/), endpoint: guarded.endpointUrl });
    expect(rejected!.sha1Thumbprint).toMatch(/^[0-9a-f]{40}$/);
    expect(rejected!.sha256Thumbprint).toMatch(/^[0-9a-f]{64}$/);
    expect(rejected!.daysToExpiry).toBeGreaterThan(30);
    expect(rejected!.expiryWarning).toBe(false);
    expect(Date.parse(rejected!.notAfter)).toBeGreaterThan(Date.parse(rejected!.notBefore));
    expect(refused.lastError).toContain(rejected!.sha1Thumbprint);
    // The demo server's certificate, trusted by file copy, is listed as trusted.
    expect(list.servers.filter((c) => c.status === 'trusted')).toHaveLength(1);

    // Commands need JSON (a cross-site form cannot send it) and a reason.
    expect((await postTrust({ thumbprint: rejected!.sha256Thumbprint, reason: 'checked' }, { 'content-type': 'text/plain' })).status).toBe(415);
    const noReason = await postTrust({ thumbprint: rejected!.sha256Thumbprint });
    expect(noReason.status).toBe(400);
    expect((await connection('guarded')).state).toBe('error');

    const started = Date.now();
    const res = await postTrust({ thumbprint: rejected!.sha256Thumbprint.toUpperCase(), reason: 'thumbprint checked on the server HMI' });
    expect(res.status).toBe(200);
    const trusted = (await res.json()) as TrustCertificateResult;
    expect(trusted.certificate).toMatchObject({ status: 'trusted', sha1Thumbprint: rejected!.sha1Thumbprint });

    // Well before the 30 s retry: the trust itself wakes the source.
    await waitFor(async () => ((await connection('guarded')).state === 'connected' ? true : undefined), 15_000, 'guarded connected after trust');
    expect(Date.now() - started).toBeLessThan(15_000);
    await waitFor(async () => ((await connection('guarded')).lastDataAt !== null ? true : undefined), 10_000, 'data from guarded');
    expect(existsSync(join(pkiDir, 'trusted', 'certs'))).toBe(true);
    expect((await certificates()).servers.find((c) => c.sha1Thumbprint === rejected!.sha1Thumbprint)?.status).toBe('trusted');

    const [entry] = listAudit(agent.db, 10).filter((e) => e.action === 'certificate.trust');
    expect(entry).toMatchObject({
      actor: 'test-engineer', subject: rejected!.sha256Thumbprint, reason: 'thumbprint checked on the server HMI',
      after: expect.objectContaining({ subject: rejected!.subject, endpoint: guarded.endpointUrl }),
    });
    expect(entry!.seq).toBe(trusted.auditSeq);

    // Trusting it again is refused and writes nothing.
    expect((await postTrust({ thumbprint: rejected!.sha1Thumbprint, reason: 'again' })).status).toBe(400);
    expect(listAudit(agent.db, 10).filter((e) => e.action === 'certificate.trust')).toHaveLength(1);
  });

  it('authenticates with username/password and X.509, and reports a wrong password or an unaccepted anonymous identity', async () => {
    await waitFor(async () => ((await connection('guarded-x509')).state === 'connected' ? true : undefined), 30_000, 'x509 connected');
    const badPass = await waitFor(async () => {
      const c = await connection('guarded-badpass');
      return c.state === 'error' && c.lastError?.includes('user identity') ? c : undefined;
    }, 15_000, 'wrong password refused');
    expect(badPass.lastError).toMatch(/BadUserAccessDenied|BadIdentityToken/);
    const anonymous = await waitFor(async () => {
      const c = await connection('guarded-anonymous');
      return c.state === 'error' && c.lastError?.includes('userIdentity') ? c : undefined;
    }, 15_000, 'anonymous refused');
    expect(anonymous.lastError).toContain('does not accept userIdentity type anonymous');
    expect(anonymous.lastError).toMatch(/accepts: .*username/);
  });

  it('exports its own certificate as DER with thumbprint and expiry', async () => {
    const list = await certificates();
    const res = await fetch(`${http.url}/api/v1/opcua/certificate/own`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    const der = Buffer.from(await res.arrayBuffer());
    expect(makeSHA1Thumbprint(der).toString('hex')).toBe(list.own.sha1Thumbprint);
    expect(exploreCertificate(der).tbsCertificate.subject.commonName).toMatch(/^PlantDesk@/);
    expect(list.own.daysToExpiry).toBeGreaterThan(365);
    const pem = await (await fetch(`${http.url}/api/v1/opcua/certificate/own?format=pem`)).text();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('browses the demo server: Objects, the plant folder with its lines, and a line with typed variables', async () => {
    const browse = async (params: Record<string, string>): Promise<BrowseResult> => {
      const res = await fetch(`${http.url}/api/v1/opcua/browse?${new URLSearchParams(params)}`);
      expect(res.status).toBe(200);
      return (await res.json()) as BrowseResult;
    };
    const objects = await browse({ source: 'secure' });
    const plant = objects.references.find((r) => r.browseName === '1:DemoPlant');
    expect(plant).toMatchObject({ nodeId: 'ns=1;s=DemoPlant', nodeClass: 'Object', dataType: null });
    const lines = await browse({ source: 'secure', nodeId: plant!.nodeId });
    expect(lines.references.map((r) => r.displayName).sort()).toEqual(['L1', 'L2', 'L3']);
    const l1 = await browse({ source: 'secure', nodeId: 'ns=1;s=L1' });
    expect(l1.references).toEqual(expect.arrayContaining([
      expect.objectContaining({ nodeId: 'ns=1;s=L1.GoodCount', nodeClass: 'Variable', dataType: 'UInt32' }),
      expect.objectContaining({ nodeId: 'ns=1;s=L1.State', dataType: 'String' }),
    ]));
    const refused = await fetch(`${http.url}/api/v1/opcua/browse?source=plain-refused`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/not connected.*securityMode None/);
    expect((await fetch(`${http.url}/api/v1/opcua/browse?source=nope`)).status).toBe(404);
  });
});
