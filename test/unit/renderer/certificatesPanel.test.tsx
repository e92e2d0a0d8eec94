// The certificates panel rendered to static markup: what an engineer reads before trusting a server.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CertificateInfo, ServerCertificate } from '../../../domain/api.js';
import { CertificatesPanel, type CertificatesPanelProps } from '../../../renderer/src/components/CertificatesPanel.js';
import { ConnectionsList } from '../../../renderer/src/components/ConnectionsList.js';
import { connection } from './fixtures.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

function info(overrides: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    subject: 'CN=PlantDesk@ops-pc, O=PlantDesk', issuer: 'CN=PlantDesk@ops-pc, O=PlantDesk', sha1Thumbprint: 'a'.repeat(40), sha256Thumbprint: 'b'.repeat(64),
    notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2031-01-01T00:00:00.000Z', daysToExpiry: 1800, expiryWarning: false, ...overrides,
  };
}

function server(overrides: Partial<ServerCertificate> = {}): ServerCertificate {
  return { ...info({ subject: 'CN=line-plc, O=ACME', issuer: 'CN=ACME CA', sha1Thumbprint: 'c'.repeat(40), sha256Thumbprint: 'd'.repeat(64) }), status: 'rejected', source: 'line-plc', endpoint: 'opc.tcp://10.0.0.5:4840', ...overrides };
}

const render = (props: Partial<CertificatesPanelProps>) =>
  renderToStaticMarkup(<CertificatesPanel own={info()} servers={[]} loadError={null} trusting={null} trustError={null} onTrust={() => undefined} onDownloadOwn={() => undefined} {...props} />);

describe('CertificatesPanel', () => {
  it('shows the own certificate with thumbprint, validity, days left and a download button', () => {
    const html = render({});
    expect(html).toContain('data-testid="own-certificate"');
    expect(text(html)).toContain('CN=PlantDesk@ops-pc, O=PlantDesk');
    expect(text(html)).toContain('2026-01-01 – 2031-01-01 (1800 d left)');
    expect(html).toContain(`data-testid="cert-sha1">${'a'.repeat(40)}<`);
    expect(html).toContain('data-testid="download-own"');
    expect(html).toContain('data-warning="false"');
    expect(text(html)).toContain('No server certificates yet.');
  });

  it('lists a rejected server certificate with source, endpoint, issuer, both thumbprints and a Trust button', () => {
    const html = render({ servers: [server()] });
    expect(html).toContain('data-testid="server-certificate" data-status="rejected"');
    expect(text(html)).toContain('Rejected');
    expect(text(html)).toContain('1 waiting for a decision');
    expect(text(html)).toContain('from line-plc at opc.tcp://10.0.0.5:4840');
    expect(text(html)).toContain('issued by CN=ACME CA');
    expect(html).toContain(`data-testid="cert-sha256">${'d'.repeat(64)}<`);
    expect(html).toContain('data-testid="trust-button"');
  });

  it('offers no Trust button for a trusted certificate', () => {
    const html = render({ servers: [server({ status: 'trusted' })] });
    expect(text(html)).toContain('Trusted');
    expect(html).not.toContain('trust-button');
    expect(text(html)).not.toContain('waiting for a decision');
  });

  it('warns below 30 days and says when a certificate has expired', () => {
    const soon = render({ servers: [server({ daysToExpiry: 12, expiryWarning: true })] });
    expect(soon).toContain('cert-expiry cert-expiry-warn');
    expect(soon).toContain('data-warning="true"');
    expect(text(soon)).toContain('(12 d left)');
    expect(text(render({ own: info({ daysToExpiry: -3, expiryWarning: true }) }))).toContain('(expired 3 d ago)');
  });

  it('says when the list cannot be read', () => {
    expect(text(render({ loadError: 'agent unreachable' }))).toContain('Certificates cannot be read: agent unreachable');
  });
});

describe('ConnectionsList warning', () => {
  it('shows the warning an insecure connection carries', () => {
    const html = renderToStaticMarkup(<ConnectionsList connections={[connection({ warning: 'insecure (allowInsecure: true): securityMode None sends everything unsigned and unencrypted' })]} />);
    expect(html).toContain('data-testid="connection-warning"');
    expect(text(html)).toContain('Warning insecure (allowInsecure: true)');
    expect(renderToStaticMarkup(<ConnectionsList connections={[connection()]} />)).not.toContain('connection-warning');
  });
});
