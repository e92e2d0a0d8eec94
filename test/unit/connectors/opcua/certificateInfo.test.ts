// What the console shows of a certificate, read with node-opcua-crypto from certificates made here.
import { createHash } from 'node:crypto';
import { CertificatePurpose, convertPEMtoDER, createSelfSignedCertificate, generateKeyPair } from 'node-opcua-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate, formatDistinguishedName, matchesThumbprint, sha1Thumbprint } from '../../../../connectors/opcua/certificateInfo.js';

const DAY = 86_400_000;
let key: CryptoKey;

async function certificate(notBefore: Date, notAfter: Date, subject = '/CN=line-plc/O=ACME/C=DE'): Promise<Buffer> {
  const { cert } = await createSelfSignedCertificate({ privateKey: key, notBefore, notAfter, subject, purpose: CertificatePurpose.ForApplication, applicationUri: 'urn:acme:plc' });
  return convertPEMtoDER(cert);
}

beforeAll(async () => {
  key = (await generateKeyPair(2048)).privateKey;
});

describe('describeCertificate', () => {
  it('reads subject, issuer, thumbprints and validity', async () => {
    const now = Date.UTC(2030, 0, 1);
    const der = await certificate(new Date(now - 10 * DAY), new Date(now + 400 * DAY));
    const info = describeCertificate(der, now);
    expect(info.subject).toBe('CN=line-plc, O=ACME, C=DE');
    expect(info.issuer).toBe(info.subject);
    expect(info.sha1Thumbprint).toBe(createHash('sha1').update(der).digest('hex'));
    expect(info.sha256Thumbprint).toBe(createHash('sha256').update(der).digest('hex'));
    expect(info.notAfter).toBe(new Date(now + 400 * DAY).toISOString());
    expect(info.daysToExpiry).toBe(400);
    expect(info.expiryWarning).toBe(false);
  });

  it('warns below 30 days to expiry, not at 30', async () => {
    const now = Date.UTC(2030, 0, 1);
    const der = await certificate(new Date(now - DAY), new Date(now + 30 * DAY));
    expect(describeCertificate(der, now)).toMatchObject({ daysToExpiry: 30, expiryWarning: false });
    expect(describeCertificate(der, now + DAY + 1000)).toMatchObject({ daysToExpiry: 28, expiryWarning: true });
  });

  it('counts negative days and warns once expired, and warns before it is valid', async () => {
    const now = Date.UTC(2030, 0, 1);
    const expired = await certificate(new Date(now - 100 * DAY), new Date(now - 5 * DAY));
    expect(describeCertificate(expired, now)).toMatchObject({ daysToExpiry: -5, expiryWarning: true });
    const future = await certificate(new Date(now + 5 * DAY), new Date(now + 500 * DAY));
    expect(describeCertificate(future, now).expiryWarning).toBe(true);
  });

  it('describes the leaf of a chain and matches either thumbprint', async () => {
    const now = Date.UTC(2030, 0, 1);
    const leaf = await certificate(new Date(now - DAY), new Date(now + 100 * DAY), '/CN=leaf');
    const other = await certificate(new Date(now - DAY), new Date(now + 100 * DAY), '/CN=issuer');
    const info = describeCertificate(Buffer.concat([leaf, other]), now);
    expect(info.subject).toBe('CN=leaf');
    expect(sha1Thumbprint(Buffer.concat([leaf, other]))).toBe(info.sha1Thumbprint);
    expect(matchesThumbprint(info, info.sha1Thumbprint)).toBe(true);
    expect(matchesThumbprint(info, info.sha256Thumbprint)).toBe(true);
    expect(matchesThumbprint(info, '0'.repeat(40))).toBe(false);
  });
});

describe('formatDistinguishedName', () => {
  it('puts the most specific part first', () => {
    expect(formatDistinguishedName({ entries: [{ name: 'countryName', oid: '2.5.4.6', value: 'FR' }, { name: 'commonName', oid: '2.5.4.3', value: 'x' }] })).toBe('CN=x, C=FR');
  });
});
