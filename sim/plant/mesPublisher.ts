// The demo plant's MES: publishes production confirmations and quality results over MQTT (QoS 1),
// with some deliberately wrong messages so the console has exceptions to show.

import { connect, type MqttClient } from 'mqtt';
import { DEMO_PLANT, DEMO_UNKNOWN_ORDER } from '../demoData.js';
import type { LineModel, LineOrder, ProducedEvent } from './lineModel.js';
import { confirmationPayload, qualityPayload, type Confirmation } from './mesPayloads.js';

export type { Confirmation, QualityResult } from './mesPayloads.js';

/** 'malformed-type' is valid JSON with yield as a word; 'malformed-json' is cut-off JSON. */
export type FaultKind = 'unknown-order' | 'unit-mismatch' | 'malformed-type' | 'malformed-json';
// unit-mismatch first: the demo shows a supervisor something to correct within seconds (README, "For supervisors").
export const FAULT_KINDS: readonly FaultKind[] = ['unit-mismatch', 'unknown-order', 'malformed-type', 'malformed-json'];

export interface PublishedMessage {
  readonly topic: string;
  readonly kind: 'confirmation' | 'quality';
  readonly messageId: string;
  readonly fault?: FaultKind;
}

export interface MesPublisherOptions {
  /** e.g. mqtt://127.0.0.1:1883 */
  readonly brokerUrl: string;
  /** Default DEMO_PLANT ('1010'). */
  readonly plant?: string;
  readonly model: LineModel;
  /** How often each line confirms what it produced since its last confirmation. Default 5000. */
  readonly intervalMs?: number;
  /** Every Nth confirmation is deliberately wrong, cycling through FAULT_KINDS; 0 = never. Default 7. */
  readonly faultEvery?: number;
  /** Default 'plantdesk/demo'. */
  readonly topicPrefix?: string;
  /** Default 10000: how long to wait for the first connection before giving up. */
  readonly connectTimeoutMs?: number;
  /** Called once the broker has acknowledged a message. */
  readonly onPublish?: (message: PublishedMessage) => void;
}

export interface MesPublisher {
  /** Messages acknowledged by the broker so far. */
  readonly published: number;
  /** Prefix that makes this run's messageIds unique, e.g. 'mhx2k3ab'. */
  readonly runId: string;
  stop(): Promise<void>;
}

interface LineWindow {
  readonly order: LineOrder;
  yield: number;
  scrap: number;
  start: Date;
  confirmations: number;
  qualities: number;
}

const QUALITY_EVERY = 3;
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
let lastRunMs = 0;

function newRunId(): string {
  // Start time in base36, bumped if two publishers start in the same millisecond in one process.
  lastRunMs = Math.max(Date.now(), lastRunMs + 1);
  return lastRunMs.toString(36);
}

const seq = (n: number): string => String(n).padStart(6, '0');

/**
 * Connects to the broker and confirms each line's output every intervalMs.
 * Topics: `${topicPrefix}/${plant}/${line}/confirmation` and `.../quality`.
 * @example const pub = await startMesPublisher({ brokerUrl, model, intervalMs: 1000 }); ...; await pub.stop();
 */
export async function startMesPublisher(options: MesPublisherOptions): Promise<MesPublisher> {
  const plant = options.plant ?? DEMO_PLANT;
  const prefix = options.topicPrefix ?? 'plantdesk/demo';
  const intervalMs = options.intervalMs ?? 5000;
  const faultEvery = options.faultEvery ?? 7;
  const { model } = options;
  const runId = newRunId();
  const startedAt = new Date();

  const client: MqttClient = await connectWithTimeout(options.brokerUrl, runId, options.connectTimeoutMs ?? 10_000);

  const windows = new Map<string, LineWindow>();
  for (const line of model.lines) {
    windows.set(line, { order: model.snapshot(line).order, yield: 0, scrap: 0, start: startedAt, confirmations: 0, qualities: 0 });
  }
  const onProduced = (e: ProducedEvent): void => {
    const w = windows.get(e.line);
    if (!w) return;
    if (e.kind === 'good') w.yield++;
    else w.scrap++;
  };
  model.on('produced', onProduced);

  let published = 0;
  let confirmationsTotal = 0;
  let faultsTotal = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (message: PublishedMessage, payload: string): void => {
    const p = client
      .publishAsync(message.topic, payload, { qos: 1 })
      .then(() => {
        published++;
        options.onPublish?.(message);
      })
      // mqtt.js keeps QoS 1 messages queued across reconnects; an error here means the client was
      // ended, and a demo publisher has nobody to report it to.
      .catch(() => undefined)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const flushLine = (line: string, w: LineWindow, end: Date): void => {
    if (w.yield + w.scrap === 0) return;
    w.confirmations++;
    confirmationsTotal++;
    const messageId = `${line}-C-${runId}-${seq(w.confirmations)}`;
    const base: Confirmation = {
      messageId, plant, line,
      orderId: w.order.orderId, operation: w.order.operation, workCenter: w.order.workCenter,
      material: w.order.material, yield: w.yield, scrap: w.scrap, unit: w.order.unit,
      // The demo runs each order indefinitely, so no confirmation is final.
      final: false, start: w.start.toISOString(), end: end.toISOString(),
    };
    const fault = faultEvery > 0 && confirmationsTotal % faultEvery === 0 ? FAULT_KINDS[faultsTotal++ % FAULT_KINDS.length] : undefined;
    send({ topic: `${prefix}/${plant}/${line}/confirmation`, kind: 'confirmation', messageId, fault }, faulty(base, fault));
    w.yield = 0;
    w.scrap = 0;
    w.start = end;

    if (w.confirmations % QUALITY_EVERY === 0) {
      w.qualities++;
      const q = qualityPayload(`${line}-Q-${runId}-${seq(w.qualities)}`, plant, line, w.order, end);
      send({ topic: `${prefix}/${plant}/${line}/quality`, kind: 'quality', messageId: q.messageId }, JSON.stringify(q));
    }
  };

  const timer = setInterval(() => {
    const end = new Date();
    for (const [line, w] of windows) flushLine(line, w, end);
  }, intervalMs);
  timer.unref();

  let stopping: Promise<void> | undefined;
  return {
    get published() {
      return published;
    },
    runId,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(timer);
        model.off('produced', onProduced);
        // Give acknowledgements a moment, but never hang on a broker that has gone away.
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
        await client.endAsync(true);
      })();
      return stopping;
    },
  };
}

function faulty(c: Confirmation, fault: FaultKind | undefined): string {
  switch (fault) {
    case undefined:
      return confirmationPayload(c);
    case 'unknown-order':
      return confirmationPayload({ ...c, orderId: DEMO_UNKNOWN_ORDER });
    case 'unit-mismatch':
      return confirmationPayload({ ...c, unit: 'KG' });
    case 'malformed-type':
      return JSON.stringify({ ...c, yield: NUMBER_WORDS[c.yield] ?? `${c.yield} pieces` });
    case 'malformed-json': {
      // Cut inside the end timestamp: the messageId is still readable for the rejected-message list.
      const full = confirmationPayload(c);
      return full.slice(0, full.length - 12);
    }
  }
}

function connectWithTimeout(brokerUrl: string, runId: string, timeoutMs: number): Promise<MqttClient> {
  // Fail fast on the first error or after timeoutMs: a wrong URL should not leave the demo hanging.
  const client = connect(brokerUrl, { clientId: `plantdesk-sim-mes-${runId}`, clean: true, reconnectPeriod: 1000 });
  // mqtt.js reports lost connections as 'error' and retries by itself; unheard, they would crash the process.
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      client.end(true);
      reject(err);
    };
    const onError = (err: Error): void => fail(new Error(`MQTT broker ${brokerUrl} not reachable: ${err.message}`));
    const onConnect = (): void => {
      cleanup();
      resolve(client);
    };
    const timer = setTimeout(() => fail(new Error(`MQTT broker ${brokerUrl} not reachable within ${timeoutMs} ms`)), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}
