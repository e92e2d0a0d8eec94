// Composition root of the agent: opens the store, starts the connectors and the sync engine, and offers the
// PlantDesk API. Plain Node: the same agent runs headless (`plantdesk console`) or in Electron's utility process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createErpAdapter } from '../../connectors/erp/index.js';
import { startMqttSource, type MqttSource } from '../../connectors/mqtt/index.js';
// node-opcua costs about 1 s of start-up to import: loaded only when it is needed (loadOpcua below).
import type { OpcuaPki, OpcuaSignal, OpcuaSource } from '../../connectors/opcua/index.js';
import { maintainStatusCounts, readEnterpriseCursor, type StoreOpening, type WritableDb } from '../../local-store/index.js';
import type { SparkplugNodeInfo } from '../../domain/index.js';
import type { ServedApi } from './apiDispatch.js';
import { startCheckedAgent, type StartGate } from './agentStart.js';
import { StoreMaintenance } from './maintenance.js';
import { ApiService } from './apiService.js';
import type { AgentConfig } from './config/schema.js';
import { ConnectionRegistry } from './connectionRegistry.js';
import { CounterConfirmations, counterLinesFromConfig } from './counterConfirmations.js';
import { ConnectionFreshness, Freshness, trackedSignalsFromConfig } from './freshness.js';
import { Ingest } from './ingest.js';
import { CapacityMonitor } from './capacity.js';
import { IntakePausedError } from './capacityGate.js';
import { mapperFromConfig, unitTableFromConfig } from './mapping.js';
import { Replayer } from './replay.js';
import { LineMonitor } from './lineMonitor.js';
import { OrderCache } from './orderCache.js';
import { ExceptionsService } from './exceptions/index.js';
import type { OpcuaAdmin, OpcuaAdminApi } from './opcuaAdmin.js';
import type { Logger } from './logger.js';
import { SyncEngine } from './syncEngine.js';
import { startSparkplugSources } from './sparkplug.js';
import { EnterprisePublisher } from './enterprisePublisher.js';
import { ENTERPRISE_CONNECTION_NAME } from './config/enterpriseSchema.js';
import { opcuaWritableNodes } from './config/opcuaSchema.js';
import { displayUrl } from '../../connectors/mqtt/index.js';
import { AuthService } from './auth/authService.js';
import { DEMO_ACCOUNTS } from './auth/demoAccounts.js';
import { AgentMetrics } from './metrics.js';
import { instrumentErpAdapter } from './metricsErp.js';
import { Diagnostics } from './diagnostics.js';
import { teeLoggerToRing } from './diagnosticsLog.js';

export interface AgentOptions {
  readonly config: AgentConfig;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly version: string;
  readonly demo?: boolean;
}

export interface Agent {
  /** Stays the same object for the agent's life, also when a recovery replaced the agent behind it (agentStart.ts). */
  readonly api: ServedApi;
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

/** The API answers while the store's integrity check runs on a worker; intake starts once it passed (agentStart.ts). */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  mkdirSync(options.dataDir, { recursive: true });
  return startCheckedAgent({
    file: join(options.dataDir, 'plantdesk.db'), backupDir: storeBackupDir(options), logger: options.logger,
    start: (store, gate) => startAgentOn(options, store, gate),
  });
}

function storeBackupDir(options: AgentOptions): string {
  return options.config.store.backup.dir ?? join(options.dataDir, 'backups');
}

async function startAgentOn(options: AgentOptions, store: StoreOpening, gate: StartGate): Promise<Agent | null> {
  const { config, logger } = options;
  mkdirSync(options.dataDir, { recursive: true });
  // PlantDesk's OPC UA PKI (own/, trusted/, issuers/, rejected/): opened at start when OPC UA sources are
  // configured; without sources on the first certificate request, so an engineer can still export PlantDesk's
  // certificate to a server's trust list before configuring one, while the agent starts without node-opcua.
  const opcuaRuntime = loadOpcua(opcuaPkiDir(options.dataDir));
  const opcuaNow = config.opcua.length > 0 ? await opcuaRuntime.connector() : undefined;
  // The store was opened by agentStart.ts (a backup before any migration; quick_check then or on a worker), and
  // backups and retention run on a timer (maintenance.ts).
  const backupDir = storeBackupDir(options);
  const db = store.db;
  // Queue counts per status kept by triggers on this connection: the dashboard never scans a million-row index.
  maintainStatusCounts(db);
  const maintenance = new StoreMaintenance({ db, config: config.store, backupDir, logger, migration: store.migration, recovery: store.recovery, onChange: () => markDirty(),
    integrityCheck: gate.integrityCheck,
    // Retention keeps finished events whose changes the enterprise broker has not acknowledged yet.
    ...(config.enterprise ? { publishedHistoryId: () => readEnterpriseCursor(db)?.historyId ?? 0 } : {}) });
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
  // Enterprise publish captures event changes from the first write on: constructed before any intake starts.
  const enterprise = startEnterprise(config, db, logger, connections, markDirty);
  // Disk budget and back pressure (capacity.ts): measures the store, sheds telemetry, pauses and resumes intake;
  // told of every group commit that failed for want of space. Its first look runs before any source starts.
  const ingest = new Ingest(db, logger, { orders, mapper, units, counters, onStoreFailure: (error) => capacity.storeFailed(error) });
  const capacity = new CapacityMonitor({ db, intake: ingest, config: config.store, logger, onChange: markDirty });
  const replayer = new Replayer({ db, mapper, logger, orders, units });
  const opcuaByName = new Map<string, OpcuaSource>();
  const opcua = opcuaRuntime.admin({ db, sources: opcuaByName, logger });
  // Users and sessions: the demo gets its documented accounts; a plant without any gets the first-admin setup code.
  const auth = new AuthService({ db, config: config.auth, logger, dataDir: options.dataDir });
  await auth.start(options.demo === true ? DEMO_ACCOUNTS : []);
  // Issue 7: /metrics read at scrape time (metrics.ts) and the diagnostics bundle (the logger's newest lines in a ring).
  const metrics = new AgentMetrics();
  const diagnostics: Diagnostics = new Diagnostics({ config, logs: teeLoggerToRing(logger), health: () => api.getHealth(), queue: () => api.getQueue(), connections: () => connections.list() });
  // The exceptions workspace (issue 6): the rules over the cached orders and the plant's unit table.
  const exceptions = new ExceptionsService({ db, findOrder: orders.lookup, ordersLoaded: () => orders.loaded, units, config: config.exceptions, onChange: markDirty });
  const api = new ApiService({ exceptions, metrics, diagnostics, auth, db, lines, connections, plant: config.plant, version: options.version, demo: options.demo ?? false, startedAt: Date.now(), opcua, replayer, store: maintenance, capacity, ...(enterprise ? { enterprise } : {}), sparkplug: { nodes: () => sparkplugNodes() },
    // The sync engine starts after the integrity check: until then its status is absent (syncEngine.ts).
    sync: { status: () => syncEngine?.status(), reconcile: (orderIds) => syncEngine ? syncEngine.reconcile(orderIds) : Promise.reject(new Error('the sync engine has not started')) } });
  // The API answers from here on. Intake, sync, publish and upkeep start once the integrity check passed; until
  // then brokers keep what is unacknowledged. Told not to start (damage found): release what started.
  let sparkplugNodes = (): SparkplugNodeInfo[] => [];
  let syncEngine: SyncEngine | undefined = undefined;
  metrics.useSources({
    queue: () => api.getQueue(), connections: () => connections.list(),
    // Listing certificates loads node-opcua: only where OPC UA sources are configured.
    ...(config.opcua.length > 0 ? { certificates: () => opcua.listCertificates() } : {}),
  });
  gate.apiReady(api);
  if (!(await gate.checkPassed())) {
    await opcuaRuntime.dispose();
    return null;
  }
  enterprise?.start();
  capacity.start();

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

  // Sparkplug B host connections: every message a raw row (telemetry or rejected), committed before its PUBACK.
  // (The API above reads their nodes only once the agent has started.)
  const sparkplug = startSparkplugSources(config, ingest, logger, connections, markDirty);
  sparkplugNodes = () => sparkplug.nodes();

  const sourceFreshness = new Map<string, ConnectionFreshness>();
  const opcuaSources: OpcuaSource[] = await Promise.all(
    config.opcua.map((source) => {
      const id = connections.register('opcua', source.name, source.endpoint);
      const status = new ConnectionFreshness((state, error) => connections.setState(id, state, error));
      sourceFreshness.set(source.name, status);
      for (const line of source.lines) lines.addLine(line.line, source.name);
      return opcuaNow!.module.startOpcuaSource(
        { ...source, signals: opcuaSignals(source), writable: opcuaWritableNodes(source), pki: opcuaNow!.pki },
        (sample) => {
          // The live view shows a value only once it is committed, so what the screen shows survives a crash.
          ingest.submitOpcua(sample).then(
            () => {
              lines.apply(sample.signal.line, sample.signal.role, sample.value, sample.receivedAt);
              freshness.seen(sample.source, sample.signal.line, sample.signal.role, sample.receivedAt, sample.value);
              connections.markData(id, sample.receivedAt);
              markDirty();
            },
            (error: Error) => {
              // Paused intake (capacity.ts) is shown as the store's state, not as a fault of the source.
              if (error instanceof IntakePausedError) return;
              connections.setState(id, 'error', `could not store a value of ${sample.signal.nodeId}: ${error.message}`);
            },
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

  const erp = instrumentErpAdapter(createErpAdapter(config.erp), metrics.erp);
  const sync = new SyncEngine({
    db, erp, orders, plant: config.plant, ordersRefreshS: config.erp.ordersRefreshS, postIntervalMs: config.erp.postIntervalMs,
    logger, connections, connectionId: connections.register('erp', 'erp', config.erp.baseUrl), onChange: markDirty, units, sync: config.sync,
  });
  sync.start();
  syncEngine = sync;
  maintenance.start();
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
      capacity.stop();
      counters.stop();
      freshness.stop();
      await Promise.all(mqttSources.map((s) => s.stop()));
      await sparkplug.stop();
      await Promise.all(opcuaSources.map((s) => s.stop()));
      await opcuaRuntime.dispose();
      // Every source has stopped handing in messages: commit what is still queued before the database closes.
      ingest.flush();
      await sync.stop();
      await enterprise?.stop();
      await maintenance.stop();
      db.close();
      logger.info('agent stopped; database closed');
    },
  };
}

function startEnterprise(config: AgentConfig, db: WritableDb, logger: Logger, connections: ConnectionRegistry, onChange: () => void): EnterprisePublisher | undefined {
  if (!config.enterprise) return undefined;
  const id = connections.register('mqtt', ENTERPRISE_CONNECTION_NAME, displayUrl(config.enterprise.url));
  const publisher = new EnterprisePublisher({
    db, config: config.enterprise, plant: config.plant, logger,
    onStatus: (state, error) => connections.setState(id, state, error),
    onPublished: (at) => {
      connections.markData(id, at);
      onChange();
    },
  });
  return publisher;
}

type OpcuaConnectorModule = typeof import('../../connectors/opcua/index.js');

/**
 * node-opcua on demand: the connector and the PKI on the first call of connector() (at start when sources are
 * configured), the API's certificate admin through a facade that loads them on its first request.
 */
function loadOpcua(pkiDir: string): {
  connector(): Promise<{ readonly module: OpcuaConnectorModule; readonly pki: OpcuaPki }>;
  admin(options: { readonly db: WritableDb; readonly sources: ReadonlyMap<string, OpcuaSource>; readonly logger: Logger }): OpcuaAdminApi;
  dispose(): Promise<void>;
} {
  let connector: Promise<{ readonly module: OpcuaConnectorModule; readonly pki: OpcuaPki }> | undefined;
  let admin: Promise<OpcuaAdmin> | undefined;
  const loadConnector = (): NonNullable<typeof connector> => {
    connector ??= import('../../connectors/opcua/index.js').then(async (module) => ({ module, pki: await module.OpcuaPki.open(pkiDir) }));
    return connector;
  };
  return {
    connector: loadConnector,
    admin(options) {
      const load = (): Promise<OpcuaAdmin> => {
        admin ??= Promise.all([loadConnector(), import('./opcuaAdmin.js')]).then(([{ pki }, { OpcuaAdmin }]) => new OpcuaAdmin({ ...options, pki }));
        return admin;
      };
      // Loads node-opcua and the PKI on the first call.
      return {
        listCertificates: async () => (await load()).listCertificates(),
        exportOwnCertificate: async () => (await load()).exportOwnCertificate(),
        browse: async (query) => (await load()).browse(query),
        trustCertificate: async (args, actor) => (await load()).trustCertificate(args, actor),
        writeNode: async (args, actor) => (await load()).writeNode(args, actor),
      };
    },
    async dispose() {
      if (connector) await connector.then(({ pki }) => pki.dispose(), () => undefined);
    },
  };
}
