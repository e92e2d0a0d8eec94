// A node-opcua server for benchmarks, in its own process: N Double variables (ns=1;s=Load.<i>) that all change
// every intervalMs, to tick + i/N: the whole part says which tick a value belongs to, so a client can count how
// many of the values of chosen ticks it received (bench/opcua.ts). Prints "READY <endpoint>" when listening.
// Usage: node opcuaLoadServer.js N INTERVAL_MS PKI_DIR
import { join } from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, StatusCodes, Variant, type UAVariable } from 'node-opcua';

const [countText, intervalText, pkiDir] = process.argv.slice(2);
const count = Number(countText);
const intervalMs = Number(intervalText);
if (!Number.isInteger(count) || !Number.isInteger(intervalMs) || !pkiDir) {
  console.error('usage: opcuaLoadServer.js N INTERVAL_MS PKI_DIR');
  process.exit(2);
}

const server = new OPCUAServer({
  port: 0 as number,
  host: '127.0.0.1',
  hostname: '127.0.0.1',
  resourcePath: '/UA/Load',
  serverCertificateManager: new OPCUACertificateManager({ rootFolder: join(pkiDir, 'server'), automaticallyAcceptUnknownCertificate: true }),
  userCertificateManager: new OPCUACertificateManager({ rootFolder: join(pkiDir, 'user'), automaticallyAcceptUnknownCertificate: true }),
  maxConnectionsPerEndpoint: 10,
  serverCapabilities: { maxMonitoredItemsPerSubscription: 20_000, maxMonitoredItems: 50_000 } as never,
});
await server.initialize();
const addressSpace = server.engine.addressSpace!;
const ns = addressSpace.getOwnNamespace();
const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Load', nodeId: 's=Load' });
const variables: UAVariable[] = [];
for (let i = 0; i < count; i++) {
  variables.push(ns.addVariable({ componentOf: folder, browseName: `Load.${i}`, nodeId: `s=Load.${i}`, dataType: 'Double', value: { dataType: DataType.Double, value: 0 } }));
}
let tick = 0;
setInterval(() => {
  tick++;
  const now = new Date();
  for (let i = 0; i < variables.length; i++) {
    variables[i]!.setValueFromSource(new Variant({ dataType: DataType.Double, value: tick + i / variables.length }), StatusCodes.Good, now);
  }
}, intervalMs);
await server.start();
console.log(`READY ${server.getEndpointUrl()}`);
process.on('SIGTERM', () => void server.shutdown(0).then(() => process.exit(0)));
