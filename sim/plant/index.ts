// Entry point of the demo plant simulator: the line model, its OPC UA server and its MES publisher,
// started and stopped together. The MQTT broker is separate: a plant's broker outlives its machines.

import { LineModel } from './lineModel.js';
import { startMesPublisher, type PublishedMessage } from './mesPublisher.js';
import { startPlantOpcuaServer } from './opcuaServer.js';

export * from './lineModel.js';
export * from './opcuaServer.js';
export * from './mesPublisher.js';
export * from './mesPayloads.js';
export * from './broker.js';
export * from './sparkplugEdge.js';

export interface DemoPlantOptions {
  readonly brokerUrl: string;
  /** 0 or omitted picks a free port. */
  readonly opcuaPort?: number;
  /** Simulated seconds per real second. Default 1. */
  readonly speed?: number;
  /** Confirmation interval per line. Default 5000. */
  readonly intervalMs?: number;
  /** Every Nth confirmation is deliberately wrong; 0 = never. Default 7. */
  readonly faultEvery?: number;
  /** Default: a temp dir, removed on stop. */
  readonly pkiDir?: string;
  /** Seed for the line model, so a run can be replayed. */
  readonly seed?: number;
  readonly topicPrefix?: string;
  readonly onPublish?: (message: PublishedMessage) => void;
}

export interface DemoPlant {
  /** opc.tcp://127.0.0.1:PORT/UA/DemoPlant */
  readonly opcuaEndpoint: string;
  readonly model: LineModel;
  /** Messages the broker has acknowledged so far. */
  readonly published: number;
  stop(): Promise<void>;
}

/**
 * Starts lines L1–L3, the OPC UA server and the MES publisher.
 * @example const broker = await startDemoBroker(); const plant = await startDemoPlant({ brokerUrl: broker.url });
 */
export async function startDemoPlant(options: DemoPlantOptions): Promise<DemoPlant> {
  const model = new LineModel({ speed: options.speed, seed: options.seed });
  const opcua = await startPlantOpcuaServer({ port: options.opcuaPort, model, pkiDir: options.pkiDir });
  let publisher;
  try {
    publisher = await startMesPublisher({
      brokerUrl: options.brokerUrl,
      model,
      intervalMs: options.intervalMs,
      faultEvery: options.faultEvery,
      topicPrefix: options.topicPrefix,
      onPublish: options.onPublish,
    });
  } catch (err) {
    await opcua.stop();
    throw err;
  }
  const mes = publisher;
  model.start();

  let stopping: Promise<void> | undefined;
  return {
    opcuaEndpoint: opcua.endpointUrl,
    model,
    get published() {
      return mes.published;
    },
    stop: () => {
      stopping ??= (async () => {
        model.stop();
        await Promise.allSettled([mes.stop(), opcua.stop()]);
      })();
      return stopping;
    },
  };
}
