// One event end to end with real parts: mosquitto, the demo plant's OPC UA server and MES publisher, the ERP
// simulator over HTTP, and the agent as a child process (`plantdesk console --config`).
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardSnapshot, EventSummary, Health, QueueCounts } from '../../domain/index.js';
import { opcuaPkiDir } from '../../main/agent/index.js';
import { demoServerCertificateFile } from '../../main/console/demo.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { DEMO_OPCUA_NODES, startDemoPlant, type DemoPlant } from '../../sim/plant/index.js';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe('agent end to end against real broker, OPC UA server and ERP simulator', () => {
  let broker: Mosquitto;
  let erp: ErpSimulator;
  let plant: DemoPlant;
  let agent: ConsoleProcess;

  beforeAll(async () => {
    broker = await startMosquitto();
    erp = await startErpSimulator({ port: 0 });
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-e2e-agent-'));
    // Every 2nd confirmation is deliberately wrong, cycling unknown order, unit mismatch, malformed payloads.
    plant = await startDemoPlant({ brokerUrl: broker.url, speed: 5, intervalMs: 400, faultEvery: 2, pkiDir: join(dataDir, 'sim-pki') });
    // OPC UA is SignAndEncrypt by default: trust the demo server's certificate the way an engineer would, by file.
    const trusted = join(opcuaPkiDir(dataDir), 'trusted', 'certs');
    mkdirSync(trusted, { recursive: true });
    copyFileSync(demoServerCertificateFile(join(dataDir, 'sim-pki')), join(trusted, 'demo-plant.pem'));
    const nodes = DEMO_OPCUA_NODES('L1');
    const configFile = join(dataDir, 'plant.yaml');
    writeFileSync(configFile, `
plant: "1010"
opcua:
  - name: plc-1
    endpoint: ${plant.opcuaEndpoint}
    samplingIntervalMs: 100
    publishingIntervalMs: 200
    lines:
      - line: L1
        good: "${nodes.goodCount}"
        scrap: "${nodes.scrapCount}"
        state: "${nodes.state}"
        order: "${nodes.currentOrder}"
        confirmEveryS: 0
mqtt:
  - name: mes
    url: ${broker.url}
    clientId: plantdesk-e2e
    topics:
      - filter: plantdesk/demo/1010/+/confirmation
        type: confirmation
      - filter: plantdesk/demo/1010/+/quality
        type: quality
erp:
  kind: sap-odata
  baseUrl: ${erp.url}
  sapClient: "100"
  postIntervalMs: 200
`);
    agent = await startConsole(['--config', configFile, '--data', dataDir, '--port', '0']);
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await plant?.stop();
    await erp?.stop();
    await broker?.stop();
  });

  it('posts a confirmation from the plant and records the ERP confirmation number', async () => {
    const posted = await waitFor(async () => {
      const events = await getJson<EventSummary[]>(`${agent.url}/api/v1/events?status=posted&limit=5`);
      return events[0];
    }, 30_000, 'a posted confirmation');
    expect(posted.erpDocument).toMatch(/^\d{10}\/\d{8}$/);
    // The ERP received exactly this record, keyed by our event id, with the number we recorded.
    const inErp = erp.received.filter((r) => r.externalSystemConfirmation === posted.eventId);
    expect(inErp).toHaveLength(1);
    expect(`${inErp[0]!.confirmationGroup}/${inErp[0]!.confirmationCount}`).toBe(posted.erpDocument);
    expect(Number(inErp[0]!.yieldQuantity)).toBe(posted.quantity);
  });

  it('carries one correlation id from the MQTT message to the ERP document in the logs', async () => {
    const [posted] = await getJson<EventSummary[]>(`${agent.url}/api/v1/events?status=posted&limit=1`);
    const linesOf = (): { msg: string; erpDocument?: string }[] =>
      agent.output().split('\n').filter((line) => line.includes(posted!.correlationId)).map((line) => JSON.parse(line) as { msg: string; erpDocument?: string });
    // The API can show the record posted a moment before the log line reaches this process's pipe.
    const lines = await waitFor(() => {
      const found = linesOf();
      return found.some((l) => l.msg === 'confirmation posted to the ERP') ? found : undefined;
    }, 10_000, 'the posting log line');
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['message committed and mapped', 'confirmation validated, ready to post', 'confirmation posted to the ERP']));
    expect(lines.find((l) => l.erpDocument)?.erpDocument).toBe(posted!.erpDocument);
  });

  it('turns the deliberately wrong messages into exceptions and rejections with reasons', async () => {
    const exceptions = await waitFor(async () => {
      const events = await getJson<EventSummary[]>(`${agent.url}/api/v1/events?status=exception&limit=50`);
      const codes = new Set(events.flatMap((e) => e.reasons.map((r) => r.code)));
      return codes.has('ORDER_UNKNOWN') && codes.has('UNIT_MISMATCH') ? events : undefined;
    }, 30_000, 'exceptions for unknown order and unit mismatch');
    expect(exceptions.every((e) => e.reasons.every((r) => r.message.length > 10))).toBe(true);
    const queue = await waitFor(async () => {
      const q = await getJson<QueueCounts>(`${agent.url}/api/v1/queue`);
      return q.rejected > 0 ? q : undefined;
    }, 30_000, 'a rejected malformed message');
    expect(queue.posted).toBeGreaterThan(0);
    expect(queue.exception).toBeGreaterThanOrEqual(2);
  });

  it('shows live line data from OPC UA and the state of every connection', async () => {
    const dashboard = await waitFor(async () => {
      const d = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
      const l1 = d.lines.find((l) => l.line === 'L1');
      return l1 && (l1.good ?? 0) > 0 && d.connections.every((c) => c.state === 'connected') ? d : undefined;
    }, 30_000, 'L1 counts and all connections connected');
    const l1 = dashboard.lines.find((l) => l.line === 'L1')!;
    expect(l1.orderId).toBe('1000001');
    expect(['running', 'idle', 'down']).toContain(l1.state);
    expect(dashboard.connections.map((c) => c.kind).sort()).toEqual(['erp', 'mqtt', 'opcua']);
    const health = await getJson<Health>(`${agent.url}/api/v1/health`);
    expect(health).toMatchObject({ status: 'ok', demo: false });
  });
});
