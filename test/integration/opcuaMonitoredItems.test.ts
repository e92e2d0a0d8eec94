// Monitored items are created in batches and awaited before the source says connected: an item the server refuses
// (a node id it does not know) is named on the connection, and the other items of the same batch deliver.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, createLogger, opcuaPkiDir, startAgent, type Agent, type AgentConfigInput } from '../../main/agent/index.js';
import { demoServerCertificateFile } from '../../main/console/demo.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { DEMO_OPCUA_NODES, LineModel, startPlantOpcuaServer, type PlantOpcuaServer } from '../../sim/plant/index.js';
import { waitFor } from '../helpers/consoleProcess.js';

describe('OPC UA monitored items the server refuses', () => {
  let dir: string;
  let model: LineModel;
  let demo: PlantOpcuaServer;
  let erp: ErpSimulator;
  let agent: Agent;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plantdesk-opcua-items-'));
    model = new LineModel({ speed: 20, seed: 5 });
    demo = await startPlantOpcuaServer({ model, pkiDir: join(dir, 'demo-server-pki') });
    model.start();
    erp = await startErpSimulator({ port: 0 });
    const dataDir = join(dir, 'data');
    const trusted = join(opcuaPkiDir(dataDir), 'trusted', 'certs');
    mkdirSync(trusted, { recursive: true });
    copyFileSync(demoServerCertificateFile(join(dir, 'demo-server-pki')), join(trusted, 'demo.pem'));
    const l1 = DEMO_OPCUA_NODES('L1');
    const config: AgentConfigInput = {
      plant: '1010',
      opcua: [{
        name: 'plant', endpoint: demo.endpointUrl, samplingIntervalMs: 50, publishingIntervalMs: 100,
        lines: [{ line: 'L1', good: l1.goodCount, scrap: 'ns=1;s=L1.NoSuchCounter', state: l1.state, confirmEveryS: 0 }],
      }],
      mqtt: [],
      erp: { kind: 'sap-odata', baseUrl: erp.url, sapClient: '100' },
    };
    agent = await startAgent({ config: ConfigSchema.parse(config), dataDir, logger: createLogger('silent'), version: 'test' });
  }, 40_000);

  afterAll(async () => {
    await agent?.stop();
    model?.stop();
    await demo?.stop();
    await erp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names the refused node on the connection while the other items deliver', async () => {
    const connection = await waitFor(async () => {
      const c = (await agent.api.getDashboard()).connections.find((x) => x.name === 'plant');
      return c?.state === 'error' ? c : undefined;
    }, 20_000, 'the refused item on the connection');
    expect(connection.lastError).toMatch(/^the server refused 1 monitored item\(s\): ns=1;s=L1\.NoSuchCounter: BadNodeIdUnknown/);
    const line = await waitFor(async () => {
      const l1 = (await agent.api.getDashboard()).lines.find((l) => l.line === 'L1');
      return l1?.good !== null && l1?.state !== 'unknown' ? l1 : undefined;
    }, 20_000, 'values of the good counter and the state');
    expect(line.good).toBeGreaterThanOrEqual(0);
  });
});
