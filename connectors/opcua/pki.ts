// PlantDesk's OPC UA PKI: one node-opcua certificate manager for all sources, rooted under the data directory
// (own/, trusted/, issuers/, rejected/), that never accepts an unknown server certificate by itself. It also
// remembers which source and endpoint presented each server certificate, for the console.
import { existsSync, mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { getHostname, makeApplicationUrn, OPCUACertificateManager } from 'node-opcua';
import { readCertificate, toPem } from 'node-opcua-crypto';
import type { CertificateInfo, ServerCertificate } from '../../domain/index.js';
import { describeCertificate, leafCertificate, matchesThumbprint, sha1Thumbprint } from './certificateInfo.js';

export const OPCUA_APPLICATION_NAME = 'PlantDesk';
/** Own certificate lifetime; renew by deleting own/certs/client_certificate.pem and restarting (README). */
const OWN_CERTIFICATE_DAYS = 5 * 365;

export type ServerCertificateVerdict =
  | { readonly trusted: true }
  | { readonly trusted: false; readonly status: string; readonly words: string };

export type TrustOutcome =
  | { readonly outcome: 'trusted'; readonly certificate: ServerCertificate }
  | { readonly outcome: 'already_trusted'; readonly certificate: ServerCertificate }
  | { readonly outcome: 'not_found' };

const VERDICT_WORDS: Readonly<Record<string, string>> = {
  BadCertificateUntrusted: 'is not trusted yet',
  BadCertificateTimeInvalid: 'has expired or is not valid yet',
  BadCertificateIssuerTimeInvalid: "has an issuer certificate that has expired",
  BadCertificateRevoked: 'has been revoked',
  BadCertificateIssuerRevoked: 'has a revoked issuer',
  BadCertificateRevocationUnknown: "cannot be checked for revocation (no CRL of its issuer in issuers/crl)",
  BadCertificateIssuerRevocationUnknown: "cannot be checked for revocation (no CRL of its issuer in issuers/crl)",
  BadCertificateChainIncomplete: 'was issued by a CA whose certificate is not in issuers/certs',
  BadCertificateInvalid: 'is not a valid certificate',
  BadSecurityChecksFailed: 'failed the security checks',
};

interface Seen {
  readonly source: string;
  readonly endpoint: string;
}

export class OpcuaPki {
  readonly applicationUri: string;
  readonly certificateFile: string;
  private readonly seen = new Map<string, Seen>();
  private readonly trustListeners = new Set<(sha1: string) => void>();

  private constructor(readonly certificateManager: OPCUACertificateManager, readonly rootDir: string) {
    this.applicationUri = makeApplicationUrn(getHostname(), OPCUA_APPLICATION_NAME);
    this.certificateFile = join(certificateManager.rootDir, 'own', 'certs', 'client_certificate.pem');
  }

  /** Opens (or creates) the PKI under rootDir and makes sure PlantDesk's own certificate exists. */
  static async open(rootDir: string): Promise<OpcuaPki> {
    mkdirSync(rootDir, { recursive: true });
    const certificateManager = new OPCUACertificateManager({ rootFolder: rootDir, automaticallyAcceptUnknownCertificate: false });
    await certificateManager.initialize();
    const pki = new OpcuaPki(certificateManager, rootDir);
    if (!existsSync(pki.certificateFile)) {
      const hostname = getHostname();
      await certificateManager.createSelfSignedCertificate({
        applicationUri: pki.applicationUri,
        dns: [hostname],
        subject: `/CN=${OPCUA_APPLICATION_NAME}@${hostname}/O=${OPCUA_APPLICATION_NAME}`,
        startDate: new Date(Date.now() - 60_000), // a server whose clock is a little behind still accepts it
        validity: OWN_CERTIFICATE_DAYS,
        outputFile: pki.certificateFile,
      });
    }
    return pki;
  }

  /** Path of the private key that belongs to the own certificate. */
  get privateKeyFile(): string {
    return this.certificateManager.privateKey;
  }

  get trustedFolder(): string {
    return this.certificateManager.trustedFolder;
  }

  get rejectedFolder(): string {
    return this.certificateManager.rejectedFolder;
  }

  ownCertificate(): { readonly der: Buffer; readonly pem: string; readonly info: CertificateInfo } {
    const der = leafCertificate(readCertificate(this.certificateFile));
    return { der, pem: toPem(der, 'CERTIFICATE'), info: describeCertificate(der) };
  }

  /** Remembers where a server certificate came from, so the console can say which source and endpoint. */
  noteServerCertificate(der: Buffer, source: string, endpoint: string): void {
    this.seen.set(sha1Thumbprint(der), { source, endpoint });
  }

  /**
   * Checks a server certificate against trusted/ and issuers/. An unknown one is written to rejected/ by the
   * certificate manager and stays refused until an engineer trusts it.
   */
  async checkServerCertificate(der: Buffer): Promise<ServerCertificateVerdict> {
    const status = await this.certificateManager.checkCertificate(der);
    if (status.isGood()) return { trusted: true };
    const name = status.name;
    return { trusted: false, status: name, words: VERDICT_WORDS[name] ?? `was refused (${name})` };
  }

  /** Server certificates in trusted/ and rejected/: rejected first, then by subject. */
  async listServerCertificates(now: number = Date.now()): Promise<ServerCertificate[]> {
    const own = this.ownCertificate().info.sha1Thumbprint;
    const [rejected, trusted] = await Promise.all([this.readFolder(this.rejectedFolder, 'rejected', now), this.readFolder(this.trustedFolder, 'trusted', now)]);
    // A connect attempt racing a trust can leave a copy in rejected/ after the move: trusted wins.
    const trustedThumbprints = new Set(trusted.map((c) => c.sha1Thumbprint));
    return [...rejected.filter((c) => !trustedThumbprints.has(c.sha1Thumbprint)), ...trusted].filter((c) => c.sha1Thumbprint !== own);
  }

  /**
   * Moves a rejected certificate (by SHA-1 or SHA-256 thumbprint) to trusted/. The caller records it and then
   * calls announceTrusted, so sources reconnect only once the action is on record.
   */
  async trust(thumbprint: string): Promise<TrustOutcome> {
    const found = await this.findOnDisk(thumbprint);
    if (!found) return { outcome: 'not_found' };
    if (found.certificate.status === 'trusted') return { outcome: 'already_trusted', certificate: found.certificate };
    await this.certificateManager.trustCertificate(found.der);
    return { outcome: 'trusted', certificate: { ...found.certificate, status: 'trusted' } };
  }

  /** Undoes trust() when the action could not be recorded. */
  async untrust(thumbprint: string): Promise<void> {
    const found = await this.findOnDisk(thumbprint);
    if (found?.certificate.status === 'trusted') await this.certificateManager.rejectCertificate(found.der);
  }

  /** Wakes the sources waiting between attempts, so they connect without a restart. */
  announceTrusted(sha1: string): void {
    for (const listener of [...this.trustListeners]) listener(sha1);
  }

  /** Called with the SHA-1 thumbprint of every certificate announced as trusted. */
  onTrusted(listener: (sha1: string) => void): () => void {
    this.trustListeners.add(listener);
    return () => this.trustListeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.trustListeners.clear();
    // Every OPCUAClient counts itself on the shared manager and a failed connect never counts down again;
    // the agent is done with all of them here, so dispose for real.
    this.certificateManager.referenceCounter = 0;
    await this.certificateManager.dispose();
  }

  private async findOnDisk(thumbprint: string): Promise<{ certificate: ServerCertificate; der: Buffer } | undefined> {
    for (const [folder, status] of [[this.rejectedFolder, 'rejected'], [this.trustedFolder, 'trusted']] as const) {
      for (const file of await certificateFiles(folder)) {
        const der = readDer(file);
        if (!der) continue;
        const certificate = this.toServerCertificate(der, status, Date.now());
        if (matchesThumbprint(certificate, thumbprint)) return { certificate, der };
      }
    }
    return undefined;
  }

  private async readFolder(folder: string, status: ServerCertificate['status'], now: number): Promise<ServerCertificate[]> {
    const certificates: ServerCertificate[] = [];
    for (const file of await certificateFiles(folder)) {
      const der = readDer(file);
      if (der) certificates.push(this.toServerCertificate(der, status, now));
    }
    return certificates.sort((a, b) => a.subject.localeCompare(b.subject));
  }

  private toServerCertificate(der: Buffer, status: ServerCertificate['status'], now: number): ServerCertificate {
    const info = describeCertificate(der, now);
    const seen = this.seen.get(info.sha1Thumbprint);
    return { ...info, status, source: seen?.source ?? null, endpoint: seen?.endpoint ?? null };
  }
}

async function certificateFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((name) => /\.(pem|der|crt|cer)$/i.test(name)).map((name) => join(folder, name));
  } catch {
    return [];
  }
}

/** A file someone dropped into a PKI folder may be anything; one bad file must not hide the others. */
function readDer(file: string): Buffer | undefined {
  try {
    const der = leafCertificate(readCertificate(file));
    describeCertificate(der);
    return der;
  } catch {
    return undefined;
  }
}
