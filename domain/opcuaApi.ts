// The OPC UA part of the PlantDesk API: certificates (PlantDesk's own and the servers'), trusting a server
// certificate, and browsing a server's address space. Re-exported by api.ts.
import { z } from 'zod';

/** Below this many days to expiry a certificate carries a warning. */
export const CERTIFICATE_WARNING_DAYS = 30;

/** An X.509 certificate as the console shows it. Thumbprints are lower-case hex without separators. */
export interface CertificateInfo {
  /** e.g. "CN=PlantDesk@host, O=PlantDesk" */
  readonly subject: string;
  readonly issuer: string;
  readonly sha1Thumbprint: string;
  readonly sha256Thumbprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days until notAfter; negative once expired. */
  readonly daysToExpiry: number;
  /** True below CERTIFICATE_WARNING_DAYS days to expiry (and once expired or not yet valid). */
  readonly expiryWarning: boolean;
}

/** A certificate an OPC UA server presented, in PlantDesk's trusted/ or rejected/ folder. */
export interface ServerCertificate extends CertificateInfo {
  readonly status: 'trusted' | 'rejected';
  /** The source and endpoint that presented it since the agent started; null when only found on disk. */
  readonly source: string | null;
  readonly endpoint: string | null;
}

export interface CertificateList {
  /** PlantDesk's own application instance certificate (the one servers must trust). */
  readonly own: CertificateInfo;
  /** Rejected first, then trusted; each by subject. */
  readonly servers: readonly ServerCertificate[];
}

/** PlantDesk's own certificate for a server's trust list; also GET /api/v1/opcua/certificate/own (DER). */
export interface OwnCertificateExport {
  readonly certificate: CertificateInfo;
  readonly pem: string;
  /** Suggested file name, e.g. "plantdesk-opcua-9e00a196.pem". */
  readonly fileName: string;
}

const thumbprint = z
  .string()
  .trim()
  .transform((s) => s.replace(/[:\s]/g, '').toLowerCase())
  .pipe(z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint'));

export const TrustCertificateSchema = z.strictObject({
  thumbprint,
  reason: z.string().trim().min(3, 'say why this certificate is trusted (at least 3 characters)').max(500),
});
export type TrustCertificateArgs = z.input<typeof TrustCertificateSchema>;

export interface TrustCertificateResult {
  readonly certificate: ServerCertificate;
  /** Sequence number of the audit entry written for this action. */
  readonly auditSeq: number;
}

export const BrowseQuerySchema = z.strictObject({
  /** The OPC UA source's name from the configuration. */
  source: z.string().trim().min(1).max(40),
  /** Default: the Objects folder (i=85). */
  nodeId: z.string().trim().min(1).max(1000).optional(),
});
export type BrowseQuery = z.input<typeof BrowseQuerySchema>;

export type NodeClassName = 'Object' | 'Variable' | 'Method' | 'ObjectType' | 'VariableType' | 'ReferenceType' | 'DataType' | 'View' | 'Unspecified';

/** One forward hierarchical reference of the browsed node. */
export interface BrowseReference {
  /** e.g. "ns=1;s=L1.GoodCount" (paste it into the config). */
  readonly nodeId: string;
  /** With its namespace index, e.g. "1:GoodCount". */
  readonly browseName: string;
  readonly displayName: string;
  readonly nodeClass: NodeClassName;
  /** Variables only: the data type's name for standard types (e.g. "UInt32"), else its node id. */
  readonly dataType: string | null;
}

export interface BrowseResult {
  readonly source: string;
  readonly nodeId: string;
  readonly references: readonly BrowseReference[];
  /** True when the node has more children than one answer carries (BROWSE_MAX_REFERENCES). */
  readonly truncated: boolean;
}

export const BROWSE_MAX_REFERENCES = 1000;

/**
 * Command: write one value to an OPC UA node the configuration marks writable (a line's `dispatchOrder`, or a
 * source's `writable:` list), e.g. to dispatch an order number to a line. The value must fit the node's DataType
 * as the server reports it; only scalars of the built-in types are written.
 */
export const WriteNodeSchema = z.strictObject({
  /** The OPC UA source's name from the configuration. */
  source: z.string().trim().min(1).max(40),
  /** As in the configuration, e.g. "ns=1;s=L1.DispatchOrder". */
  nodeId: z.string().trim().min(1).max(1000),
  value: z.union([z.string().max(4096), z.number(), z.boolean()], { error: 'must be a string, a number or true/false' }),
  reason: z.string().trim().min(3, 'say why this value is written (at least 3 characters)').max(500),
});
export type WriteNodeArgs = z.input<typeof WriteNodeSchema>;

export interface WriteNodeResult {
  readonly source: string;
  readonly nodeId: string;
  /** The node's DataType as the server reports it, e.g. "String". */
  readonly dataType: string;
  /** The value read just before the write, and read back after it. */
  readonly valueBefore: string | number | boolean | null;
  readonly valueAfter: string | number | boolean | null;
  /** The server's StatusCode of the write: always "Good" here (a refusal is an error naming the code). */
  readonly statusCode: string;
  /** Joins the audit entries and log lines of this write. */
  readonly correlationId: string;
  /** Sequence numbers of the audit entries: the intent (before the write) and the outcome. */
  readonly auditSeq: number;
  readonly resultAuditSeq: number;
}
