// Reads the OPC UA certificates from the API (every 10 s and after each action), trusts one with a reason and
// downloads PlantDesk's own certificate; hands plain props to CertificatesPanel.
import { useCallback, useEffect, useState } from 'react';
import type { CertificateInfo, PlantDeskApi, ServerCertificate } from '../../../domain/api';
import { getApi } from '../api/getApi';
import { CertificatesPanel, type CertificatesPanelProps } from '../components/CertificatesPanel';
import { commandFailed } from '../state/authActions';
import { useConsoleStore } from '../state/store';

const REFRESH_MS = 10_000;

type CertificatesApi = Pick<PlantDeskApi, 'listCertificates' | 'trustCertificate' | 'exportOwnCertificate'>;

/** Saves text as a file through a temporary blob link: works in the browser and in the Electron window. */
function saveFile(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function CertificatesContainer({ api = getApi() }: { readonly api?: CertificatesApi }) {
  const [own, setOwn] = useState<CertificateInfo | null>(null);
  const [servers, setServers] = useState<readonly ServerCertificate[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [trusting, setTrusting] = useState<string | null>(null);
  const [trustError, setTrustError] = useState<CertificatesPanelProps['trustError']>(null);
  const link = useConsoleStore((s) => s.link);

  const refresh = useCallback(() => {
    api.listCertificates().then(
      (list) => {
        setOwn(list.own);
        setServers(list.servers);
        setLoadError(null);
      },
      (error: Error) => setLoadError(error.message),
    );
  }, [api]);

  useEffect(() => {
    if (link !== 'open') return undefined;
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [link, refresh]);

  const onTrust = useCallback((thumbprint: string, reason: string) => {
    setTrusting(thumbprint);
    setTrustError(null);
    api.trustCertificate({ thumbprint, reason }).then(
      () => {
        setTrusting(null);
        refresh();
      },
      (error: Error) => {
        setTrusting(null);
        // Not logged in or session expired: back to the login form, and the panel says why.
        setTrustError({ thumbprint, message: commandFailed(error) });
      },
    );
  }, [api, refresh]);

  const onDownloadOwn = useCallback(() => {
    api.exportOwnCertificate().then(
      (own) => saveFile(own.pem, own.fileName, 'application/x-x509-ca-cert'),
      (error: Error) => setLoadError(error.message),
    );
  }, [api]);

  return <CertificatesPanel own={own} servers={servers} loadError={loadError} trusting={trusting} trustError={trustError} onTrust={onTrust} onDownloadOwn={onDownloadOwn} />;
}
