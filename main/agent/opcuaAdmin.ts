// The OPC UA part of the PlantDesk API: certificates (list, export own, trust with an audit entry) and browse.
import {
  BrowseQuerySchema, TrustCertificateSchema, type BrowseQuery, type BrowseResult, type CertificateList,
  type OwnCertificateExport, type ServerCertificate, type TrustCertificateArgs, type TrustCertificateResult,
} from '../../domain/index.js';
import { BrowseError, OpcuaNotConnectedError, type OpcuaPki, type OpcuaSource } from '../../connectors/opcua/index.js';
import { appendAudit, type AuditEntry, type WritableDb } from '../../local-store/index.js';
import { ApiFailure } from './apiFailure.js';
import type { Logger } from './logger.js';

/**
 * Until logins and roles exist (issue 6), commands are accepted only from this machine (loopback HTTP and
 * WebSocket, the Electron IPC bridge) and the audit log records them under this one actor: it says where the
 * action came from, not who did it.
 */
export const LOCAL_CONSOLE_ACTOR = 'local-console';

export interface OpcuaAdminOptions {
  readonly db: WritableDb;
  readonly pki: OpcuaPki;
  /** Running sources by configured name. */
  readonly sources: ReadonlyMap<string, OpcuaSource>;
  readonly logger: Logger;
}

export class OpcuaAdmin {
  private trusting: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OpcuaAdminOptions) {}

  async listCertificates(): Promise<CertificateList> {
    const { pki } = this.options;
    return { own: pki.ownCertificate().info, servers: await pki.listServerCertificates() };
  }

  exportOwnCertificate(): OwnCertificateExport {
    const own = this.options.pki.ownCertificate();
    return { certificate: own.info, pem: own.pem, fileName: `plantdesk-opcua-${own.info.sha1Thumbprint.slice(0, 8)}.pem` };
  }

  async browse(query: BrowseQuery): Promise<BrowseResult> {
    const { source, nodeId } = BrowseQuerySchema.parse(query);
    const running = this.options.sources.get(source);
    if (!running) throw new ApiFailure('not_found', `no OPC UA source named ${source}; configured: ${[...this.options.sources.keys()].join(', ') || 'none'}`);
    try {
      return { source, ...(await running.browse(nodeId)) };
    } catch (error) {
      if (error instanceof OpcuaNotConnectedError || error instanceof BrowseError) throw new ApiFailure('bad_request', error.message);
      throw error;
    }
  }

  /** One trust action at a time, so a double click cannot write two audit entries for one move. */
  trustCertificate(args: TrustCertificateArgs): Promise<TrustCertificateResult> {
    const run = this.trusting.then(() => this.trustNow(args));
    this.trusting = run.catch(() => undefined);
    return run;
  }

  private async trustNow(args: TrustCertificateArgs): Promise<TrustCertificateResult> {
    const { thumbprint, reason } = TrustCertificateSchema.parse(args);
    const outcome = await this.options.pki.trust(thumbprint);
    if (outcome.outcome === 'not_found') throw new ApiFailure('not_found', `no server certificate with thumbprint ${thumbprint} in rejected/ or trusted/`);
    if (outcome.outcome === 'already_trusted') throw new ApiFailure('bad_request', `the certificate ${outcome.certificate.subject} is already trusted`);
    const { certificate } = outcome;
    let entry;
    try {
      entry = this.audit(certificate, reason);
    } catch (error) {
      await this.options.pki.untrust(certificate.sha256Thumbprint); // no trust without its audit entry
      throw error;
    }
    this.options.pki.announceTrusted(certificate.sha1Thumbprint);
    this.options.logger.info({ subject: certificate.subject, sha256: certificate.sha256Thumbprint, source: certificate.source, auditSeq: entry.seq }, 'OPC UA server certificate trusted');
    return { certificate, auditSeq: entry.seq };
  }

  private audit(certificate: ServerCertificate, reason: string): AuditEntry {
    return appendAudit(this.options.db, {
      at: Date.now(),
      actor: LOCAL_CONSOLE_ACTOR,
      action: 'certificate.trust',
      subject: certificate.sha256Thumbprint,
      before: { status: 'rejected' },
      after: { status: 'trusted', subject: certificate.subject, endpoint: certificate.endpoint, source: certificate.source, sha1Thumbprint: certificate.sha1Thumbprint, notAfter: certificate.notAfter },
      reason,
    });
  }
}
