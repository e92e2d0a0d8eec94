// A declarative mapping fixed in the field: messages rejected by version 1 of an inline JSONata mapping are
// replayed after the agent restarts with version 2, posted to the ERP simulator exactly once (one of them
// converted from DZ to PC by the plant's unit table), and the replay is audited. Real mosquitto, ERP simulator
// over HTTP, the agent as a child process, its SQLite file read alongside.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSummary, RejectedMessage, ReplayResult } from '../../domain/index.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';
import { loginWithRoles } from '../helpers/login.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const TOPIC = 'mes/v2/1010/L1/confirmation';

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

let token = '';

async function post(url: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

function config(brokerUrl: string, erpUrl: string, version: 1 | 2): string {
  // Version 1 reads the order from a field the MES does not send; version 2 from the right one.
  return `
plant: "1010"
mqtt:
  - name: mes
    url: ${brokerUrl}
    clientId: plantdesk-mapping-it
    topics:
      - filter: mes/v2/+/+/confirmation
        mapping:
          name: mes-v2
          version: ${version}
          type: confirmation
          messageId: header.messageId
          fields:
            line: $topicLevels[3]
            orderId: ${version === 1 ? 'header.order' : 'body.order.id'}
            operation: '$pad($string(body.order.operation), -4, "0")'
            yieldQty: body.good
            # Quote an expression with ": " or "? " in it, or YAML reads it as a mapping.
            scrapQty: '$exists(body.scrap) ? body.scrap : 0'
            unit: body.uom
            end: header.sentAt
          units: { pcs: PC }
erp:
  kind: sap-odata
  baseUrl: ${erpUrl}
  sapClient: "100"
  postIntervalMs: 200
units:
  - { from: DZ, to: PC, factor: 12 }
`;
}

function v2Message(id: string, good: number, uom: string): Buffer {
  return Buffer.from(JSON.stringify({ header: { messageId: id, sentAt: new Date().toISOString() }, body: { order: { id: '1000001', operation: 10 }, good, uom } }));
}

describe('declarative mapping: reject, fix, replay, post once', () => {
  let broker: Mosquitto;
  let erp: ErpSimulator;
  let agent: ConsoleProcess | undefined;
  let dataDir: string;
  let configFile: string;

  async function startAgent(version: 1 | 2): Promise<ConsoleProcess> {
    writeFileSync(configFile, config(broker.url, erp.url, version));
    agent = await startConsole(['--config', configFile, '--data', dataDir, '--port', '0']);
    return agent;
  }

  async function stopAgent(): Promise<void> {
    agent?.child.kill('SIGTERM');
    expect(await agent?.exited).toBe(0);
    agent = undefined;
  }

  beforeAll(async () => {
    broker = await startMosquitto();
    erp = await startErpSimulator({ port: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'pd-mapping-it-'));
    configFile = join(dataDir, 'plant.yaml');
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await erp?.stop();
    await broker?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('rejects with version 1, naming the expression; maps, posts once and audits after replay with version 2', async () => {
    const v1 = await startAgent(1);
    const publisher = await mqtt.connectAsync(broker.url, { clientId: 'mapping-it-publisher' });
    await waitFor(async () => ((await getJson<{ connections: { kind: string; state: string }[] }>(`${v1.url}/api/v1/dashboard`)).connections.some((c) => c.kind === 'mqtt' && c.state === 'connected') ? true : undefined), 20_000, 'mqtt connected');
    await publisher.publishAsync(TOPIC, v2Message('v2-1', 10, 'pcs'), { qos: 1 });
    await publisher.publishAsync(TOPIC, v2Message('v2-2', 2, 'DZ'), { qos: 1 });
    await publisher.publishAsync(TOPIC, v2Message('v2-3', -1, 'PC'), { qos: 1 });
    const rejected = await waitFor(async () => {
      const rows = await getJson<RejectedMessage[]>(`${v1.url}/api/v1/rejected?channel=${encodeURIComponent(TOPIC)}`);
      return rows.length === 3 ? rows : undefined;
    }, 20_000, 'three rejected messages');
    expect(rejected.every((r) => r.reason.startsWith('orderId (header.order) is missing in the message'))).toBe(true);
    expect(rejected.every((r) => /^mes-v2@v1#[0-9a-f]{8}$/.test(r.mappingVersion ?? ''))).toBe(true);
    await publisher.endAsync();
    await stopAgent();

    const v2 = await startAgent(2);
    token = await loginWithRoles(v2.url, dataDir, ['engineer']);
    // Commands are POST with JSON only, and need a reason for the audit log.
    expect((await post(`${v2.url}/api/v1/rejected/replay`, { channel: TOPIC })).status).toBe(400);
    expect((await post(`${v2.url}/api/v1/rejected/replay`, { channel: TOPIC, reason: 'x' }, 'text/plain')).status).toBe(415);

    const first = await post(`${v2.url}/api/v1/rejected/replay`, { source: 'mes', channel: TOPIC, reason: 'order id is body.order.id (mapping v2)' });
    expect(first.status).toBe(200);
    const result = first.body as ReplayResult;
    expect(result).toMatchObject({ rejectedBefore: 3, rejectedAfter: 1, replayed: 3, mapped: 2, stillRejected: 1, skipped: 0 });
    expect(result.items.find((i) => i.outcome === 'rejected')?.reason).toBe('yieldQty (body.good) must not be negative, got -1');

    const posted = await waitFor(async () => {
      const events = await getJson<EventSummary[]>(`${v2.url}/api/v1/events?status=posted&limit=10`);
      return events.length === 2 ? events : undefined;
    }, 30_000, 'both replayed confirmations posted');
    expect(posted.map((e) => `${e.quantity} ${e.unit}`).sort()).toEqual(['10 PC', '24 PC']);

    // A second replay finds only the one still wrong; nothing reaches the ERP twice.
    const second = await post(`${v2.url}/api/v1/rejected/replay`, { channel: TOPIC, reason: 'again, to be sure' });
    expect(second.body).toMatchObject({ rejectedBefore: 1, replayed: 1, mapped: 0, stillRejected: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    const inErp = erp.received.filter((r) => posted.some((e) => e.eventId === r.externalSystemConfirmation));
    expect(inErp).toHaveLength(2);
    expect(erp.received).toHaveLength(2);
    expect(inErp.map((r) => `${Number(r.yieldQuantity)} ${r.unit}`).sort()).toEqual(['10 PC', '24 PC']);

    const remaining = await getJson<RejectedMessage[]>(`${v2.url}/api/v1/rejected`);
    expect(remaining).toHaveLength(1);
    expect(remaining[0]?.mappingVersion).toMatch(/^mes-v2@v2#/);

    // The audit log, read from the agent's SQLite file: one entry per replay with counts before and after.
    const db = new Database(join(dataDir, 'plantdesk.db'), { readonly: true });
    try {
      const audit = db.prepare("SELECT actor, action, before, after, reason FROM audit_log WHERE action = 'rejected.replay' ORDER BY seq").all() as Record<string, string>[];
      expect(audit).toHaveLength(2);
      expect(audit[0]).toMatchObject({ actor: 'test-engineer', reason: 'order id is body.order.id (mapping v2)' });
      expect(JSON.parse(audit[0]!.before!)).toEqual({ rejected: 3 });
      expect(JSON.parse(audit[0]!.after!)).toMatchObject({ rejected: 1, mapped: 2, stillRejected: 1 });
      const converted = db.prepare("SELECT body FROM event WHERE body LIKE '%\"original\"%'").get() as { body: string };
      expect(JSON.parse(converted.body)).toMatchObject({ yieldQty: 24, unit: 'PC', original: { yieldQty: 2, unit: 'DZ', factor: 12 } });
    } finally {
      db.close();
    }
  });
});
