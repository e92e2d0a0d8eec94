// The demo plant end to end over real sockets: its OPC UA server read by a node-opcua client and its
// MES messages received through the demo broker by an mqtt.js subscriber.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  AttributeIds,
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  type ClientSession,
} from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPCUA_NODES, startDemoBroker, startDemoPlant, type DemoBroker, type DemoPlant } from '../../sim/plant/index.js';

interface Received {
  readonly topic: string;
  readonly text: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ORDERS: Record<string, { orderId: string; material: string }> = {
  L1: { orderId: '1000001', material: 'FG-100' },
  L2: { orderId: '1000002', material: 'FG-200' },
  L3: { orderId: '1000003', material: 'FG-300' },
};

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const tryParse = (text: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

async function withSession<T>(endpointUrl: string, pki: string, mode: MessageSecurityMode, policy: SecurityPolicy, fn: (s: ClientSession) => Promise<T>): Promise<T> {
  const client = OPCUAClient.create({
    applicationName: 'simPlant test',
    securityMode: mode,
    securityPolicy: policy,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 2, initialDelay: 200, maxDelay: 1000 },
    // The client's own PKI in the test's temp dir, not ~/.config.
    clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(pki, 'client'), automaticallyAcceptUnknownCertificate: true }),
  });
  await client.connect(endpointUrl);
  try {
    const session = await client.createSession();
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  } finally {
    await client.disconnect();
  }
}

describe('demo plant', () => {
  let broker: DemoBroker;
  let plant: DemoPlant;
  let subscriber: MqttClient;
  let dir: string;
  const received: Received[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plantdesk-simplant-'));
    broker = await startDemoBroker();
    // Subscribed before the plant starts, so every message of the run is seen, in order.
    subscriber = await connectAsync(broker.url, { clientId: 'simplant-test-sub' });
    subscriber.on('message', (topic, payload) => received.push({ topic, text: payload.toString('utf8') }));
    await subscriber.subscribeAsync(['plantdesk/demo/1010/+/confirmation', 'plantdesk/demo/1010/+/quality'], { qos: 1 });
    plant = await startDemoPlant({ brokerUrl: broker.url, speed: 10, intervalMs: 300, faultEvery: 2, pkiDir: join(dir, 'pki'), seed: 1 });
  });

  afterAll(async () => {
    await plant?.stop();
    await subscriber?.endAsync();
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the lines on opc.tcp://127.0.0.1:PORT/UA/DemoPlant, counting up', async () => {
    expect(plant.opcuaEndpoint).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+\/UA\/DemoPlant$/);
    // The server's PKI lives where it was told to, not under ~/.config.
    expect(existsSync(join(dir, 'pki', 'server', 'own', 'certs', 'certificate.pem'))).toBe(true);
    expect(existsSync(join(dir, 'pki', 'user'))).toBe(true);
    await withSession(plant.opcuaEndpoint, dir, MessageSecurityMode.None, SecurityPolicy.None, async (session) => {
      const n = DEMO_OPCUA_NODES('L1');
      expect(n.goodCount).toBe('ns=1;s=L1.GoodCount');
      const first = await session.read({ nodeId: n.goodCount, attributeId: AttributeIds.Value });
      expect(first.statusCode.isGood()).toBe(true);
      expect(first.value.dataType).toBe(DataType.UInt32);
      expect(first.sourceTimestamp).toBeInstanceOf(Date);
      await new Promise((r) => setTimeout(r, 1500)); // 15 simulated seconds: ~18 parts even after a stop
      const second = await session.read({ nodeId: n.goodCount, attributeId: AttributeIds.Value });
      expect(second.value.value as number).toBeGreaterThan(first.value.value as number);

      for (const line of ['L1', 'L2', 'L3']) {
        const ids = DEMO_OPCUA_NODES(line);
        const [good, scrap, state, reason, order] = await session.read(
          [ids.goodCount, ids.scrapCount, ids.state, ids.stateReason, ids.currentOrder].map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
        );
        expect(order!.value.value, line).toBe(ORDERS[line]!.orderId);
        expect(good!.value.value as number, line).toBeGreaterThan(0);
        expect(scrap!.value.dataType).toBe(DataType.UInt32);
        expect(['running', 'idle', 'down']).toContain(state!.value.value);
        expect(reason!.value.value === '', line).toBe(state!.value.value === 'running');
      }
    });
  });

  it('offers SignAndEncrypt Basic256Sha256 next to None, and accepts it', async () => {
    const endpoints = await withSession(plant.opcuaEndpoint, dir, MessageSecurityMode.None, SecurityPolicy.None, async () => {
      const probe = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 1 }, clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'probe') }) });
      await probe.connect(plant.opcuaEndpoint);
      try {
        return await probe.getEndpoints();
      } finally {
        await probe.disconnect();
      }
    });
    const offered = endpoints.map((e) => `${MessageSecurityMode[e.securityMode]} ${e.securityPolicyUri?.split('#')[1]}`).sort();
    expect(offered).toEqual(['None None', 'SignAndEncrypt Basic256Sha256']);
    for (const e of endpoints) expect(e.endpointUrl).toBe(plant.opcuaEndpoint);

    const order = await withSession(plant.opcuaEndpoint, dir, MessageSecurityMode.SignAndEncrypt, SecurityPolicy.Basic256Sha256, (s) =>
      s.read({ nodeId: DEMO_OPCUA_NODES('L2').currentOrder, attributeId: AttributeIds.Value }),
    );
    expect(order.value.value).toBe('1000002');
  });

  it('publishes confirmations, quality results and one wrong message of each kind', async () => {
    const parsed = () => received.map((m) => ({ ...m, json: tryParse(m.text) }));
    const confirmations = () => parsed().filter((m) => m.topic.endsWith('/confirmation'));
    const has = (pred: (m: ReturnType<typeof parsed>[number]) => boolean) => () => parsed().some(pred);
    await waitFor('a quality result', has((m) => m.topic.endsWith('/quality')));
    await waitFor('an unknown order', has((m) => m.json?.orderId === '9999999'));
    await waitFor('a unit mismatch', has((m) => m.json?.unit === 'KG'));
    await waitFor('yield as a word', has((m) => typeof m.json?.yield === 'string'));
    await waitFor('invalid JSON', has((m) => m.json === undefined));

    // The topic names the plant and the line, and the payload agrees with it.
    for (const m of received) expect(m.topic).toMatch(/^plantdesk\/demo\/1010\/L[123]\/(confirmation|quality)$/);

    // Every second confirmation is wrong, in the order the broker delivered them.
    const all = confirmations();
    const isWrong = (m: (typeof all)[number]) =>
      m.json === undefined || m.json.orderId === '9999999' || m.json.unit !== 'PC' || typeof m.json.yield !== 'number';
    all.forEach((m, i) => expect(isWrong(m), `confirmation #${i + 1}: ${m.text}`).toBe(i % 2 === 1));

    const good = all.filter((m) => !isWrong(m));
    expect(good.length).toBeGreaterThan(0);
    for (const { topic, json } of good) {
      const c = json!;
      const line = topic.split('/')[3]!;
      expect(Object.keys(c)).toEqual(['messageId', 'plant', 'line', 'orderId', 'operation', 'workCenter', 'material', 'yield', 'scrap', 'unit', 'final', 'start', 'end']);
      expect(c).toMatchObject({ plant: '1010', line, orderId: ORDERS[line]!.orderId, operation: '0010', workCenter: `WC-${line}`, material: ORDERS[line]!.material, unit: 'PC', final: false });
      expect(c.messageId).toMatch(new RegExp(`^${line}-C-[0-9a-z]+-\\d{6}$`));
      expect(Number.isInteger(c.yield) && Number.isInteger(c.scrap)).toBe(true);
      expect((c.yield as number) + (c.scrap as number)).toBeGreaterThan(0);
      expect(c.start).toMatch(ISO);
      expect(c.end).toMatch(ISO);
      expect(Date.parse(c.end as string)).toBeGreaterThan(Date.parse(c.start as string));
    }
    // Windows of one line follow each other without gap or overlap.
    // (A cut-off message has lost its end, but its start is still readable.)
    const l1 = all.filter((m) => m.topic.includes('/L1/'));
    expect(l1.length).toBeGreaterThan(2);
    for (let i = 1; i < l1.length; i++) {
      const prevEnd = l1[i - 1]!.json?.end;
      if (prevEnd !== undefined) expect(/"start":"([^"]+)"/.exec(l1[i]!.text)?.[1]).toBe(prevEnd);
    }

    for (const { topic, json } of parsed().filter((m) => m.topic.endsWith('/quality'))) {
      const q = json!;
      const line = topic.split('/')[3]!;
      expect(Object.keys(q)).toEqual(['messageId', 'plant', 'line', 'orderId', 'operation', 'characteristic', 'value', 'unit', 'lowerLimit', 'upperLimit', 'result', 'defectCode', 'inspectedAt']);
      expect(q).toMatchObject({ plant: '1010', line, orderId: ORDERS[line]!.orderId, operation: '0010', unit: 'MM' });
      expect(q.messageId).toMatch(new RegExp(`^${line}-Q-[0-9a-z]+-\\d{6}$`));
      const inside = (q.value as number) >= (q.lowerLimit as number) && (q.value as number) <= (q.upperLimit as number);
      expect(q.result).toBe(inside ? 'pass' : 'fail');
      expect(q.defectCode === null).toBe(inside);
      expect(q.inspectedAt).toMatch(ISO);
    }

    // messageIds are unique, even in the message that is not valid JSON.
    const ids = received.map((m) => /"messageId":"([^"]+)"/.exec(m.text)?.[1]);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plant.published).toBeGreaterThanOrEqual(received.length - 3);
  });

  it('stops cleanly: OPC UA endpoint and publisher gone, no sockets or timers left', async () => {
    // Unref'd timers are not listed, and the running main plant's come and go: compare sockets exactly,
    // timers loosely.
    const handles = () => {
      const all = process.getActiveResourcesInfo();
      return { tcp: all.filter((r) => r.startsWith('TCP')).sort(), timers: all.filter((r) => r === 'Timeout').length };
    };
    await subscriber.subscribeAsync('plantdesk/other/#', { qos: 1 });
    const before = handles();
    const other = await startDemoPlant({ brokerUrl: broker.url, speed: 10, intervalMs: 100, topicPrefix: 'plantdesk/other' });
    await waitFor('the second plant to publish', () => received.some((m) => m.topic.startsWith('plantdesk/other/')));
    await other.stop();
    await other.stop(); // idempotent
    await new Promise((r) => setTimeout(r, 200)); // let closed sockets leave the handle list
    const after = handles();
    expect(after.tcp).toEqual(before.tcp);
    expect(after.timers).toBeLessThanOrEqual(before.timers + 1);
    const count = received.filter((m) => m.topic.startsWith('plantdesk/other/')).length;
    await new Promise((r) => setTimeout(r, 400));
    expect(received.filter((m) => m.topic.startsWith('plantdesk/other/')).length).toBe(count);
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'gone') }) });
    await expect(client.connect(other.opcuaEndpoint)).rejects.toThrow();
    await client.disconnect();
  });
});
