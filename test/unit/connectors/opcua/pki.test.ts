// PlantDesk's OPC UA PKI in a temp dir: own certificate, unknown server certificates rejected to rejected/,
// listed with where they came from, trusted by thumbprint (and undone), trust announced to waiting sources.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificatePurpose, convertPEMtoDER, createSelfSignedCertificate, generateKeyPair } from 'node-opcua-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaPki } from '../../../../connectors/opcua/pki.js';

let dir: string;
let pki: OpcuaPki;
let server: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-pki-'));
  pki = await OpcuaPki.open(join(dir, 'pki', 'opcua'));
  const { privateKey } = await generateKeyPair(2048);
  const { cert } = await createSelfSignedCertificate({ privateKey, subject: '/CN=line-plc/O=ACME', validity: 365, purpose: CertificatePurpose.ForApplication, applicationUri: 'urn:acme:plc' });
  server = convertPEMtoDER(cert);
});

afterAll(async () => {
  await pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpcuaPki', () => {
  it('creates its own certificate under own/ with the application URI', () => {
    const own = pki.ownCertificate();
    expect(existsSync(pki.certificateFile)).toBe(true);
    expect(pki.certificateFile).toBe(join(dir, 'pki', 'opcua', 'own', 'certs', 'client_certificate.pem'));
    expect(own.info.subject).toMatch(/^CN=PlantDesk@.+, O=PlantDesk$/);
    expect(own.info.daysToExpiry).toBeGreaterThan(4 * 365);
    expect(own.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(pki.applicationUri).toMatch(/^urn:.+:PlantDesk$/);
  });

  it('keeps its own certificate when opened again', async () => {
    const again = await OpcuaPki.open(join(dir, 'pki', 'opcua'));
    try {
      expect(again.ownCertificate().info.sha1Thumbprint).toBe(pki.ownCertificate().info.sha1Thumbprint);
    } finally {
      await again.dispose();
    }
  });

  it('refuses an unknown server certificate and writes it to rejected/', async () => {
    expect(await pki.checkServerCertificate(server)).toEqual({ trusted: false, status: 'BadCertificateUntrusted', words: 'is not trusted yet' });
    expect(readdirSync(pki.rejectedFolder).filter((f) => f.endsWith('.pem'))).toHaveLength(1);
    const [listed] = await pki.listServerCertificates();
    expect(listed).toMatchObject({ status: 'rejected', subject: 'CN=line-plc, O=ACME', source: null, endpoint: null });
  });

  it('says which source and endpoint presented it, and skips files that are not certificates', async () => {
    writeFileSync(join(pki.rejectedFolder, 'junk.pem'), 'not a certificate');
    pki.noteServerCertificate(server, 'line-plc', 'opc.tcp://10.0.0.5:4840');
    const listed = await pki.listServerCertificates();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ source: 'line-plc', endpoint: 'opc.tcp://10.0.0.5:4840' });
  });

  it('trusts by SHA-256 thumbprint, announces it, and undoes it', async () => {
    const [rejected] = await pki.listServerCertificates();
    const announced: string[] = [];
    const off = pki.onTrusted((sha1) => announced.push(sha1));
    expect(await pki.trust('f'.repeat(64))).toEqual({ outcome: 'not_found' });
    const outcome = await pki.trust(rejected!.sha256Thumbprint);
    expect(outcome).toMatchObject({ outcome: 'trusted', certificate: { status: 'trusted', sha1Thumbprint: rejected!.sha1Thumbprint, source: 'line-plc' } });
    expect(await pki.checkServerCertificate(server)).toEqual({ trusted: true });
    expect(readdirSync(pki.trustedFolder).filter((f) => f.endsWith('.pem'))).toHaveLength(1);
    expect(announced).toEqual([]); // trust() alone does not wake sources: the caller audits first
    pki.announceTrusted(rejected!.sha1Thumbprint);
    expect(announced).toEqual([rejected!.sha1Thumbprint]);
    expect((await pki.trust(rejected!.sha1Thumbprint)).outcome).toBe('already_trusted');

    await pki.untrust(rejected!.sha1Thumbprint);
    expect((await pki.checkServerCertificate(server)).trusted).toBe(false);
    expect((await pki.listServerCertificates())[0]?.status).toBe('rejected');
    off();
  });
});
