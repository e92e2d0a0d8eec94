// The demo plant for newcomers and end-to-end tests: an embedded broker, the simulated lines (OPC UA + MES
// publisher) and the ERP simulator, plus the agent configuration that connects to them.
// The OPC UA source uses the secure default (SignAndEncrypt, Basic256Sha256): the demo server's certificate is
// trusted the way an engineer would do it out of band, by copying it into PlantDesk's trusted/ folder.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PLANT, DEMO_ORDERS } from '../../sim/demoData.js';
import { startErpSimulator } from '../../sim/erp/index.js';
import { DEMO_OPCUA_NODES, DEMO_SPARKPLUG_GROUP, startDemoBroker, startDemoPlant, startSparkplugEdge } from '../../sim/plant/index.js';
import type { AgentConfigInput } from '../agent/index.js';

/** The demo agent's Sparkplug host id, which the demo edge node waits for as its primary host. */
export const DEMO_SPARKPLUG_HOST_ID = 'plantdesk-demo';

export interface DemoEnvironment {
  readonly config: AgentConfigInput;
  stop(): Promise<void>;
}

/** Where the demo server (sim/plant/opcuaServer.ts) keeps its certificate under its pkiDir (node-opcua's layout). */
export function demoServerCertificateFile(serverPkiDir: string): string {
  return join(serverPkiDir, 'server', 'own', 'certs', 'certificate.pem');
}

/**
 * @param pkiDir the demo OPC UA server's PKI
 * @param agentPkiDir PlantDesk's OPC UA PKI (opcuaPkiDir(dataDir)); the demo server's certificate is copied into its
 *   trusted/certs. Without it the demo falls back to an unsecured connection (allowInsecure, shown as a warning).
 */
export async function startDemoEnvironment(pkiDir: string, agentPkiDir?: string): Promise<DemoEnvironment> {
  const broker = await startDemoBroker({ port: 0 });
  const erp = await startErpSimulator({ port: 0 });
  const plant = await startDemoPlant({ brokerUrl: broker.url, pkiDir, intervalMs: 5000, faultEvery: 7 });
  // A Sparkplug B edge node publishing the same lines' counters; it births once PlantDesk's host says it is online.
  const edge = await startSparkplugEdge({ brokerUrl: broker.url, model: plant.model, intervalMs: 3000, primaryHostId: DEMO_SPARKPLUG_HOST_ID });
  if (agentPkiDir) {
    const trusted = join(agentPkiDir, 'trusted', 'certs');
    mkdirSync(trusted, { recursive: true });
    copyFileSync(demoServerCertificateFile(pkiDir), join(trusted, 'demo-plant-server.pem'));
  }
  const security = agentPkiDir
    ? ({ securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' } as const)
    : ({ securityMode: 'None', securityPolicy: 'None', allowInsecure: true } as const);
  const lines = [...new Set(DEMO_ORDERS.filter((o) => o.status === 'released').map((o) => o.line))];
  const config: AgentConfigInput = {
    plant: DEMO_PLANT,
    opcua: [{
      name: 'demo-plc',
      endpoint: plant.opcuaEndpoint,
      ...security,
      lines: lines.map((line) => {
        const nodes = DEMO_OPCUA_NODES(line);
        // The demo MES already confirms what the lines make; counter confirmations as well would post it twice.
        return { line, good: nodes.goodCount, scrap: nodes.scrapCount, state: nodes.state, stateReason: nodes.stateReason, order: nodes.currentOrder, dispatchOrder: nodes.dispatchOrder, confirmEveryS: 0 };
      }),
    }],
    mqtt: [{
      name: 'demo-mes',
      url: broker.url,
      clientId: 'plantdesk-demo',
      topics: [
        { filter: `plantdesk/demo/${DEMO_PLANT}/+/confirmation`, type: 'confirmation' },
        { filter: `plantdesk/demo/${DEMO_PLANT}/+/quality`, type: 'quality' },
      ],
    }],
    sparkplug: [{ name: 'demo-edge', url: broker.url, clientId: 'plantdesk-demo-spb', hostId: DEMO_SPARKPLUG_HOST_ID, groups: [DEMO_SPARKPLUG_GROUP] }],
    erp: { kind: 'sap-odata', baseUrl: erp.url, sapClient: '100', ordersRefreshS: 30, postIntervalMs: 1000 },
  };
  return {
    config,
    async stop() {
      await edge.stop();
      await plant.stop();
      await erp.stop();
      await broker.stop();
    },
  };
}
