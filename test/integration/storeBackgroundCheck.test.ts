// The integrity check on a worker thread with the real agent (in-process), a real mosquitto and real files: the
// buffer is damaged where starting the agent does not read (telemetry payloads), so the agent opens, its API
// answers, and the background check finds the damage. A message waits in the agent's persistent session on the
// broker meanwhile. Had intake started before the check passed, the message would have been acknowledged into the
// damaged file (then moved aside) and the broker would not send it again; it must instead end up in the restored
// file, once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../../domain/index.js';
import { insertRawMessage, onlineBackup, openDatabase } from '../../local-store/index.js';
import { ConfigSchema, createLogger, startAgent, type Agent } from '../../main/agent/index.js';
import { waitFor } from '../helpers/consoleProcess.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { damageMiddle } from '../unit/local-store/storeRows.js';

const CLIENT_ID = 'plantdesk-it-background-check';
const TOPIC = 'plant/1010/L1/confirmation';

describe('integrity check in the background (real agent, real broker, real files)', () => {
  let broker: Mosquitto;
  let agent: Agent | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
  });

  afterAll(async () => {
    await agent?.stop();
    await broker?.stop();
  });

  it('finds damage after the API opened, restores the backup, and only then takes the waiting message in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-bg-check-'));
    const file = join(dataDir, 'plantdesk.db');
    const db = openDatabase(file);
    const addTelemetry = (n: number): void => {
      db.transaction(() => {
        for (let i = 0; i < n; i++) {
          insertRawMessage(db, { idempotencyKey: `t-${randomUUID()}`, source: 'plc', channel: 'L1/good', payload: 'v'.repeat(1500), receivedAt: Date.now(), correlationId: randomUUID(), status: 'telemetry' });
        }
      })();
    };
    addTelemetry(5000);
    const backup = await onlineBackup(db, join(dataDir, 'backups'), Date.now() - 60_000);
    addTelemetry(15_000);
    db.close();
    damageMiddle(file);
    const damagedBytes = readFileSync(file);

    // The agent's persistent session exists on the broker and holds one QoS 1 message.
    const session = await connectAsync(broker.url, { clientId: CLIENT_ID, clean: false, reconnectPeriod: 0 });
    await session.subscribeAsync(TOPIC, { qos: 1 });
    await session.endAsync();
    const publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const marker = randomUUID();
    await publisher.publishAsync(TOPIC, JSON.stringify({ marker }), { qos: 1 });
    await publisher.endAsync();

    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream);
    const config = ConfigSchema.parse({
      plant: '1010',
      erp: { kind: 'sap-odata', baseUrl: 'http://127.0.0.1:9' },
      mqtt: [{ name: 'mes', url: broker.url, clientId: CLIENT_ID, reconnect: { minMs: 100, maxMs: 500 }, topics: [{ filter: TOPIC, type: 'confirmation' }] }],
    });
    agent = await startAgent({ config, dataDir, logger, version: 'test' });
    const api = agent.api;

    const health = await waitFor(async () => {
      const h = await api.getHealth();
      return h.store?.integrity === 'recovered' ? h : undefined;
    }, 20_000, 'the recovery after the background check') as Health;
    expect(lines.some((l) => l.includes('the store integrity check found the buffer file damaged'))).toBe(true);
    expect(health.store).toMatchObject({ recoveredFrom: backup });
    expect(readFileSync(health.store!.damagedFileKeptAt!).equals(damagedBytes)).toBe(true);

    // The waiting message arrives in the restored file, once.
    const rows = await waitFor(() => {
      const found = agent!.db.prepare('SELECT idempotency_key FROM raw_message WHERE source = ? AND payload LIKE ?').all('mes', `%${marker}%`);
      return found.length > 0 ? found : undefined;
    }, 20_000, 'the queued message stored in the restored file');
    expect(rows).toHaveLength(1);
    await waitFor(async () => (await api.getDashboard()).connections.find((c) => c.id === 'mqtt:mes' && c.state === 'connected'), 10_000, 'the MQTT source connected');
    await agent.stop();
    agent = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });
});
