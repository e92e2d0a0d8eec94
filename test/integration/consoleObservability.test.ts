// Issue 7 for IT: /metrics scraped from a running agent (real mosquitto with a password, the demo plant's OPC UA
// server and MES publisher, the ERP simulator with basic auth over HTTP), and the diagnostics bundle, orders,
// trace and quality views of the same agent. The configuration carries secrets: none may leave in the bundle.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticsBundle, EventSummary, OrderProgress, QualitySummary, RecordTrace } from '../../domain/index.js';
import { opcuaPkiDir } from '../../main/agent/index.js';
import { demoServerCertificateFile } from '../../main/console/demo.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { DEMO_OPCUA_NODES, startDemoPlant, type DemoPlant } from '../../sim/plant/index.js';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';
import { createPasswordFile, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const MQTT_PASSWORD = 'mqtt-Pw-7f3c91';
const ERP_PASSWORD = 'erp-Pw-2b8d44';
const OPCUA_USER_PASSWORD = 'opc-Pw-5e1a0c';

/** Prometheus text format: `name{labels} value` lines; # HELP and # TYPE skipped. */
function parseMetrics(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    return { name: match[1]!, labels, value: Number(match[3]) };
  });
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status, `${url}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

describe('console observability against a running agent', () => {
  let broker: Mosquitto;
  let erp: ErpSimulator;
  let plant: DemoPlant;
  let agent: ConsoleProcess;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-observe-'));
    broker = await startMosquitto({ passwordFile: createPasswordFile(dataDir, { plantdesk: MQTT_PASSWORD, sim: 'sim-pw' }) });
    erp = await startErpSimulator({ port: 0, username: 'PLANTDESK', password: ERP_PASSWORD });
    const brokerForSim = broker.url.replace('mqtt://', 'mqtt://sim:sim-pw@');
    plant = await startDemoPlant({ brokerUrl: brokerForSim, speed: 5, intervalMs: 300, faultEvery: 3, pkiDir: join(dataDir, 'sim-pki') });
    const trusted = join(opcuaPkiDir(dataDir), 'trusted', 'certs');
    mkdirSync(trusted, { recursive: true });
    copyFileSync(demoServerCertificateFile(join(dataDir, 'sim-pki')), join(trusted, 'demo-plant.pem'));
    const nodes = DEMO_OPCUA_NODES('L1');
    const configFile = join(dataDir, 'plant.yaml');
    // The OPC UA user identity is anonymous on the wire (the demo server allows it); a second, unreachable source
    // carries a username and password only to prove the bundle hides them.
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
  - name: plc-secret
    endpoint: opc.tcp://127.0.0.1:1
    userIdentity: { type: username, username: opc, password: "${OPCUA_USER_PASSWORD}" }
    lines:
      - { line: L9, good: "ns=1;s=L9.Good", scrap: "ns=1;s=L9.Scrap" }
mqtt:
  - name: mes
    url: ${broker.url}
    clientId: plantdesk-observe
    username: plantdesk
    password: "${MQTT_PASSWORD}"
    topics:
      - filter: plantdesk/demo/1010/+/confirmation
        type: confirmation
      - filter: plantdesk/demo/1010/+/quality
        type: quality
erp:
  kind: sap-odata
  baseUrl: ${erp.url}
  sapClient: "100"
  username: PLANTDESK
  password: "${ERP_PASSWORD}"
  postIntervalMs: 200
`);
    agent = await startConsole(['--config', configFile, '--data', dataDir, '--port', '0']);
    await waitFor(async () => {
      const events = await getJson<EventSummary[]>(`${agent.url}/api/v1/events?status=posted&limit=1`);
      return events[0];
    }, 30_000, 'a posted confirmation');
  }, 60_000);

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await plant?.stop();
    await erp?.stop();
    await broker?.stop();
  });

  it('serves /metrics in Prometheus text format with queue, ERP, connection, certificate and capacity series', async () => {
    const res = await fetch(`${agent.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(await res.text());
    const one = (name: string, labels: Record<string, string> = {}): number | undefined =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(one('plantdesk_queue_events', { status: 'posted' })).toBeGreaterThan(0);
    for (const status of ['mapped', 'ready', 'exception', 'sending', 'voided', 'recorded']) expect(one('plantdesk_queue_events', { status })).toBeGreaterThanOrEqual(0);
    expect(one('plantdesk_rejected_messages')).toBeGreaterThanOrEqual(0);
    expect(one('plantdesk_queue_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(one('plantdesk_erp_posted_total')).toBeGreaterThan(0);
    expect(one('plantdesk_erp_request_duration_seconds_count', { operation: 'post', outcome: 'ok' })).toBeGreaterThan(0);
    expect(one('plantdesk_erp_request_duration_seconds_bucket', { operation: 'post', outcome: 'ok', le: '+Inf' })).toBe(one('plantdesk_erp_request_duration_seconds_count', { operation: 'post', outcome: 'ok' }));
    expect(one('plantdesk_erp_state', { state: 'online' })).toBe(1);
    expect(one('plantdesk_connection_state', { kind: 'mqtt', name: 'mes', state: 'connected' })).toBe(1);
    expect(one('plantdesk_connection_state', { kind: 'mqtt', name: 'mes', state: 'error' })).toBe(0);
    expect(one('plantdesk_connection_state', { kind: 'opcua', name: 'plc-secret', state: 'connected' })).toBe(0);
    expect(one('plantdesk_connection_data_age_seconds', { kind: 'mqtt', name: 'mes' })).toBeLessThan(30);
    const own = samples.find((s) => s.name === 'plantdesk_certificate_days_to_expiry' && s.labels.role === 'own');
    expect(own?.value).toBeGreaterThan(30);
    expect(one('plantdesk_certificate_days_to_expiry', { role: 'server', status: 'trusted' })).toBeGreaterThan(0);
    expect(one('plantdesk_telemetry_shed_rows')).toBe(0);
    expect(one('plantdesk_intake_paused')).toBe(0);
    expect(one('plantdesk_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.filter((s) => s.name === 'plantdesk_metrics_source_errors').every((s) => s.value === 0)).toBe(true);
  });

  it('refuses /metrics to a foreign Host header and to anything but GET', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${agent.url}/metrics`);
      request({ host: url.hostname, port: url.port, path: '/metrics', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(403);
    expect((await fetch(`${agent.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('exports a diagnostics bundle with logs, queue, versions and the configuration without any secret', async () => {
    const res = await fetch(`${agent.url}/api/v1/diagnostics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of [MQTT_PASSWORD, ERP_PASSWORD, OPCUA_USER_PASSWORD]) expect(text).not.toContain(secret);
    const bundle = JSON.parse(text) as DiagnosticsBundle;
    const config = bundle.config as { mqtt: { password: string; username: string }[]; erp: { password: string }; opcua: { userIdentity: { password?: string } }[] };
    expect(config.mqtt[0]!.password).toBe('***');
    expect(config.mqtt[0]!.username).toBe('plantdesk');
    expect(config.erp.password).toBe('***');
    expect(config.opcua[1]!.userIdentity.password).toBe('***');
    expect(bundle.versions.node).toBe(process.versions.node);
    expect(bundle.versions.schemaVersion).toBeGreaterThan(0);
    expect(bundle.versions.app).toMatch(/^\d+\.\d+\.\d+/);
    expect(bundle.queue.posted).toBeGreaterThan(0);
    expect(bundle.logs.some((line) => line.includes('agent started'))).toBe(true);
    expect(bundle.logs.every((line) => JSON.parse(line) !== null)).toBe(true);
  });

  it('lists orders with progress and traces a posted record from the MQTT message to the ERP document', async () => {
    const orders = await getJson<OrderProgress[]>(`${agent.url}/api/v1/orders`);
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.some((o) => o.postedQty > 0 && o.status !== 'released')).toBe(true);
    const [posted] = await getJson<EventSummary[]>(`${agent.url}/api/v1/events?status=posted&limit=1`);
    const trace = await getJson<RecordTrace>(`${agent.url}/api/v1/trace?id=${posted!.correlationId}`);
    expect(trace.correlationId).toBe(posted!.correlationId);
    expect(trace.source?.source).toBe('mes');
    expect(trace.source?.channel).toMatch(/confirmation$/);
    expect(trace.events[0]!.erpDocument).toBe(posted!.erpDocument);
    expect(trace.events[0]!.history.map((h) => h.to)).toEqual(expect.arrayContaining(['ready', 'sending', 'posted']));
    const byEventId = await getJson<RecordTrace>(`${agent.url}/api/v1/trace?id=${posted!.eventId}`);
    expect(byEventId.correlationId).toBe(posted!.correlationId);
    const missing = await fetch(`${agent.url}/api/v1/trace?id=00000000-0000-0000-0000-000000000000`);
    expect(missing.status).toBe(404);
    const bad = await fetch(`${agent.url}/api/v1/orders?limt=5`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('limt');
  });

  it('summarises the stored quality results per line and order', async () => {
    const quality = await waitFor(async () => {
      const q = await getJson<QualitySummary>(`${agent.url}/api/v1/quality`);
      return q.lines.length > 0 ? q : undefined;
    }, 30_000, 'a quality result');
    const line = quality.lines[0]!;
    expect(line.results).toBeGreaterThan(0);
    expect(line.firstPassYieldPct).toBeGreaterThanOrEqual(0);
    expect(quality.orders.reduce((n, o) => n + o.results, 0)).toBe(quality.lines.reduce((n, l) => n + l.results, 0));
  });
});
