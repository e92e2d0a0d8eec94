// Promise 2 (RELIABILITY.md): a full disk never loses a business record. The agent runs in-process against a real
// mosquitto with an MES publisher (confirmations, QoS 1) and a Sparkplug B edge node (telemetry):
//  - disk budget: telemetry is shed first (oldest first, counted), then business intake pauses with back pressure
//    (the broker keeps what is not acknowledged), and resumes by itself once retention purged posted events;
//  - disk full: the store on a small disk (a tmpfs where mounting is permitted; SQLite's max_page_count always):
//    SQLITE_FULL keeps the agent up, shows 'disk-full', pauses intake and resumes by itself when space returns.
// Both check that every message the broker acknowledged to the publisher ends up stored, once.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityStatus } from '../../domain/index.js';
import { purgeFinishedEvents } from '../../local-store/index.js';
import { storeUsage, telemetryShedTotal } from '../../local-store/capacity.js';
import { openDatabase } from '../../local-store/index.js';
import { ConfigSchema, createLogger, startAgent, type Agent } from '../../main/agent/index.js';
import { waitFor } from '../helpers/consoleProcess.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import {
  countWhere, fillDisk, MB, recordCapacity, removeFile, seedStore, SPB_GROUP, startEdge, startPublisher, storedMesIds, tryMountTmpfs, unmount,
  type CapacityRecorder, type Edge, type Publisher,
} from './diskFullSupport.js';

let broker: Mosquitto;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await broker?.stop();
});

async function start(dataDir: string, clientId: string, store: Record<string, unknown>): Promise<Agent> {
  const reconnect = { minMs: 100, maxMs: 500 };
  const config = ConfigSchema.parse({
    plant: '1010',
    // No ERP: this is about the intake and the buffer.
    erp: { kind: 'sap-odata', baseUrl: 'http://127.0.0.1:9', postIntervalMs: 200 },
    mqtt: [{ name: 'mes', url: broker.url, clientId, reconnect, topics: [{ filter: 'plant/1010/+/confirmation', type: 'confirmation' }] }],
    sparkplug: [{ name: 'spb', url: broker.url, clientId: `${clientId}-spb`, hostId: clientId, groups: [SPB_GROUP], reconnect }],
    store: { backup: { dir: mkdtempSync(join(tmpdir(), 'pd-diskfull-backups-')) }, ...store },
  });
  const agent = await startAgent({ config, dataDir, logger: createLogger('silent'), version: 'test' });
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await agent.stop();
  });
  const stop = agent.stop.bind(agent);
  Object.assign(agent, { stop: async () => {
    stopped = true;
    await stop();
  } });
  await waitFor(async () => {
    const connections = (await agent.api.getDashboard()).connections;
    return ['mqtt:mes', 'mqtt:sparkplug:spb'].every((id) => connections.find((c) => c.id === id)?.state === 'connected') ? true : undefined;
  }, 15_000, 'the MQTT and Sparkplug connections');
  return agent;
}

const capacityOf = async (agent: Agent): Promise<CapacityStatus> => (await agent.api.getQueue()).capacity!;

/** Every message the broker acknowledged to the publisher is stored: waits for it, and says how many are missing if not. */
async function expectAllStored(agent: Agent, publisher: Publisher, timeoutMs: number): Promise<void> {
  await publisher.done;
  await waitFor(() => {
    const stored = storedMesIds(agent.db);
    return [...publisher.acked].every((id) => stored.has(id)) ? true : undefined;
  }, timeoutMs, 'every acknowledged message stored').catch((error: Error) => {
    const stored = storedMesIds(agent.db);
    throw new Error(`${error.message}: ${[...publisher.acked].filter((id) => !stored.has(id)).length} of ${publisher.acked.size} missing`);
  });
  expect(countWhere(agent.db, "source = 'mes'")).toBe(publisher.acked.size);
}

function track<T extends { stop(): unknown }>(thing: T): T {
  cleanups.push(() => void thing.stop());
  return thing;
}

describe('disk budget', () => {
  it('sheds telemetry first (oldest first, counted), then pauses business intake with back pressure, and resumes after retention purged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-diskbudget-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const file = join(dataDir, 'plantdesk.db');
    const SEEDED_TELEMETRY = 6000;
    const POSTED = 5000;
    const MESSAGES = 5000;
    seedStore(file, { telemetryRows: SEEDED_TELEMETRY, postedEvents: POSTED });
    const seeded = openDatabase(file);
    const seededBytes = storeUsage(seeded).usedBytes;
    seeded.close();
    // Room for the WAL (up to a few MB) and a few MB of confirmations, fewer than the publisher sends.
    const budgetMb = Math.round((seededBytes + 9 * MB) / MB);
    const agent = await start(dataDir, 'plantdesk-budget', { diskBudgetMb: budgetMb, warnAtPct: 80, reserveFreeMb: 0, capacityCheckS: 0.1 });

    const edge: Edge = track(await startEdge(broker.url, 20));
    await waitFor(() => (countWhere(agent.db, "source = 'spb' AND status = 'telemetry'") > 0 ? true : undefined), 10_000, 'live telemetry stored');
    const recorder: CapacityRecorder = track(recordCapacity(agent, 50));
    const publisher = track(await startPublisher(broker.url, MESSAGES, 2000, 'budget'));

    const paused = await waitFor(async () => {
      const capacity = await capacityOf(agent);
      return capacity.intakePaused ? capacity : undefined;
    }, 40_000, 'intake paused at the budget');
    await publisher.done;
    expect(publisher.acked.size).toBe(MESSAGES);

    // Telemetry went first, all of it, oldest first; it was counted, in the file too.
    expect(paused.reason).toBe('budget');
    expect(countWhere(agent.db, "status = 'telemetry'")).toBe(0);
    expect(paused.telemetryShed).toBeGreaterThanOrEqual(SEEDED_TELEMETRY);
    expect(telemetryShedTotal(agent.db)).toBe((await capacityOf(agent)).telemetryShed);
    const firstShed = recorder.seen.findIndex((s) => s.capacity.telemetryShed > 0);
    const firstPause = recorder.seen.findIndex((s) => s.capacity.intakePaused);
    expect(firstShed).toBeGreaterThanOrEqual(0);
    expect(firstShed).toBeLessThanOrEqual(firstPause);
    // The shedding is shown with its count. Whether a sample falls between the first shed and the pause depends on
    // how fast the intake fills the last megabytes (one capacity look can shed and then pause), so either warning counts.
    expect(recorder.seen.some((s) => s.capacity.telemetryShed > 0 && /telemetry is shed, oldest first|telemetry rows shed/.test(s.capacity.warning ?? ''))).toBe(true);
    // No business record was touched.
    expect(countWhere(agent.db, "source = 'seed' AND status <> 'telemetry'")).toBe(POSTED);

    // Back pressure: while paused nothing more is stored, the rest waits at the broker, telemetry is not stored.
    const storedAtPause = storedMesIds(agent.db).size;
    const notStoredAtPause = (await capacityOf(agent)).telemetryNotStored;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const still = await capacityOf(agent);
    expect(still.intakePaused).toBe(true);
    expect(storedMesIds(agent.db).size).toBe(storedAtPause);
    expect(storedAtPause).toBeLessThan(MESSAGES);
    expect(still.heldMessages).toBeGreaterThan(0);
    expect(still.telemetryNotStored).toBeGreaterThan(notStoredAtPause);
    expect(still.warning).toMatch(/^Disk budget reached .* intake of business records is paused and nothing is lost/);
    const health = await agent.api.getHealth();
    expect(health.status).toBe('degraded');
    expect(health.capacity).toMatchObject({ intakePaused: true, reason: 'budget' });
    expect((await agent.api.getDashboard()).connections.find((c) => c.id === 'mqtt:mes')?.state).toBe('connected');

    // Retention purges the posted events: space returns and intake resumes by itself.
    const freedAt = Date.now();
    expect(purgeFinishedEvents(agent.db, Date.now(), 100_000).events).toBe(POSTED);
    const resumed = await waitFor(async () => {
      const capacity = await capacityOf(agent);
      return capacity.intakePaused ? undefined : capacity;
    }, 10_000, 'intake resumed');
    const resumeMs = Date.now() - freedAt;
    expect(resumed.reason).toBeNull();
    await expectAllStored(agent, publisher, 30_000);
    await waitFor(() => (countWhere(agent.db, "source = 'spb' AND status = 'telemetry'") > 0 ? true : undefined), 10_000, 'live telemetry stored again');
    expect(agent.db.pragma('integrity_check', { simple: true })).toBe('ok');
    console.info(`disk budget: ${MESSAGES} acknowledged, lost 0, telemetry shed ${paused.telemetryShed}, not stored while paused ${still.telemetryNotStored}, edge sent ${edge.sent()}, resumed ${resumeMs} ms after the purge`);
    recorder.stop();
    await agent.stop();
  });
});

type DiskMode = 'tmpfs' | 'max_page_count';

interface SmallDisk {
  readonly dataDir: string;
  /** Leaves about `bytes` for the store to grow into. */
  fill(agent: Agent, bytes: number): void;
  free(agent: Agent): void;
}

function smallDisk(mode: DiskMode): SmallDisk | undefined {
  if (mode === 'tmpfs') {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-diskfull-tmpfs-'));
    if (!tryMountTmpfs(dataDir, 48)) {
      rmSync(dataDir, { recursive: true, force: true });
      return undefined;
    }
    cleanups.push(() => {
      unmount(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    });
    let filler: string | undefined;
    return {
      dataDir,
      fill: (_agent, bytes) => {
        filler = fillDisk(dataDir, bytes);
      },
      free: () => removeFile(filler!),
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'pd-diskfull-pages-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return {
    dataDir,
    fill: (agent, bytes) => {
      const pageSize = agent.db.pragma('page_size', { simple: true }) as number;
      const inUse = (agent.db.pragma('page_count', { simple: true }) as number);
      agent.db.pragma(`max_page_count = ${inUse + Math.ceil(bytes / pageSize)}`);
    },
    free: (agent) => {
      agent.db.pragma('max_page_count = 1000000000');
    },
  };
}

// A tmpfs needs root (and a kernel that lets this process mount); where it cannot be mounted that case is skipped
// and the page-limit case stands in for it.
const tmpfsProbe = mkdtempSync(join(tmpdir(), 'pd-tmpfs-probe-'));
const tmpfsPermitted = tryMountTmpfs(tmpfsProbe, 1);
if (tmpfsPermitted) unmount(tmpfsProbe);
rmSync(tmpfsProbe, { recursive: true, force: true });

describe.each<DiskMode>(['tmpfs', 'max_page_count'])('disk full (%s)', (mode) => {
  it.skipIf(mode === 'tmpfs' && !tmpfsPermitted)('keeps the agent up on SQLITE_FULL, pauses intake, loses no acknowledged message, and resumes by itself when space returns', async () => {
    const disk = smallDisk(mode)!;
    const SEEDED_TELEMETRY = 3000;
    const MESSAGES = 3000;
    mkdirSync(disk.dataDir, { recursive: true });
    seedStore(join(disk.dataDir, 'plantdesk.db'), { telemetryRows: SEEDED_TELEMETRY, postedEvents: 0 });
    const agent = await start(disk.dataDir, `plantdesk-full-${mode.replace(/_/g, '-')}`, { reserveFreeMb: 0, capacityCheckS: 1 });
    const edge = track(await startEdge(broker.url, 20));
    await waitFor(() => (countWhere(agent.db, "source = 'spb' AND status = 'telemetry'") > 0 ? true : undefined), 10_000, 'live telemetry stored');
    const recorder = track(recordCapacity(agent, 50));

    // The disk is nearly full now; the confirmations need several times what is left.
    disk.fill(agent, 1.5 * MB);
    const publisher = track(await startPublisher(broker.url, MESSAGES, 2000, `full-${mode}`));
    const full = await waitFor(async () => {
      const capacity = await capacityOf(agent);
      return capacity.reason === 'disk-full' ? capacity : undefined;
    }, 30_000, "state 'disk-full'");
    await publisher.done;
    expect(publisher.acked.size).toBe(MESSAGES);
    expect(full.intakePaused).toBe(true);
    expect(full.lastError).toMatch(/^SQLITE_(FULL|IOERR)/);
    expect(full.warning).toMatch(/^Disk full: the store cannot write/);
    const health = await agent.api.getHealth();
    expect(health.status).toBe('degraded');
    expect(health.capacity?.reason).toBe('disk-full');

    if (mode === 'max_page_count') {
      // Inside the file, deleting telemetry gives pages new rows can use: it is shed first, oldest first, counted,
      // and only as much as the budget needs (so some of the seeded rows may stay).
      await waitFor(() => (countWhere(agent.db, "source = 'seed' AND status = 'telemetry'") < SEEDED_TELEMETRY ? true : undefined), 30_000, 'the seeded telemetry being shed');
      const left = agent.db.prepare("SELECT COUNT(*) AS n, MIN(id) AS first, MAX(id) AS last FROM raw_message WHERE source = 'seed' AND status = 'telemetry'").get() as { n: number; first: number | null; last: number | null };
      // Oldest first: what is left of the seeded telemetry is its newest rows, one unbroken run.
      if (left.n > 0) expect(left.last! - left.first! + 1).toBe(left.n);
    }
    // It stays paused while there is no room: the agent answers, stores nothing more, and the broker keeps the rest.
    const settled = await waitFor(async () => {
      const before = storedMesIds(agent.db).size;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const capacity = await capacityOf(agent);
      return capacity.intakePaused && storedMesIds(agent.db).size === before ? capacity : undefined;
    }, 60_000, 'intake paused with nothing more stored');
    const storedWhileFull = storedMesIds(agent.db).size;
    expect(storedWhileFull).toBeLessThan(MESSAGES);
    if (mode === 'max_page_count') expect(settled.telemetryShed).toBeGreaterThan(0);
    expect(telemetryShedTotal(agent.db)).toBe(settled.telemetryShed);

    // Space returns: intake resumes by itself, and every acknowledged message is stored once.
    const freedAt = Date.now();
    disk.free(agent);
    await waitFor(async () => ((await capacityOf(agent)).intakePaused ? undefined : true), 70_000, 'intake resumed');
    const resumeMs = Date.now() - freedAt;
    await expectAllStored(agent, publisher, 60_000);
    expect(recorder.seen.some((s) => s.capacity.reason === 'disk-full')).toBe(true);
    expect(agent.db.pragma('integrity_check', { simple: true })).toBe('ok');
    console.info(`disk full (${mode}): ${MESSAGES} acknowledged, lost 0, stored while full ${storedWhileFull}, telemetry shed ${settled.telemetryShed}, edge sent ${edge.sent()}, resumed ${resumeMs} ms after space was freed`);
    recorder.stop();
    await agent.stop();
  });
});
