// A node-opcua server for tests, with its own PKI in a temp dir: chosen security modes and policies, optional
// user manager, and one counter that ticks every 100 ms (ns=1;s=Test.Counter) so a client sees data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, type UserManagerOptions } from 'node-opcua';
import { findFreePort } from '../../sim/plant/index.js';

export interface TestOpcuaServerOptions {
  readonly securityModes?: readonly MessageSecurityMode[];
  readonly securityPolicies?: readonly SecurityPolicy[];
  readonly allowAnonymous?: boolean;
  /** e.g. { isValidUser: (user, password) => user === 'op' && password === 'secret' } */
  readonly userManager?: UserManagerOptions;
}

export interface TestOpcuaServer {
  readonly endpointUrl: string;
  /** PEM file of the server's own certificate. */
  readonly certificateFile: string;
  stop(): Promise<void>;
}

export const TEST_COUNTER_NODE = 'ns=1;s=Test.Counter';

export async function startTestOpcuaServer(options: TestOpcuaServerOptions = {}): Promise<TestOpcuaServer> {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-test-ua-'));
  const port = await findFreePort();
  const server = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    alternateHostname: ['127.0.0.1'],
    securityModes: [...(options.securityModes ?? [MessageSecurityMode.SignAndEncrypt])],
    securityPolicies: [...(options.securityPolicies ?? [SecurityPolicy.Basic256Sha256])],
    allowAnonymous: options.allowAnonymous ?? true,
    ...(options.userManager ? { userManager: options.userManager } : {}),
    // The server trusts any client (PlantDesk's trust decisions are what the tests look at) and any user certificate.
    serverCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'server'), automaticallyAcceptUnknownCertificate: true }),
    userCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'user'), automaticallyAcceptUnknownCertificate: true }),
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const ns = addressSpace.getOwnNamespace();
  const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Test', nodeId: 's=Test' });
  const counter = ns.addVariable({ componentOf: folder, browseName: 'Counter', nodeId: 's=Test.Counter', dataType: 'UInt32', minimumSamplingInterval: 0 });
  let value = 0;
  counter.setValueFromSource({ dataType: DataType.UInt32, value });
  const timer = setInterval(() => counter.setValueFromSource({ dataType: DataType.UInt32, value: ++value }), 100);
  await server.start();
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    certificateFile: join(dir, 'server', 'own', 'certs', 'certificate.pem'),
    async stop() {
      clearInterval(timer);
      await server.shutdown(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
