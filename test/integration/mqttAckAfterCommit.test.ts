// QoS 1 messages are acknowledged only after their commit: a message whose commit failed, or had not finished
// when the connection dropped, is redelivered by a real broker (mosquitto) to the persistent session.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMqttSource, type IncomingMqttMessage, type MqttSource } from '../../connectors/mqtt/index.js';
import { waitFor } from '../helpers/consoleProcess.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

describe('MQTT source acknowledges after commit', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  async function publish(topic: string, payloads: string[]): Promise<void> {
    const publisher = await mqtt.connectAsync(broker.url, { clientId: `pub-${Math.random()}` });
    for (const payload of payloads) await publisher.publishAsync(topic, payload, { qos: 1 });
    await publisher.endAsync();
  }

  function source(clientId: string, sink: (m: IncomingMqttMessage) => Promise<unknown>, statuses: string[] = []): MqttSource {
    return startMqttSource({ name: 'test', url: broker.url, clientId, topics: [{ filter: 'ack/#', type: 'confirmation' }], reconnectPeriodMs: 200 }, sink, (state, error) => statuses.push(`${state}${error ? `: ${error}` : ''}`));
  }

  it('redelivers a message whose commit failed, and the agent stores it on the second delivery', async () => {
    const deliveries: string[] = [];
    const statuses: string[] = [];
    let failOnce = true;
    const src = source('ack-fail', async (m) => {
      const text = m.payload.toString();
      deliveries.push(text);
      if (text === 'B' && failOnce) {
        failOnce = false;
        throw new Error('disk I/O error');
      }
    }, statuses);
    await waitFor(() => (statuses.includes('connected') ? true : undefined), 10_000, 'connected');
    await new Promise((r) => setTimeout(r, 200));
    await publish('ack/1', ['A', 'B', 'C']);
    await waitFor(() => (deliveries.filter((d) => d === 'B').length >= 2 ? true : undefined), 15_000, 'B delivered again');
    await src.stop();
    expect(deliveries.filter((d) => d === 'B')).toHaveLength(2);
    expect(statuses.some((s) => s.includes('could not store a message from ack/1: disk I/O error'))).toBe(true);
  });

  it('redelivers a message whose commit had not finished when the connection went away, and not one that was committed', async () => {
    const first: string[] = [];
    const statuses: string[] = [];
    // X commits at once; Y's commit never finishes in this session.
    const src1 = source('ack-pending', (m) => {
      first.push(m.payload.toString());
      return m.payload.toString() === 'Y' ? new Promise(() => undefined) : Promise.resolve();
    }, statuses);
    await waitFor(() => (statuses.includes('connected') ? true : undefined), 10_000, 'connected');
    await new Promise((r) => setTimeout(r, 200));
    await publish('ack/2', ['X', 'Y']);
    await waitFor(() => (first.includes('Y') ? true : undefined), 10_000, 'Y received');
    await new Promise((r) => setTimeout(r, 300));
    // Leave without waiting for Y's acknowledgement (as a crash would).
    await src1.stop();
    await new Promise((r) => setTimeout(r, 500));

    const second: string[] = [];
    const statuses2: string[] = [];
    const src2 = source('ack-pending', async (m) => {
      second.push(m.payload.toString());
    }, statuses2);
    await waitFor(() => (second.includes('Y') ? true : undefined), 10_000, 'Y redelivered');
    await new Promise((r) => setTimeout(r, 300));
    await src2.stop();
    expect(second).toEqual(['Y']);
  });
});
