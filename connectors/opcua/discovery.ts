// Endpoint discovery: a short-lived unsecured connection that only asks the server for its endpoints
// (GetEndpoints is allowed without security), so the source can pick the endpoint matching its settings and
// check the server certificate before it opens a secure channel.
import { OPCUAClient, type EndpointDescription } from 'node-opcua';
import type { OpcuaPki } from './pki.js';
import { OPCUA_APPLICATION_NAME } from './pki.js';

export async function discoverEndpoints(endpointUrl: string, pki: OpcuaPki): Promise<EndpointDescription[]> {
  const client = OPCUAClient.create({
    applicationName: OPCUA_APPLICATION_NAME,
    applicationUri: pki.applicationUri,
    certificateFile: pki.certificateFile,
    privateKeyFile: pki.privateKeyFile,
    clientCertificateManager: pki.certificateManager,
    endpointMustExist: false,
    // One attempt: the source's own loop retries with backoff and reports every failure.
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  try {
    await client.connect(endpointUrl);
    return await client.getEndpoints();
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}
