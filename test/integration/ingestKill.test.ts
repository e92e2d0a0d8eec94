// Promise 1 at the intake: a message the broker acknowledged to the publisher is stored exactly once, even
// when the agent is killed with SIGKILL while it ingests (RELIABILITY.md).
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const MESSAGES = 4000;
const KILLS = 3;

function confirmation(seq: number): string {
  return JSON.stringify({
    messageId: `kill-${seq}`, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', yield: 1, scrap: 0,
    unit: 'PC', final: false, end: new Date().toISOString(),
  });
}

describe('agent killed with SIGKILL while ingesting from mosquitto', () => {
  let broker: Mosquitto;
  let dataDir: string;
  let configFile: string;
  const agents: ConsoleProcess[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    dataDir = mkdtempSync(join(tmpdir(), 'pd-kill-'));
    configFile = join(dataDir, 'plant.yaml');
    writeFileSync(configFile, [
      'plant: "1010"',
      'mqtt:',
      '  - name: kill-mes',
      `    url: ${broker.url}`,
      '    clientId: plantdesk-kill-test',
      '    topics:',
      '      - filter: kill/+/confirmation',
      '        type: confirmation',
      'erp:',
      '  kind: sap-odata',
      // No ERP: the agent must buffer; this test is about the intake.
      '  baseUrl: http://127.0.0.1:9',
      '',
    ].join('\n'));
  });

  afterAll(async () => {
    for (const agent of agents) agent.child.kill('SIGKILL');
    await broker?.stop();
  });

  const start = async (): Promise<ConsoleProcess> => {
    const agent = await startConsole(['--config', configFile, '--data', dataDir, '--port', '0']);
    agents.push(agent);
    return agent;
  };

  it('stores every acknowledged message exactly once across kills and restarts', async () => {
    let agent = await start();
    const acked = new Set<number>();
    const publisher = await mqtt.connectAsync(broker.url, { clientId: 'kill-publisher', clean: true });
    const publishing = (async () => {
      for (let seq = 0; seq < MESSAGES; seq++) {
        await publisher.publishAsync(`kill/L1/confirmation`, confirmation(seq), { qos: 1 });
        acked.add(seq);
        if (seq % 200 === 0) await new Promise((r) => setTimeout(r, 20));
      }
    })();

    for (let kill = 0; kill < KILLS; kill++) {
      // Kill at a random moment while messages are flowing.
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
      agent.child.kill('SIGKILL');
      expect(await agent.exited).toBe('SIGKILL');
      agent = await start();
    }
    await publishing;
    await publisher.endAsync();
    expect(acked.size).toBe(MESSAGES);

    const db = new Database(join(dataDir, 'plantdesk.db'), { readonly: true });
    try {
      const countStored = (): number =>
        (db.prepare("SELECT COUNT(*) AS n FROM raw_message WHERE idempotency_key LIKE 'mqtt:kill-mes:kill-%'").get() as { n: number }).n;
      // Give the restarted agent time to drain the broker's queue; on a busy machine this can take a while.
      await waitFor(() => (countStored() >= MESSAGES ? true : undefined), 60_000, 'all acknowledged messages to be stored').catch(() => undefined);
      const perKey = db.prepare("SELECT idempotency_key AS k, COUNT(*) AS n FROM raw_message GROUP BY idempotency_key HAVING n > 1").all();
      expect(perKey).toEqual([]);
      const keys = new Set((db.prepare('SELECT idempotency_key AS k FROM raw_message').all() as { k: string }[]).map((r) => r.k));
      const missing = [...acked].filter((seq) => !keys.has(`mqtt:kill-mes:kill-${seq}`));
      expect(missing).toEqual([]);
      expect(countStored()).toBe(MESSAGES);
      // Exactly one canonical event per message: the raw row and its event were committed together.
      const { events } = db.prepare("SELECT COUNT(*) AS events FROM event WHERE kind = 'confirmation'").get() as { events: number };
      expect(events).toBe(MESSAGES);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 180_000);
});
