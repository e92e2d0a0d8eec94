// Reads what the console shows of an X.509 certificate (subject, issuer, thumbprints, validity, days to
// expiry) with node-opcua-crypto's DER parser rather than hand-parsing.
import { createHash } from 'node:crypto';
import { exploreCertificate, makeSHA1Thumbprint, split_der } from 'node-opcua-crypto';
import { CERTIFICATE_WARNING_DAYS, type CertificateInfo } from '../../domain/index.js';

const DAY_MS = 86_400_000;

const SHORT_NAMES: Readonly<Record<string, string>> = {
  commonName: 'CN', organizationName: 'O', organizationalUnitName: 'OU', localityName: 'L',
  stateOrProvinceName: 'ST', countryName: 'C', domainComponent: 'DC', emailAddress: 'E', serialNumber: 'SERIALNUMBER',
};

interface DistinguishedName {
  readonly entries?: readonly { readonly name?: string; readonly oid: string; readonly value: unknown }[];
  readonly [key: string]: unknown;
}

/** "CN=PlantDesk@host, O=PlantDesk": most specific first, as certificate viewers show it. */
export function formatDistinguishedName(name: DistinguishedName): string {
  const entries = name.entries ?? Object.entries(name).filter(([, v]) => typeof v === 'string').map(([k, v]) => ({ name: k, oid: k, value: v }));
  return [...entries].reverse().map((e) => `${SHORT_NAMES[e.name ?? ''] ?? e.name ?? e.oid}=${String(e.value)}`).join(', ');
}

/** The leaf certificate of a DER blob that may hold a chain. */
export function leafCertificate(der: Buffer): Buffer {
  return split_der(der)[0] ?? der;
}

export function sha1Thumbprint(der: Buffer): string {
  return makeSHA1Thumbprint(leafCertificate(der)).toString('hex');
}

export function describeCertificate(der: Buffer, now: number = Date.now()): CertificateInfo {
  const leaf = leafCertificate(der);
  const tbs = exploreCertificate(leaf).tbsCertificate;
  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  const daysToExpiry = Math.floor((notAfter - now) / DAY_MS);
  return {
    subject: formatDistinguishedName(tbs.subject as unknown as DistinguishedName),
    issuer: formatDistinguishedName(tbs.issuer as unknown as DistinguishedName),
    sha1Thumbprint: makeSHA1Thumbprint(leaf).toString('hex'),
    sha256Thumbprint: createHash('sha256').update(leaf).digest('hex'),
    notBefore: new Date(notBefore).toISOString(),
    notAfter: new Date(notAfter).toISOString(),
    daysToExpiry,
    expiryWarning: daysToExpiry < CERTIFICATE_WARNING_DAYS || now < notBefore,
  };
}

/** True when the thumbprint (SHA-1 or SHA-256, lower-case hex) is the certificate's. */
export function matchesThumbprint(info: Pick<CertificateInfo, 'sha1Thumbprint' | 'sha256Thumbprint'>, thumbprint: string): boolean {
  return info.sha1Thumbprint === thumbprint || info.sha256Thumbprint === thumbprint;
}
