// Enterprise publish against real brokers: a plant mosquitto feeding the agent (a child process), an enterprise
// mosquitto it republishes to, and the ERP simulator. Topics, bodies and order as documented in
// docs/ENTERPRISE-TOPICS.md, and an outage of the enterprise broker that loses nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus, DashboardSnapshot, EnterpriseStatus } from '../../domain/index.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import {
  agentSetup, confirmationPayload, delivery, getJson, PREFIX, publishToPlant, qualityPayload, range, reloadMosquitto, startConsumer, storedEvents, type Consumer,
} from './enterpriseSupport.js';

describe('enterprise publish: topics, bodies and order', () => {
  let plant: Mosquitto;
  let enterprise: Mosquitto;
  let erp: ErpSimulator;
  let consumer: Consumer;
  let agent: ConsoleProcess;
  let dataDir: string;

  beforeAll(async () => {
    [plant, enterprise, erp] = await Promise.all([startMosquitto(), startMosquitto(), startErpSimulator({ port: 0 })]);
    consumer = await startConsumer(enterprise.url, 'corp-consumer-flow');
    const setup = agentSetup({ plantUrl: plant.url, enterpriseUrl: enterprise.url, erpUrl: erp.url, include: ['ready', 'exception', 'recorded', 'posted'] });
    dataDir = setup.dataDir;
    agent = await setup.start();
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await consumer?.stop();
    await Promise.all([plant?.stop(), enterprise?.stop(), erp?.stop()]);
  });

  it('publishes every validated, recorded and posted event once, in sequence order, under {prefix}/v1/{plant}/{line}/{kind}', async () => {
    await publishToPlant(plant.url, [
      ...[1, 2, 3].map((i) => ({ topic: 'plant/1010/L1/confirmation', payload: confirmationPayload(i) })),
      { topic: 'plant/1010/L1/confirmation', payload: confirmationPayload(4, '9999999') },
      ...[1, 2].map((i) => ({ topic: 'plant/1010/L2/quality', payload: qualityPayload(i) })),
    ]);
    // 3 confirmations: ready, then posted; the unknown order: exception; 2 quality results: recorded.
    await waitFor(() => (consumer.messages.length >= 9 ? true : undefined), 30_000, '9 messages at the enterprise broker');
    await new Promise((r) => setTimeout(r, 1000));
    expect(consumer.messages).toHaveLength(9);

    const { firstArrivals, duplicates } = delivery(consumer.messages);
    expect(duplicates).toBe(0);
    // Sequences are history ids: increasing, with gaps where changes are not published (sending).
    expect(firstArrivals).toEqual([...firstArrivals].sort((a, b) => a - b));
    expect(new Set(firstArrivals).size).toBe(9);

    const events = new Map(storedEvents(dataDir).map((e) => [e.event_id, e]));
    expect(events.size).toBe(6);
    for (const { topic, body } of consumer.messages) {
      const stored = events.get(body.eventId);
      expect(stored, `event ${body.eventId}`).toBeDefined();
      expect(topic).toBe(`${PREFIX}/v1/1010/${body.event.line}/${body.kind}`);
      expect(body).toMatchObject({ schema: 'plantdesk.event.v1', plant: '1010', origin: 'pd-it-enterprise', kind: stored!.kind });
      expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(body.receivedAt)).toBeLessThanOrEqual(Date.parse(body.statusAt));
      expect(body.event).toEqual(JSON.parse(stored!.body));
      if (body.status === 'posted') expect(body.erpDocument).toBe(stored!.erp_document);
      else expect(body).not.toHaveProperty('erpDocument');
    }
    const statusesOf = (eventId: string): string[] => consumer.messages.filter((m) => m.body.eventId === eventId).map((m) => m.body.status);
    const byOrder = (orderId: string) => [...events.values()].filter((e) => (JSON.parse(e.body) as { orderId: string }).orderId === orderId);
    for (const e of byOrder('1000001')) expect(statusesOf(e.event_id)).toEqual(['ready', 'posted']);
    expect(statusesOf(byOrder('9999999')[0]!.event_id)).toEqual(['exception']);
    expect(consumer.messages.find((m) => m.body.status === 'exception')?.body.reasons?.[0]?.code).toBe('ORDER_UNKNOWN');
    for (const e of byOrder('1000002')) expect(statusesOf(e.event_id)).toEqual(['recorded']);
    expect(consumer.messages.filter((m) => m.body.kind === 'quality').every((m) => m.topic === `${PREFIX}/v1/1010/L2/quality`)).toBe(true);

    const status = await getJson<EnterpriseStatus>(`${agent.url}/api/v1/enterprise`);
    expect(status).toMatchObject({ enabled: true, state: 'connected', backlog: 0, oldestUnpublishedAgeS: null, publishedSequence: firstArrivals.at(-1), topicPrefix: PREFIX });
    const dashboard = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
    expect(dashboard.connections.find((c: ConnectionStatus) => c.id === 'mqtt:enterprise')).toMatchObject({ kind: 'mqtt', name: 'enterprise', state: 'connected' });
  });
});

describe('enterprise publish: an outage of the enterprise broker', () => {
  let plant: Mosquitto;
  let enterprise: Mosquitto;
  let consumer: Consumer;
  let agent: ConsoleProcess;
  let dataDir: string;
  const COUNT = 400;

  beforeAll(async () => {
    // Persistence: the consumer's session and its queued messages survive the broker's restart.
    [plant, enterprise] = await Promise.all([startMosquitto(), startMosquitto({ persistence: true })]);
    consumer = await startConsumer(enterprise.url, 'corp-consumer-outage');
    const setup = agentSetup({ plantUrl: plant.url, enterpriseUrl: enterprise.url, batchSize: 20 });
    dataDir = setup.dataDir;
    agent = await setup.start();
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await consumer?.stop();
    await Promise.all([plant?.stop(), enterprise?.stop()]);
  });

  it('buffers while the broker is down, shows the backlog, and delivers every event once it is back', async () => {
    const messages = range(COUNT).map((i) => ({ topic: 'plant/1010/L2/quality', payload: qualityPayload(i) }));
    // Some before the outage, most during it, and some while publishing resumes.
    await publishToPlant(plant.url, messages.slice(0, 50));
    await waitFor(() => (consumer.messages.length >= 50 ? true : undefined), 20_000, 'the first 50 messages');

    await enterprise.halt();
    const duringOutage = publishToPlant(plant.url, messages.slice(50, 350));
    await duringOutage;
    const buffered = await waitFor(async () => {
      const status = await getJson<EnterpriseStatus>(`${agent.url}/api/v1/enterprise`);
      return status.backlog === 300 ? status : undefined;
    }, 20_000, 'a backlog of 300 while the enterprise broker is down');
    expect(buffered.state).not.toBe('connected');
    expect(buffered.oldestUnpublishedAgeS).toBeGreaterThanOrEqual(0);
    expect(buffered.publishedSequence).toBe(50);
    // The link's status says why, in plain words, while the agent keeps retrying.
    const link = await waitFor(async () => {
      const dashboard = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
      const found = dashboard.connections.find((c) => c.id === 'mqtt:enterprise');
      return found?.state === 'error' ? found : undefined;
    }, 10_000, 'the enterprise connection in error');
    expect(link.lastError).toBe(`${enterprise.url}: connection refused: nothing listens at that address and port (is the broker running?)`);

    await enterprise.resume();
    // A second loss while the backlog drains: what was in flight is sent again, nothing is skipped.
    await waitFor(() => (delivery(consumer.messages).bySequence.size >= 60 ? true : undefined), 20_000, 'the drain to start');
    await enterprise.halt();
    await publishToPlant(plant.url, messages.slice(350));
    await enterprise.resume();
    await waitFor(() => (delivery(consumer.messages).bySequence.size >= COUNT ? true : undefined), 30_000, `all ${COUNT} sequences at the consumer`);

    const { firstArrivals, bySequence } = delivery(consumer.messages);
    expect(firstArrivals).toEqual(range(COUNT));
    const events = storedEvents(dataDir);
    expect(events).toHaveLength(COUNT);
    const published = new Set([...bySequence.values()].map((p) => (JSON.parse(p) as { eventId: string }).eventId));
    expect(events.filter((e) => !published.has(e.event_id))).toEqual([]);
    await waitFor(async () => ((await getJson<EnterpriseStatus>(`${agent.url}/api/v1/enterprise`)).backlog === 0 ? true : undefined), 10_000, 'backlog 0');
  });
});

describe('enterprise publish: a message the broker refuses (MQTT 5, ACL)', () => {
  let plant: Mosquitto;
  let enterprise: Mosquitto;
  let consumer: Consumer;
  let agent: ConsoleProcess;
  let aclFile: string;

  beforeAll(async () => {
    plant = await startMosquitto();
    // Anonymous clients may read everything but write only line L2's topics.
    const setup = agentSetup({ plantUrl: plant.url, enterpriseUrl: 'mqtt://127.0.0.1:1', protocolVersion: 5 });
    aclFile = join(setup.dataDir, 'acl');
    writeFileSync(aclFile, `topic read #\ntopic write ${PREFIX}/v1/1010/L2/#\n`);
    enterprise = await startMosquitto({ aclFile });
    writeFileSync(setup.configFile, readFileSync(setup.configFile, 'utf8').replace('mqtt://127.0.0.1:1', enterprise.url));
    consumer = await startConsumer(enterprise.url, 'corp-consumer-acl');
    agent = await setup.start();
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
    await consumer?.stop();
    await Promise.all([plant?.stop(), enterprise?.stop()]);
  });

  it('stops at the refused message with the reason on the connection, and goes on once the broker accepts it', async () => {
    await publishToPlant(plant.url, [
      { topic: 'plant/1010/L2/quality', payload: qualityPayload(1) },
      { topic: 'plant/1010/L9/quality', payload: qualityPayload(2, 'L9') },
      { topic: 'plant/1010/L2/quality', payload: qualityPayload(3) },
    ]);
    const link = await waitFor(async () => {
      const dashboard = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
      const found = dashboard.connections.find((c) => c.id === 'mqtt:enterprise');
      return found?.state === 'error' && /refused a message/.test(found.lastError ?? '') ? found : undefined;
    }, 20_000, 'the refusal on the enterprise connection');
    expect(link.lastError).toContain(`the broker refused a message on ${PREFIX}/v1/1010/L9/quality`);
    expect(link.lastError).toMatch(/Not authorized \(0x87\)/);
    await new Promise((r) => setTimeout(r, 1500));
    // Reconnecting does not turn the light green while the message is still refused.
    const still = (await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`)).connections.find((c) => c.id === 'mqtt:enterprise');
    expect(still?.state).toBe('error');
    // Nothing after the refused message was skipped past it.
    expect(consumer.messages.map((m) => m.body.event.line)).toEqual(['L2']);
    expect(await getJson<EnterpriseStatus>(`${agent.url}/api/v1/enterprise`)).toMatchObject({ backlog: 2, publishedSequence: 1 });

    // The broker's ACL is fixed (reloaded, the consumer stays connected): the refused message and the one behind it follow.
    writeFileSync(aclFile, 'topic read #\ntopic write #\n');
    reloadMosquitto(enterprise.dir);
    await waitFor(() => (delivery(consumer.messages).bySequence.size >= 3 ? true : undefined), 20_000, 'all 3 messages');
    expect(delivery(consumer.messages).firstArrivals).toEqual(range(3));
    expect(consumer.messages.map((m) => m.body.event.line).slice(-2)).toEqual(['L9', 'L2']);
    await waitFor(async () => {
      const dashboard = await getJson<DashboardSnapshot>(`${agent.url}/api/v1/dashboard`);
      return dashboard.connections.find((c) => c.id === 'mqtt:enterprise')?.state === 'connected' ? true : undefined;
    }, 5000, 'the enterprise connection green again');
  });
});
