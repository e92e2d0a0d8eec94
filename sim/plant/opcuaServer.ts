// The demo plant's OPC UA server: per line, good/scrap counters, machine state and current order,
// fed by the LineModel, as a PLC or SCADA server on the shop floor would expose them; and per line a writable
// DispatchOrder (String) where the console dispatches the next order number, as a line PLC's order mailbox.

import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  type UAVariable,
} from 'node-opcua';
import type { LineModel, ProducedEvent, StateEvent } from './lineModel.js';

export const DEMO_OPCUA_RESOURCE_PATH = '/UA/DemoPlant';

export interface DemoOpcuaNodes {
  readonly goodCount: string;
  readonly scrapCount: string;
  readonly state: string;
  readonly stateReason: string;
  readonly currentOrder: string;
  /** Writable (String): the order number dispatched to the line; empty until one is written. */
  readonly dispatchOrder: string;
}

/** Node ids of one line's variables, e.g. DEMO_OPCUA_NODES('L1').goodCount === 'ns=1;s=L1.GoodCount'. */
export function DEMO_OPCUA_NODES(line: string): DemoOpcuaNodes {
  return {
    goodCount: `ns=1;s=${line}.GoodCount`,
    scrapCount: `ns=1;s=${line}.ScrapCount`,
    state: `ns=1;s=${line}.State`,
    stateReason: `ns=1;s=${line}.StateReason`,
    currentOrder: `ns=1;s=${line}.CurrentOrder`,
    dispatchOrder: `ns=1;s=${line}.DispatchOrder`,
  };
}

export interface PlantOpcuaServerOptions {
  /** TCP port on 127.0.0.1; 0 or omitted picks a free one. */
  readonly port?: number;
  readonly model: LineModel;
  /** Where the server keeps its own certificate and trusted/rejected client certificates.
   *  Default: a fresh temp dir (never ~/.config). Reuse a dir to keep the same certificate across runs. */
  readonly pkiDir?: string;
}

export interface PlantOpcuaServer {
  /** opc.tcp://127.0.0.1:PORT/UA/DemoPlant */
  readonly endpointUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** node-opcua wants a concrete port, so borrow one from the OS and hand it back before the server binds it. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

async function startOnce(port: number, pkiDir: string, model: LineModel): Promise<PlantOpcuaServer> {
  // Two managers, both under pkiDir: the server otherwise creates the user-token one under ~/.config.
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(pkiDir, 'server'),
    automaticallyAcceptUnknownCertificate: true,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: join(pkiDir, 'user'),
    automaticallyAcceptUnknownCertificate: true,
  });
  const server = new OPCUAServer({
    port,
    host: '127.0.0.1',
    hostname: '127.0.0.1',
    alternateHostname: ['127.0.0.1'],
    resourcePath: DEMO_OPCUA_RESOURCE_PATH,
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    allowAnonymous: true,
    serverCertificateManager,
    userCertificateManager,
    buildInfo: { productName: 'PlantDesk demo plant', manufacturerName: 'PlantDesk', softwareVersion: '0.1.0' },
    serverInfo: { applicationUri: 'urn:plantdesk:demo-plant', productUri: 'urn:plantdesk:demo-plant' },
  });
  await server.initialize();
  const unbind = bindLines(server, model);
  try {
    await server.start();
  } catch (err) {
    unbind();
    await server.shutdown(0).catch(() => undefined);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}${DEMO_OPCUA_RESOURCE_PATH}`,
    port,
    stop: () => {
      stopping ??= (async () => {
        unbind();
        await server.shutdown(0);
      })();
      return stopping;
    },
  };
}

/** Builds one folder per line with five read-only variables kept in step with the model, and a writable DispatchOrder. */
function bindLines(server: OPCUAServer, model: LineModel): () => void {
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('OPC UA address space not ready');
  const ns = addressSpace.getOwnNamespace();
  const plant = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'DemoPlant', nodeId: 's=DemoPlant' });
  const vars = new Map<string, { good: UAVariable; scrap: UAVariable; state: UAVariable; reason: UAVariable }>();

  for (const line of model.lines) {
    const s = model.snapshot(line);
    const folder = ns.addFolder(plant, { browseName: line, nodeId: `s=${line}` });
    const add = (name: string, dataType: DataType, value: number | string, at: Date): UAVariable => {
      const v = ns.addVariable({
        componentOf: folder,
        browseName: name,
        nodeId: `s=${line}.${name}`,
        dataType: DataType[dataType],
        // node-opcua makes variables writable by default; a PLC's counters and states are not.
        accessLevel: 'CurrentRead',
        userAccessLevel: 'CurrentRead',
        minimumSamplingInterval: 0,
      });
      v.setValueFromSource({ dataType, value }, undefined, at);
      return v;
    };
    vars.set(line, {
      good: add('GoodCount', DataType.UInt32, s.goodCount, s.countsChangedAt),
      scrap: add('ScrapCount', DataType.UInt32, s.scrapCount, s.countsChangedAt),
      state: add('State', DataType.String, s.state, s.stateSince),
      reason: add('StateReason', DataType.String, s.stateReason, s.stateSince),
    });
    add('CurrentOrder', DataType.String, s.order.orderId, s.stateSince);
    // The only variable a client may write.
    ns.addVariable({
      componentOf: folder,
      browseName: 'DispatchOrder',
      nodeId: `s=${line}.DispatchOrder`,
      dataType: DataType[DataType.String],
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      minimumSamplingInterval: 0,
    }).setValueFromSource({ dataType: DataType.String, value: '' });
  }

  // Pushed on change (not polled) so the source timestamp is when the part was made, and a
  // client with sampling interval 0 sees every increment.
  const onProduced = (e: ProducedEvent): void => {
    const v = vars.get(e.line);
    if (!v) return;
    if (e.kind === 'good') v.good.setValueFromSource({ dataType: DataType.UInt32, value: e.goodCount }, undefined, e.at);
    else v.scrap.setValueFromSource({ dataType: DataType.UInt32, value: e.scrapCount }, undefined, e.at);
  };
  const onState = (e: StateEvent): void => {
    const v = vars.get(e.line);
    if (!v) return;
    v.state.setValueFromSource({ dataType: DataType.String, value: e.state }, undefined, e.at);
    v.reason.setValueFromSource({ dataType: DataType.String, value: e.reason }, undefined, e.at);
  };
  model.on('produced', onProduced);
  model.on('state', onState);
  return () => {
    model.off('produced', onProduced);
    model.off('state', onState);
  };
}

/**
 * Starts the demo OPC UA server on 127.0.0.1 (security None and SignAndEncrypt/Basic256Sha256,
 * anonymous allowed). The model is not started or stopped here.
 * @example const ua = await startPlantOpcuaServer({ model }); ...; await ua.stop();
 */
export async function startPlantOpcuaServer(options: PlantOpcuaServerOptions): Promise<PlantOpcuaServer> {
  const ownPki = options.pkiDir === undefined;
  const pkiDir = options.pkiDir ?? mkdtempSync(join(tmpdir(), 'plantdesk-sim-pki-'));
  mkdirSync(pkiDir, { recursive: true });
  const removeOwnPki = (): void => {
    if (ownPki) rmSync(pkiDir, { recursive: true, force: true });
  };
  let server: PlantOpcuaServer | undefined;
  let lastError: unknown;
  // A borrowed port may be taken by another process before we bind it; try a few times.
  for (let attempt = 0; attempt < 5 && !server; attempt++) {
    try {
      server = await startOnce(options.port || (await findFreePort()), pkiDir, options.model);
    } catch (err) {
      lastError = err;
      if (options.port || !String((err as Error)?.message ?? err).includes('EADDRINUSE')) break;
    }
  }
  if (!server) {
    removeOwnPki();
    throw lastError;
  }
  const started = server;
  return { ...started, stop: () => started.stop().finally(removeOwnPki) };
}
