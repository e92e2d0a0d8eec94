// Composition root of the agent: opens the store, starts the connectors and the sync engine, and offers the
// PlantDesk API. Plain Node: the same agent runs headless (`plantdesk console`) or in Electron's utility process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSapODataAdapter } from '../../connectors/erp/index.js';
import { startMqttSource, type MqttSource } from '../../connectors/mqtt/index.js';
import { OpcuaPki, startOpcuaSource, type OpcuaSignal, type OpcuaSource } from '../../connectors/opcua/index.js';
import { openDatabase, type WritableDb } from '../../local-store/index.js';
import { ApiService } from './apiService.js';
import type { AgentConfig } from './config/schema.js';
import { ConnectionRegistry } from './connectionRegistry.js';
import { CounterConfirmations, counterLinesFromConfig } from './counterConfirmations.js';
import { ConnectionFreshness, Freshness, trackedSignalsFromConfig } from './freshness.js';
import { Ingest } from './ingest.js';
import { mapperFromConfig, unitTableFromConfig } from './mapping.js';
import { Replayer } from './replay.js';
import { LineMonitor } from './lineMonitor.js';
import { OrderCache } from './orderCache.js';
import { OpcuaAdmin } from './opcuaAdmin.js';
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

/** PlantDesk's OPC UA PKI under the data directory: own/, trusted/certs, issuers/, rejected/. */
export function opcuaPkiDir(dataDir: string): string {
  return join(dataDir, 'pki', 'opcua');
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { config, logger } = options;
  mkdirSync(options.dataDir, { recursive: true });
  // PlantDesk's OPC UA PKI (own/, trusted/, issuers/, rejected/): opened even without sources, so an engineer can
  // export PlantDesk's certificate to a server's trust list before configuring it.
  const opcuaPki = await OpcuaPki.open(opcuaPkiDir(options.dataDir));
  const db = openDatabase(join(options.dataDir, 'plantdesk.db'));
  let dirty = true;
  const markDirty = (): void => {
    dirty = true;
  };
  const connections = new ConnectionRegistry(markDirty);
  const lines = new LineMonitor();
  // OPC UA freshness (stale after 3 expected periods without a value) and counters -> confirmations.
  const freshness = new Freshness();
  for (const signal of trackedSignalsFromConfig(config.opcua)) freshness.track(signal);
  lines.useFreshness((line) => freshness.line(line));
  const counters = new CounterConfirmations({ db, logger, plant: config.plant, lines: counterLinesFromConfig(config.opcua), onConfirmed: markDirty });
  const orders = new OrderCache(db);
  // Mappings compiled once from the configuration; the unit table serves validation at intake, later and on replay.
  const mapper = mapperFromConfig(config);
  const units = unitTableFromConfig(config.units);
  const ingest = new Ingest(db, logger, { orders, mapper, units, counters });
  const replayer = new Replayer({ db, mapper, logger, orders, units });
  const opcuaByName = new Map<string, OpcuaSource>();
  const opcua = new OpcuaAdmin({ db, pki: opcuaPki, sources: opcuaByName, logger });
  const api = new ApiService({ db, lines, connections, plant: config.plant, version: options.version, demo: options.demo ?? false, startedAt: Date.now(), opcua, replayer });

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

  const sourceFreshness = new Map<string, ConnectionFreshness>();
  const opcuaSources: OpcuaSource[] = await Promise.all(
    config.opcua.map((source) => {
      const id = connections.register('opcua', source.name, source.endpoint);
      const status = new ConnectionFreshness((state, error) => connections.setState(id, state, error));
      sourceFreshness.set(source.name, status);
      for (const line of source.lines) lines.addLine(line.line, source.name);
      return startOpcuaSource(
        { ...source, signals: opcuaSignals(source), pki: opcuaPki },
        (sample) => {
          // The live view shows a value only once it is committed, so what the screen shows survives a crash.
          ingest.submitOpcua(sample).then(
            () => {
              lines.apply(sample.signal.line, sample.signal.role, sample.value, sample.receivedAt);
              freshness.seen(sample.source, sample.signal.line, sample.signal.role, sample.receivedAt, sample.value);
              connections.markData(id, sample.receivedAt);
              markDirty();
            },
            (error: Error) => connections.setState(id, 'error', `could not store a value of ${sample.signal.nodeId}: ${error.message}`),
          );
        },
        (state, error) => {
          freshness.setConnected(source.name, state === 'connected');
          status.socket(state, error);
        },
        (warning) => connections.setWarning(id, warning),
      ).then((running) => {
        opcuaByName.set(source.name, running);
        return running;
      });
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
    logger, connections, connectionId: connections.register('erp', 'erp', config.erp.baseUrl), onChange: markDirty, units,
  });
  sync.start();
  counters.start();
  freshness.start(() => {
    for (const [name, status] of sourceFreshness) status.stale(freshness.describeSource(name));
    markDirty();
  });

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
      counters.stop();
      freshness.stop();
      await Promise.all(mqttSources.map((s) => s.stop()));
      ingest.flush();
      await Promise.all(opcuaSources.map((s) => s.stop()));
      await opcuaPki.dispose();
      await sync.stop();
      db.close();
      logger.info('agent stopped; database closed');
    },
  };
}
