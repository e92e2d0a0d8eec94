// Composition root of the agent: opens the store, starts the connectors and the sync engine, and offers the
// PlantDesk API. Plain Node: the same agent runs headless (`plantdesk console`) or in Electron's utility process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSapODataAdapter } from '../../connectors/erp/index.js';
import { startMqttSource, type MqttSource } from '../../connectors/mqtt/index.js';
import { startOpcuaSource, type OpcuaSignal, type OpcuaSource } from '../../connectors/opcua/index.js';
import { openDatabase, type WritableDb } from '../../local-store/index.js';
import { ApiService } from './apiService.js';
import type { AgentConfig } from './config/schema.js';
import { ConnectionRegistry } from './connectionRegistry.js';
import { Ingest } from './ingest.js';
import { LineMonitor } from './lineMonitor.js';
import { OrderCache } from './orderCache.js';
import type { Logger } from './logger.js';
import { SyncEngine } from './syncEngine.js';

export interface AgentOptions {
  readonly config: AgentConfig;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly version: string;
  readonly demo?: boolean;
}

export interface Agent {
  readonly api: ApiService;
  readonly db: WritableDb;
  stop(): Promise<void>;
}

/** The console receives aggregated state at most 4 times a second, and at least every 2 s for ages. */
const PUSH_MIN_INTERVAL_MS = 250;
const PUSH_IDLE_INTERVAL_MS = 2000;

function opcuaSignals(source: AgentConfig['opcua'][number]): OpcuaSignal[] {
  return source.lines.flatMap((l) => {
    const roles = { good: l.good, scrap: l.scrap, state: l.state, stateReason: l.stateReason, order: l.order } as const;
    return Object.entries(roles).flatMap(([role, nodeId]) => (nodeId ? [{ line: l.line, role: role as OpcuaSignal['role'], nodeId }] : []));
  });
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { config, logger } = options;
  mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(join(options.dataDir, 'plantdesk.db'));
  let dirty = true;
  const markDirty = (): void => {
    dirty = true;
  };
  const connections = new ConnectionRegistry(markDirty);
  const lines = new LineMonitor();
  const orders = new OrderCache(db);
  const ingest = new Ingest(db, logger, { orders });
  const api = new ApiService({ db, lines, connections, plant: config.plant, version: options.version, demo: options.demo ?? false, startedAt: Date.now() });

  const mqttSources: MqttSource[] = config.mqtt.map((source) => {
    const id = connections.register('mqtt', source.name, source.url);
    return startMqttSource(
      source,
      async (message) => {
        await ingest.submitMqtt(message);
        connections.markData(id, message.receivedAt);
        markDirty();
      },
      (state, error) => connections.setState(id, state, error),
    );
  });

  const opcuaSources: OpcuaSource[] = await Promise.all(
    config.opcua.map((source) => {
      const id = connections.register('opcua', source.name, source.endpoint);
      for (const line of source.lines) lines.addLine(line.line, source.name);
      return startOpcuaSource(
        { ...source, signals: opcuaSignals(source), pkiDir: join(options.dataDir, 'pki', 'opcua') },
        (sample) => {
          // The live view shows a value only once it is committed, so what the screen shows survives a crash.
          ingest.submitOpcua(sample).then(
            () => {
              lines.apply(sample.signal.line, sample.signal.role, sample.value, sample.receivedAt);
              connections.markData(id, sample.receivedAt);
              markDirty();
            },
            (error: Error) => connections.setState(id, 'error', `could not store a value of ${sample.signal.nodeId}: ${error.message}`),
          );
        },
        (state, error) => connections.setState(id, state, error),
      );
    }),
  );

  const erp = createSapODataAdapter({
    baseUrl: config.erp.baseUrl, timeoutMs: config.erp.timeoutMs,
    ...(config.erp.sapClient !== undefined ? { sapClient: config.erp.sapClient } : {}),
    ...(config.erp.username !== undefined ? { username: config.erp.username } : {}),
    ...(config.erp.password !== undefined ? { password: config.erp.password } : {}),
  });
  const sync = new SyncEngine({
    db, erp, orders, plant: config.plant, ordersRefreshS: config.erp.ordersRefreshS, postIntervalMs: config.erp.postIntervalMs,
    logger, connections, connectionId: connections.register('erp', 'erp', config.erp.baseUrl), onChange: markDirty,
  });
  sync.start();

  let lastPush = 0;
  const pushTimer = setInterval(() => {
    const now = Date.now();
    if (!dirty && now - lastPush < PUSH_IDLE_INTERVAL_MS) return;
    dirty = false;
    lastPush = now;
    api.publishDashboard();
  }, PUSH_MIN_INTERVAL_MS);

  logger.info({ dataDir: options.dataDir, opcua: config.opcua.length, mqtt: config.mqtt.length, erp: config.erp.baseUrl }, 'agent started');

  return {
    api,
    db,
    async stop() {
      clearInterval(pushTimer);
      await Promise.all(mqttSources.map((s) => s.stop()));
      ingest.flush();
      await Promise.all(opcuaSources.map((s) => s.stop()));
      await sync.stop();
      db.close();
      logger.info('agent stopped; database closed');
    },
  };
}
