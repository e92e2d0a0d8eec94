// Shared by the OPC UA counter and recovery tests: the agent in-process on a temp data dir against the demo plant's
// real OPC UA server, a restartable server on a fixed port, a TCP proxy that can cut the network, and the sums of
// what the agent confirmed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ConnectionStatus, LineStatus } from '../../domain/index.js';
import { getCounterState } from '../../local-store/counters.js';
import { ConfigSchema, createLogger, startAgent, type Agent, type AgentConfigInput } from '../../main/agent/index.js';
import { DEMO_OPCUA_NODES, findFreePort, LineModel, startPlantOpcuaServer, type LineConfig, type PlantOpcuaServer } from '../../sim/plant/index.js';
import { waitFor } from '../helpers/consoleProcess.js';

export { waitFor };

export const NODES = DEMO_OPCUA_NODES('L1');
export const SOURCE = 'plc';

type LineInput = NonNullable<AgentConfigInput['opcua']>[number]['lines'][number];

/** A temp directory removed when the test finishes. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Values in [0.05, 1), spread evenly (golden-ratio steps): the model's scrap draws and cycle jitter vary, but it never
 * draws a down or idle spell (those need a draw below 0.02 per simulated second), so a test controls when parts stop.
 */
function neverStops(seed: number): () => number {
  let x = seed % 1;
  return () => {
    x = (x + 0.618_033_988_75) % 1;
    return 0.05 + 0.95 * x;
  };
}

/** One line L1; fast parts, some scrap, no random stops. Not started: tests start it or advance it by hand. */
export function lineModel(overrides: Partial<LineConfig> = {}, seed = 0.7): LineModel {
  return new LineModel({ lines: [{ line: 'L1', cycleSeconds: 0.05, scrapRate: 0.1, ...overrides }], random: neverStops(seed) });
}

/** The demo plant's OPC UA server on a fixed port, so it can be stopped and started again where the agent expects it. */
export class RestartableServer {
  private server: PlantOpcuaServer | undefined;

  private constructor(readonly port: number, private readonly pkiDir: string) {}

  static async start(model: LineModel, pkiDir: string): Promise<RestartableServer> {
    const s = new RestartableServer(await findFreePort(), pkiDir);
    await s.startWith(model);
    onTestFinished(() => s.stop());
    return s;
  }

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.port}/UA/DemoPlant`;
  }

  /** A new server instance (new sessions, new subscriptions) serving this model. */
  async startWith(model: LineModel): Promise<void> {
    this.server = await startPlantOpcuaServer({ port: this.port, model, pkiDir: this.pkiDir });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await s?.stop();
  }
}

/** A TCP proxy in front of the server: cut() drops every connection and refuses new ones, like a dead network. */
export class CuttableProxy {
  private listener: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(readonly port: number, private readonly target: number) {}

  static async start(target: number): Promise<CuttableProxy> {
    const p = new CuttableProxy(await findFreePort(), target);
    await p.restore();
    onTestFinished(() => p.cut());
    return p;
  }

  endpoint(path = '/UA/DemoPlant'): string {
    return `opc.tcp://127.0.0.1:${this.port}${path}`;
  }

  async restore(): Promise<void> {
    const listener = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.target });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.listener = listener;
  }

  async cut(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    for (const s of this.sockets) s.destroy();
    if (listener) await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

export interface TestAgentOptions {
  readonly endpoint: string;
  readonly dataDir: string;
  readonly erpUrl?: string;
  readonly line?: Partial<LineInput>;
  readonly source?: { readonly deadband?: number; readonly queueSize?: number };
}

/** The agent in-process, security None (the demo server's test endpoint), 1 s confirmation intervals. */
export async function startTestAgent(options: TestAgentOptions): Promise<Agent> {
  const config = ConfigSchema.parse({
    plant: '1010',
    log: { level: 'warn' },
    opcua: [{
      name: SOURCE, endpoint: options.endpoint, securityMode: 'None', allowInsecure: true, samplingIntervalMs: 50, publishingIntervalMs: 200, ...options.source,
      lines: [{
        line: 'L1', good: NODES.goodCount, scrap: NODES.scrapCount, state: NODES.state, order: NODES.currentOrder,
        workCenter: 'WC-L1', confirmEveryS: 1, ...options.line,
      }],
    }],
    // Without an ERP simulator the sync engine finds nothing listening and the confirmations wait in 'mapped'.
    erp: { kind: 'sap-odata', baseUrl: options.erpUrl ?? 'http://127.0.0.1:1', sapClient: '100', postIntervalMs: 200 },
  } satisfies AgentConfigInput);
  const agent = await startAgent({ config, dataDir: options.dataDir, logger: createLogger('error'), version: 'test' });
  let stopped = false;
  const stop = agent.stop.bind(agent);
  const wrapped: Agent = {
    ...agent,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stop();
    },
  };
  onTestFinished(() => wrapped.stop());
  return wrapped;
}

export interface Confirmed {
  readonly yieldQty: number;
  readonly scrapQty: number;
  readonly events: number;
  readonly statuses: readonly string[];
}

/** What the agent has made of the counters so far: confirmations of line L1 and their sums. */
export function confirmed(agent: Agent): Confirmed {
  const rows = agent.db.prepare("SELECT body, status FROM event WHERE kind = 'confirmation'").all() as { body: string; status: string }[];
  const bodies = rows.map((r) => JSON.parse(r.body) as { line: string; yieldQty: number; scrapQty: number });
  return {
    yieldQty: bodies.reduce((n, b) => n + b.yieldQty, 0),
    scrapQty: bodies.reduce((n, b) => n + b.scrapQty, 0),
    events: rows.length,
    statuses: [...new Set(rows.map((r) => r.status))].sort(),
  };
}

/** The good counter's last committed value, once the agent has one. */
export function committedGood(agent: Agent): number | undefined {
  return getCounterState(agent.db, SOURCE, NODES.goodCount)?.value;
}

export async function lineStatus(agent: Agent): Promise<LineStatus> {
  return (await agent.api.getDashboard()).lines.find((l) => l.line === 'L1')!;
}

export async function opcuaConnection(agent: Agent): Promise<ConnectionStatus> {
  return (await agent.api.getDashboard()).connections.find((c) => c.kind === 'opcua')!;
}

/** Counts every part the model makes, good and scrap, from the model's own events. */
export function countProduced(model: LineModel): { good: number; scrap: number } {
  const produced = { good: 0, scrap: 0 };
  model.on('produced', (e) => {
    produced[e.kind]++;
  });
  return produced;
}

/**
 * Waits until the agent has committed the model's final counter values and confirmed every increment, then checks
 * for a while that nothing more is confirmed (a double count would show up late).
 */
export async function settle(agent: Agent, model: LineModel, expected: { good: number; scrap: number }, timeoutMs = 30_000): Promise<Confirmed> {
  const final = model.snapshot('L1');
  await waitFor(() => (committedGood(agent) === final.goodCount ? true : undefined), timeoutMs, `the agent to commit good count ${final.goodCount} (has ${committedGood(agent)})`);
  await waitFor(() => {
    const c = confirmed(agent);
    return c.yieldQty >= expected.good && c.scrapQty >= expected.scrap ? true : undefined;
  }, timeoutMs, `confirmations to reach yield ${expected.good} / scrap ${expected.scrap} (have ${JSON.stringify(confirmed(agent))})`).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 2500));
  return confirmed(agent);
}
