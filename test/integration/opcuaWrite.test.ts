// Writing to a mapped OPC UA node (issue 3) against the demo plant's real OPC UA server over SignAndEncrypt,
// through the agent: a good write lands (read back by an independent client) and is audited before and after;
// a wrong type, a mapped node not marked writable and a node not in the configuration are refused before anything
// is sent; a node the server keeps read-only is refused by the server in plain words (and audited); while the
// server is down the write is refused and never replayed after the reconnect.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, MessageSecurityMode, OPCUAClient, OPCUACertificateManager, SecurityPolicy } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_COMMAND_ROUTES, COMMAND_ROLES, type Caller, type WriteNodeArgs } from '../../domain/index.js';
import { listAudit } from '../../local-store/index.js';
import { callApi, type ServedApi } from '../../main/agent/apiDispatch.js';
import type { ApiService } from '../../main/agent/apiService.js';
import { ConfigSchema, createLogger, opcuaPkiDir, startAgent, type Agent, type AgentConfigInput } from '../../main/agent/index.js';
import { demoServerCertificateFile } from '../../main/console/demo.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { DEMO_OPCUA_NODES, findFreePort, LineModel, startPlantOpcuaServer, type PlantOpcuaServer } from '../../sim/plant/index.js';
import { waitFor } from '../helpers/consoleProcess.js';

/** Commands run for a logged-in user; the role check itself is the last test's subject. */
const SUPERVISOR: Caller = { user: 'sue', roles: ['supervisor'], sessionId: 'test-session' };

const L1 = DEMO_OPCUA_NODES('L1');
const L2 = DEMO_OPCUA_NODES('L2');

describe('OPC UA write to a configured writable node (agent, demo server, SignAndEncrypt)', () => {
  let dir: string;
  let port: number;
  let model: LineModel;
  let demo: PlantOpcuaServer | undefined;
  let erp: ErpSimulator;
  let agent: Agent;

  const startDemo = async (): Promise<void> => {
    demo = await startPlantOpcuaServer({ model, port, pkiDir: join(dir, 'demo-server-pki') });
  };
  // The agent's API object is the ApiService behind a proxy: the caller goes where apiDispatch would put it.
  const write = (args: Partial<WriteNodeArgs>): ReturnType<ApiService['writeNode']> =>
    (agent.api as unknown as ApiService).writeNode({ source: 'plant', nodeId: L1.dispatchOrder, value: '1000123', reason: 'dispatch the next order', ...args } as WriteNodeArgs, SUPERVISOR);
  const state = async (): Promise<string> => (await agent.api.getDashboard()).connections.find((c) => c.name === 'plant')!.state;
  const auditCount = (): number => listAudit(agent.db, 1000).length;

  /** Reads a node's value with a separate client (security None), not through the agent's session. */
  const readIndependently = async (nodeId: string): Promise<unknown> => {
    const certificateManager = new OPCUACertificateManager({ rootFolder: join(dir, 'reader-pki'), automaticallyAcceptUnknownCertificate: true });
    const client = OPCUAClient.create({ endpointMustExist: false, securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None, clientCertificateManager: certificateManager, connectionStrategy: { maxRetry: 3 } });
    try {
      await client.connect(demo!.endpointUrl);
      const session = await client.createSession();
      const dataValue = await session.read({ nodeId, attributeId: AttributeIds.Value });
      await session.close();
      return dataValue.value.value;
    } finally {
      await client.disconnect();
      await certificateManager.dispose();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plantdesk-opcua-write-'));
    port = await findFreePort();
    model = new LineModel({ speed: 20, seed: 11 });
    await startDemo();
    model.start(); // counters keep changing, so the source is not shown stale
    erp = await startErpSimulator({ port: 0 });
    const dataDir = join(dir, 'data');
    const trusted = join(opcuaPkiDir(dataDir), 'trusted', 'certs');
    mkdirSync(trusted, { recursive: true });
    copyFileSync(demoServerCertificateFile(join(dir, 'demo-server-pki')), join(trusted, 'demo.pem'));
    const config: AgentConfigInput = {
      plant: '1010',
      opcua: [{
        name: 'plant', endpoint: demo!.endpointUrl, samplingIntervalMs: 100, publishingIntervalMs: 200,
        lines: [{ line: 'L1', good: L1.goodCount, scrap: L1.scrapCount, state: L1.state, dispatchOrder: L1.dispatchOrder, confirmEveryS: 0 }],
        // Configured writable, but read-only on the server: the server's answer is what the supervisor sees.
        writable: [{ nodeId: L2.goodCount, name: 'L2 good counter' }],
      }],
      mqtt: [],
      erp: { kind: 'sap-odata', baseUrl: erp.url, sapClient: '100' },
    };
    agent = await startAgent({ config: ConfigSchema.parse(config), dataDir, logger: createLogger('silent'), version: 'test' });
    await waitFor(async () => ((await state()) === 'connected' ? true : undefined), 20_000, 'the source to connect');
  }, 40_000);

  afterAll(async () => {
    await agent?.stop();
    model?.stop();
    await demo?.stop();
    await erp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is a command for supervisors and engineers with a POST route', () => {
    expect(COMMAND_ROLES.writeNode).toEqual(['supervisor', 'engineer']);
    expect(API_COMMAND_ROUTES.writeNode).toBe('/api/v1/opcua/write');
  });

  it('writes an order number that lands on the server, audited before and after with one correlation id', async () => {
    const before = auditCount();
    const result = await write({ value: '1000123' });
    expect(result).toMatchObject({ source: 'plant', nodeId: L1.dispatchOrder, dataType: 'String', valueBefore: '', valueAfter: '1000123', statusCode: 'Good' });
    expect(await readIndependently(L1.dispatchOrder)).toBe('1000123');

    const [outcome, intent] = listAudit(agent.db, 2);
    expect(auditCount()).toBe(before + 2);
    expect(intent).toMatchObject({
      seq: result.auditSeq, actor: SUPERVISOR.user, action: 'opcua.write', subject: `opcua:plant:${L1.dispatchOrder}`,
      before: { value: '', dataType: 'String' }, after: { value: '1000123' }, reason: 'dispatch the next order', correlationId: result.correlationId,
    });
    expect(outcome).toMatchObject({ seq: result.resultAuditSeq, action: 'opcua.write.result', correlationId: result.correlationId, after: { outcome: 'written', statusCode: 'Good', value: '1000123' } });

    // A second order: the value before is the first one, read from the server.
    const second = await write({ value: '1000124', reason: 'order 1000123 finished' });
    expect(second.valueBefore).toBe('1000123');
    expect(await readIndependently(L1.dispatchOrder)).toBe('1000124');
  });

  it('refuses a value of the wrong type, naming the node and the expected type, and sends nothing', async () => {
    const before = auditCount();
    await expect(write({ value: 1000125 })).rejects.toThrow(`${L1.dispatchOrder} expects a String: text in quotes, not the number 1000125`);
    await expect(write({ value: true })).rejects.toThrow(/expects a String.*not the boolean true/);
    expect(auditCount()).toBe(before);
    expect(await readIndependently(L1.dispatchOrder)).toBe('1000124');
  });

  it('refuses a mapped node that is not marked writable, and a node not in the configuration', async () => {
    const before = auditCount();
    await expect(write({ nodeId: L1.goodCount, value: 0 })).rejects.toThrow(`${L1.goodCount} is mapped as L1 good on source plant but not marked writable; writable nodes: ${L1.dispatchOrder} (L1 dispatchOrder), ${L2.goodCount} (L2 good counter)`);
    await expect(write({ nodeId: L2.dispatchOrder })).rejects.toThrow(`${L2.dispatchOrder} is not in the configuration of source plant`);
    await expect(write({ source: 'nope' })).rejects.toThrow('no OPC UA source named nope; configured: plant');
    await expect(write({ reason: '' })).rejects.toThrow(/say why this value is written/);
    expect(auditCount()).toBe(before);
    expect(await readIndependently(L2.dispatchOrder)).toBe('');
  });

  it("reports the server's refusal in plain words (BadNotWritable) and audits the attempt", async () => {
    const before = auditCount();
    await expect(write({ nodeId: L2.goodCount, value: 5 })).rejects.toThrow(/the server refused the write of 5 to ns=1;s=L2.GoodCount on plant: BadNotWritable: the node is read-only on the server/);
    const [outcome, intent] = listAudit(agent.db, 2);
    expect(auditCount()).toBe(before + 2);
    expect(intent).toMatchObject({ action: 'opcua.write', before: { dataType: 'UInt32' }, after: { value: 5 } });
    expect(outcome).toMatchObject({ action: 'opcua.write.result', correlationId: intent!.correlationId, after: { outcome: 'refused', statusCode: 'BadNotWritable' } });
  });

  it('is checked against COMMAND_ROLES and audited under the caller: an operator is refused, a supervisor writes', async () => {
    const callers: Record<string, Caller> = {
      'token-olaf': { user: 'olaf', roles: ['operator'], sessionId: 's1' },
      'token-sue': { user: 'sue', roles: ['supervisor'], sessionId: 's2' },
    };
    // The agent's API behind a session gate that knows two users (the account store is issue 6's).
    const served = Object.assign(Object.create(agent.api) as ServedApi, {
      auth: { authenticate: (token: string | undefined): Caller => callers[token ?? ''] ?? (() => { throw new Error('unknown token'); })() },
    });
    const params = { source: 'plant', nodeId: L1.dispatchOrder, value: '1000130', reason: 'dispatch by the shift supervisor' };
    const before = auditCount();
    expect(await callApi(served, 'writeNode', params, { allowCommands: true, token: 'token-olaf' })).toEqual({
      ok: false, error: { code: 'forbidden', message: 'writeNode needs the role supervisor or engineer; olaf has operator' },
    });
    expect(auditCount()).toBe(before);
    expect(await callApi(served, 'writeNode', params, { allowCommands: true, token: 'token-sue' })).toMatchObject({ ok: true, value: { valueAfter: '1000130' } });
    expect(listAudit(agent.db, 2).map((e) => e.actor)).toEqual(['sue', 'sue']);
    expect(await readIndependently(L1.dispatchOrder)).toBe('1000130');
  });

  it('refuses a write while the server is down and never sends it after the reconnect', async () => {
    await demo!.stop();
    demo = undefined;
    await waitFor(async () => ((await state()) !== 'connected' ? true : undefined), 15_000, 'the agent to see the server gone');
    const before = auditCount();
    await expect(write({ value: '9999999' })).rejects.toThrow(/OPC UA source plant is not connected.*the write to ns=1;s=L1.DispatchOrder was not sent/);
    expect(auditCount()).toBe(before);

    await startDemo(); // a new server instance on the same port; DispatchOrder starts empty
    await waitFor(async () => ((await state()) === 'connected' ? true : undefined), 30_000, 'the reconnect');
    await new Promise((r) => setTimeout(r, 1000)); // node-opcua replays held requests right after a repair
    expect(await readIndependently(L1.dispatchOrder)).toBe('');
    const after = await write({ value: '1000200', reason: 'dispatch after the restart' });
    expect(await readIndependently(L1.dispatchOrder)).toBe('1000200');
    expect(after).toMatchObject({ valueBefore: '', valueAfter: '1000200' });
  }, 60_000);
});
