// Secrets at rest, end to end in console mode: an ERP password and an MQTT password written as enc:v1 values
// (made by `plantdesk secret encrypt`) open with the data folder's key file, the real ERP simulator accepts the
// decrypted password over HTTP, and the plaintext shows up in no API answer, no log line and not in the SQLite file.
import { readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_HTTP_ROUTES } from '../../domain/api.js';
import { runSecret } from '../../main/console/cli.js';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { startConsole, waitFor, type ConsoleProcess } from '../helpers/consoleProcess.js';

const ERP_PASSWORD = 'Erp-Pa55-at-rest!';
const MQTT_PASSWORD = 'Mqtt-Pa55-at-rest!';
const scratch = mkdtempSync(path.join(tmpdir(), 'plantdesk-secrets-e2e-'));
const dataDir = path.join(scratch, 'data');
let erp: ErpSimulator;
let agent: ConsoleProcess;

async function seal(plaintext: string): Promise<string> {
  const out: string[] = [];
  const code = await runSecret(['encrypt', '--data', dataDir], { stdin: Readable.from([Buffer.from(`${plaintext}\n`)]), out: (line) => out.push(line), err: () => {} });
  expect(code).toBe(0);
  return out[0]!;
}

beforeAll(async () => {
  erp = await startErpSimulator({ username: 'PLANTDESK', password: ERP_PASSWORD });
  const config = path.join(scratch, 'plant.yaml');
  writeFileSync(
    config,
    [
      'plant: "1010"',
      `dataDir: ${dataDir}`,
      'mqtt:',
      '  - name: mes',
      '    url: mqtt://127.0.0.1:9',
      '    clientId: plantdesk-secrets-test',
      '    username: plantdesk',
      `    password: ${await seal(MQTT_PASSWORD)}`,
      '    topics:',
      '      - { filter: plant/1010/+/confirmation, type: confirmation }',
      'erp:',
      '  kind: sap-odata',
      `  baseUrl: ${erp.url}`,
      '  username: PLANTDESK',
      `  password: ${await seal(ERP_PASSWORD)}`,
      '  ordersRefreshS: 1',
      '',
    ].join('\n'),
  );
  expect(readFileSync(config, 'utf8')).not.toContain('Pa55');
  agent = await startConsole(['--config', config, '--port', '0']);
}, 60_000);

afterAll(async () => {
  agent?.child.kill('SIGTERM');
  await agent?.exited;
  await erp?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('credentials encrypted at rest (console mode)', () => {
  it('are decrypted for the connectors: the ERP simulator accepts the password', async () => {
    const connections = await waitFor(async () => {
      const dashboard = (await (await fetch(`${agent.url}/api/v1/dashboard`)).json()) as { connections: { kind: string; state: string; lastError: string | null }[] };
      const erpLink = dashboard.connections.find((c) => c.kind === 'erp');
      return erpLink?.state === 'connected' ? dashboard.connections : undefined;
    }, 30_000, 'the ERP connection to be connected with the decrypted password');
    expect(connections.find((c) => c.kind === 'erp')?.lastError ?? null).toBeNull();
    // The simulator answers 401 to a wrong password: only 200s prove the decrypted value was sent.
    const answered = await waitFor(() => (erp.requests.some((r) => r.status === 200) ? erp.requests : undefined), 10_000, 'an ERP request answered 200');
    expect(answered.filter((r) => r.status === 401)).toEqual([]);
  });

  it('never appear in an API answer, the log or the database', async () => {
    const answers: string[] = [];
    for (const route of [API_HTTP_ROUTES.getHealth, API_HTTP_ROUTES.getDashboard, API_HTTP_ROUTES.getQueue, API_HTTP_ROUTES.getEnterpriseStatus]) {
      answers.push(await (await fetch(`${agent.url}${route}`)).text());
    }
    expect(answers.join('\n').length).toBeGreaterThan(100);
    const files = readdirSync(dataDir).filter((name) => name.startsWith('plantdesk.db'));
    expect(files.length).toBeGreaterThan(0);
    const haystacks = [...answers, agent.output(), ...files.map((name) => readFileSync(path.join(dataDir, name)).toString('latin1'))];
    for (const text of haystacks) {
      expect(text).not.toContain(ERP_PASSWORD);
      expect(text).not.toContain(MQTT_PASSWORD);
    }
  });
});
