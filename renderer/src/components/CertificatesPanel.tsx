// OPC UA certificates: PlantDesk's own (download for a server's trust list) and the servers' (trusted or
// rejected), with thumbprints, validity and days to expiry; a rejected one can be trusted with a reason.
import { useState, type FormEvent } from 'react';
import type { CertificateInfo, ServerCertificate } from '../../../domain/api';
import { Icon } from './Icon';
import { StatusBadge } from './StatusBadge';

export interface CertificatesPanelProps {
  readonly own: CertificateInfo | null;
  readonly servers: readonly ServerCertificate[];
  /** Why the list could not be read, if it could not. */
  readonly loadError: string | null;
  /** SHA-256 thumbprint of the certificate being trusted right now. */
  readonly trusting: string | null;
  readonly trustError: { readonly thumbprint: string; readonly message: string } | null;
  readonly onTrust: (thumbprint: string, reason: string) => void;
  readonly onDownloadOwn: () => void;
}

const MIN_REASON = 3;

/** 2031-01-31 (UTC): certificates are valid to the second, a date is what people compare. */
export function formatDate(iso: string): string {
  return iso.slice(0, 10);
}

function Expiry({ info }: { readonly info: CertificateInfo }) {
  const days = info.daysToExpiry;
  const text = days < 0 ? `expired ${-days} d ago` : `${days} d left`;
  return (
    <span className={`cert-expiry${info.expiryWarning ? ' cert-expiry-warn' : ''}`} data-testid="cert-expiry" data-warning={info.expiryWarning}>
      {info.expiryWarning && <Icon name="warning" />}
      {formatDate(info.notBefore)} – {formatDate(info.notAfter)} ({text})
    </span>
  );
}

function Thumbprints({ info }: { readonly info: CertificateInfo }) {
  return (
    <dl className="cert-thumbprints">
      <dt>SHA-1</dt>
      <dd className="mono" data-testid="cert-sha1">{info.sha1Thumbprint}</dd>
      <dt>SHA-256</dt>
      <dd className="mono" data-testid="cert-sha256">{info.sha256Thumbprint}</dd>
    </dl>
  );
}

function TrustForm({ thumbprint, busy, error, onTrust, onCancel }: {
  readonly thumbprint: string;
  readonly busy: boolean;
  readonly error: string | null;
  readonly onTrust: (thumbprint: string, reason: string) => void;
  readonly onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const ready = reason.trim().length >= MIN_REASON && !busy;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (ready) onTrust(thumbprint, reason.trim());
  };
  return (
    <form className="trust-form" onSubmit={submit}>
      <label>
        Why is this certificate trusted? (recorded in the audit log)
        <input
          type="text"
          data-testid="trust-reason"
          value={reason}
          maxLength={500}
          placeholder="e.g. thumbprint compared with the server's display"
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <div className="trust-actions">
        <button type="submit" data-testid="trust-confirm" disabled={!ready}>{busy ? 'Trusting…' : 'Trust certificate'}</button>
        <button type="button" onClick={onCancel} disabled={busy}>Cancel</button>
      </div>
      {error && <p className="cert-error" role="alert">{error}</p>}
    </form>
  );
}

function ServerRow({ cert, trusting, trustError, onTrust }: {
  readonly cert: ServerCertificate;
  readonly trusting: string | null;
  readonly trustError: CertificatesPanelProps['trustError'];
  readonly onTrust: CertificatesPanelProps['onTrust'];
}) {
  const [asking, setAsking] = useState(false);
  const rejected = cert.status === 'rejected';
  return (
    <li className={`cert cert-${cert.status}`} data-testid="server-certificate" data-status={cert.status} data-sha1={cert.sha1Thumbprint}>
      <div className="cert-head">
        {rejected ? <StatusBadge tone="bad" icon="cross" label="Rejected" /> : <StatusBadge tone="ok" icon="check" label="Trusted" />}
        <span className="cert-subject" data-testid="cert-subject">{cert.subject}</span>
        {rejected && !asking && (
          <button type="button" className="trust-button" data-testid="trust-button" onClick={() => setAsking(true)}>Trust…</button>
        )}
      </div>
      <div className="cert-meta">
        {cert.source ? <>from <strong>{cert.source}</strong> at <span className="mono">{cert.endpoint}</span></> : 'found in the PKI folder'}
        {cert.issuer !== cert.subject && <> · issued by {cert.issuer}</>}
      </div>
      <Expiry info={cert} />
      <Thumbprints info={cert} />
      {rejected && asking && (
        <TrustForm
          thumbprint={cert.sha256Thumbprint}
          busy={trusting === cert.sha256Thumbprint}
          error={trustError?.thumbprint === cert.sha256Thumbprint ? trustError.message : null}
          onTrust={onTrust}
          onCancel={() => setAsking(false)}
        />
      )}
    </li>
  );
}

export function CertificatesPanel({ own, servers, loadError, trusting, trustError, onTrust, onDownloadOwn }: CertificatesPanelProps) {
  const rejected = servers.filter((c) => c.status === 'rejected').length;
  return (
    <section className="panel certificates-panel" aria-label="OPC UA certificates" data-testid="certificates-panel">
      <h2 className="panel-title">OPC UA certificates{rejected > 0 ? ` · ${rejected} waiting for a decision` : ''}</h2>
      {loadError && <p className="cert-error" role="alert">Certificates cannot be read: {loadError}</p>}
      {own && (
        <div className="cert cert-own" data-testid="own-certificate">
          <div className="cert-head">
            <span className="cert-label">PlantDesk</span>
            <span className="cert-subject">{own.subject}</span>
            <button type="button" data-testid="download-own" onClick={onDownloadOwn}>Download certificate (PEM)</button>
          </div>
          <div className="cert-meta">Add it to each OPC UA server&apos;s trusted certificates.</div>
          <Expiry info={own} />
          <Thumbprints info={own} />
        </div>
      )}
      {servers.length === 0 ? (
        <p className="empty">No server certificates yet.</p>
      ) : (
        <ul className="certs">
          {servers.map((c) => (
            <ServerRow key={`${c.status}:${c.sha256Thumbprint}`} cert={c} trusting={trusting} trustError={trustError} onTrust={onTrust} />
          ))}
        </ul>
      )}
    </section>
  );
}
