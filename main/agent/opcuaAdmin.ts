// The OPC UA part of the PlantDesk API: certificates (list, export own, trust with an audit entry), browse, and
// writing a value to a configured writable node (audited before it is sent, and with its outcome).
import { randomUUID } from 'node:crypto';
import {
  BrowseQuerySchema, TrustCertificateSchema, WriteNodeSchema, type BrowseQuery, type BrowseResult, type CertificateList,
  type OwnCertificateExport, type ServerCertificate, type TrustCertificateArgs, type TrustCertificateResult,
  type WriteNodeArgs, type WriteNodeResult,
} from '../../domain/index.js';
import { BrowseError, OpcuaNotConnectedError, OpcuaWriteError, type OpcuaPki, type OpcuaSource, type WriteOutcome } from '../../connectors/opcua/index.js';
import { appendAudit, type AuditEntry, type WritableDb } from '../../local-store/index.js';
import { ApiFailure } from './apiFailure.js';
import type { Logger } from './logger.js';

/**
 * What the API needs of the OPC UA administration, every answer a promise: the agent hands ApiService either
 * the admin itself or a facade that loads node-opcua on the first call (agent.ts). The actor is the logged-in
 * user the audit entry names.
 */
export interface OpcuaAdminApi {
  listCertificates(): Promise<CertificateList>;
  exportOwnCertificate(): Promise<OwnCertificateExport>;
  browse(query: BrowseQuery): Promise<BrowseResult>;
  trustCertificate(args: TrustCertificateArgs, actor: string): Promise<TrustCertificateResult>;
  writeNode(args: WriteNodeArgs, actor: string): Promise<WriteNodeResult>;
}

export interface OpcuaAdminOptions {
  readonly db: WritableDb;
  readonly pki: OpcuaPki;
  /** Running sources by configured name. */
  readonly sources: ReadonlyMap<string, OpcuaSource>;
  readonly logger: Logger;
}

export class OpcuaAdmin implements OpcuaAdminApi {
  private trusting: Promise<unknown> = Promise.resolve();
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OpcuaAdminOptions) {}

  async listCertificates(): Promise<CertificateList> {
    const { pki } = this.options;
    return { own: pki.ownCertificate().info, servers: await pki.listServerCertificates() };
  }

  async exportOwnCertificate(): Promise<OwnCertificateExport> {
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

  /**
   * Writes a value to a node the configuration marks writable. The intent (value read before, value to write,
   * reason) is audited before the write is sent, so no write reaches a PLC without its entry; the outcome (the
   * server's StatusCode, the value read back) is a second entry with the same correlation id. One write at a time.
   */
  writeNode(args: WriteNodeArgs, actor: string): Promise<WriteNodeResult> {
    const run = this.writing.then(() => this.writeNow(args, actor));
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async writeNow(args: WriteNodeArgs, actor: string): Promise<WriteNodeResult> {
    const { source, nodeId, value, reason } = WriteNodeSchema.parse(args);
    const running = this.options.sources.get(source);
    if (!running) throw new ApiFailure('not_found', `no OPC UA source named ${source}; configured: ${[...this.options.sources.keys()].join(', ') || 'none'}`);
    const correlationId = randomUUID();
    const subject = `opcua:${source}:${nodeId}`;
    let intentSeq = 0;
    let outcome: WriteOutcome;
    try {
      outcome = await running.write(nodeId, value, (plan) => {
        intentSeq = appendAudit(this.options.db, {
          at: Date.now(), actor, action: 'opcua.write', subject, correlationId, reason,
          before: { value: plan.valueBefore, dataType: plan.dataType },
          after: { value: plan.value },
        }).seq;
      });
    } catch (error) {
      if (error instanceof OpcuaNotConnectedError || error instanceof OpcuaWriteError) throw new ApiFailure('bad_request', error.message);
      if (intentSeq === 0) throw error; // nothing was sent
      // Sent (or possibly sent) and no answer: on record as unknown, so the log never shows an intent without an end.
      this.auditOutcome(actor, subject, correlationId, { outcome: 'unknown', error: (error as Error).message });
      throw new ApiFailure('internal', `the write to ${nodeId} on ${source} has no answer (${(error as Error).message}); read the node to see whether it landed (audit ${intentSeq})`);
    }
    const resultSeq = this.auditOutcome(actor, subject, correlationId, { outcome: outcome.good ? 'written' : 'refused', statusCode: outcome.statusCode, value: outcome.valueAfter });
    const log = { source, nodeId, dataType: outcome.dataType, valueBefore: outcome.valueBefore, value, valueAfter: outcome.valueAfter, statusCode: outcome.statusCode, actor, correlationId, auditSeq: intentSeq };
    if (!outcome.good) {
      this.options.logger.warn(log, 'OPC UA write refused by the server');
      throw new ApiFailure('bad_request', `the server refused the write of ${JSON.stringify(value)} to ${nodeId} on ${source}: ${outcome.problem ?? outcome.statusCode} (audit ${intentSeq}, ${resultSeq})`);
    }
    this.options.logger.info(log, 'OPC UA value written');
    return {
      source, nodeId, dataType: outcome.dataType, valueBefore: outcome.valueBefore, valueAfter: outcome.valueAfter,
      statusCode: outcome.statusCode, correlationId, auditSeq: intentSeq, resultAuditSeq: resultSeq,
    };
  }

  private auditOutcome(actor: string, subject: string, correlationId: string, after: Record<string, unknown>): number {
    return appendAudit(this.options.db, { at: Date.now(), actor, action: 'opcua.write.result', subject, correlationId, after }).seq;
  }

  /** One trust action at a time, so a double click cannot write two audit entries for one move. */
  trustCertificate(args: TrustCertificateArgs, actor: string): Promise<TrustCertificateResult> {
    const run = this.trusting.then(() => this.trustNow(args, actor));
    this.trusting = run.catch(() => undefined);
    return run;
  }

  private async trustNow(args: TrustCertificateArgs, actor: string): Promise<TrustCertificateResult> {
    const { thumbprint, reason } = TrustCertificateSchema.parse(args);
    const outcome = await this.options.pki.trust(thumbprint);
    if (outcome.outcome === 'not_found') throw new ApiFailure('not_found', `no server certificate with thumbprint ${thumbprint} in rejected/ or trusted/`);
    if (outcome.outcome === 'already_trusted') throw new ApiFailure('bad_request', `the certificate ${outcome.certificate.subject} is already trusted`);
    const { certificate } = outcome;
    let entry;
    try {
      entry = this.audit(certificate, reason, actor);
    } catch (error) {
      await this.options.pki.untrust(certificate.sha256Thumbprint); // no trust without its audit entry
      throw error;
    }
    this.options.pki.announceTrusted(certificate.sha1Thumbprint);
    this.options.logger.info({ subject: certificate.subject, sha256: certificate.sha256Thumbprint, source: certificate.source, auditSeq: entry.seq }, 'OPC UA server certificate trusted');
    return { certificate, auditSeq: entry.seq };
  }

  private audit(certificate: ServerCertificate, reason: string, actor: string): AuditEntry {
    return appendAudit(this.options.db, {
      at: Date.now(),
      actor,
      action: 'certificate.trust',
      subject: certificate.sha256Thumbprint,
      before: { status: 'rejected' },
      after: { status: 'trusted', subject: certificate.subject, endpoint: certificate.endpoint, source: certificate.source, sha1Thumbprint: certificate.sha1Thumbprint, notAfter: certificate.notAfter },
      reason,
    });
  }
}
