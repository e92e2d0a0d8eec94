// The MQTT source's transport keys in plant.yaml (main/agent/config/mqttSchema.ts): defaults, and problems
// reported with file, line and key, including TLS files that do not exist.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../main/agent/config/load.js';
import { problemsOf } from '../../agent/configProblems.js';

function config(mqttExtra: string, url = 'mqtt://127.0.0.1:1883'): string {
  return `plant: "1010"
mqtt:
  - name: mes
    url: ${url}
    clientId: plantdesk-1010
${mqttExtra}    topics:
      - filter: plant/+/confirmation
        type: confirmation
erp:
  kind: sap-odata
  baseUrl: http://127.0.0.1:4801
`;
}

describe('MQTT transport configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pd-mqtt-config-'));
    for (const name of ['ca.pem', 'client.pem', 'client.key']) writeFileSync(join(dir, name), 'x');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills the defaults: MQTT 3.1.1, 7-day MQTT 5 session expiry, keepalive 60 s, backoff 1-30 s, no TLS', () => {
    const source = parseConfig(config(''), 'plant.yaml').mqtt[0]!;
    expect(source).toMatchObject({ protocolVersion: 4, sessionExpiryS: 604_800, keepaliveS: 60, reconnect: { minMs: 1000, maxMs: 30_000 } });
    expect(source.tls).toBeUndefined();
  });

  it('accepts a full TLS client-certificate setup', () => {
    const tls = `    protocolVersion: 5
    keepaliveS: 30
    reconnect: { minMs: 500, maxMs: 60000 }
    tls:
      caFile: ${join(dir, 'ca.pem')}
      certFile: ${join(dir, 'client.pem')}
      keyFile: ${join(dir, 'client.key')}
      servername: mes.plant.local
`;
    const source = parseConfig(config(tls, 'mqtts://10.0.0.6:8883'), 'plant.yaml').mqtt[0]!;
    expect(source).toMatchObject({ protocolVersion: 5, keepaliveS: 30, reconnect: { minMs: 500, maxMs: 60_000 } });
    expect(source.tls).toEqual({ caFile: join(dir, 'ca.pem'), certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client.key'), servername: 'mes.plant.local', rejectUnauthorized: true });
  });

  it('names a TLS file that does not exist, with its line', () => {
    const text = config(`    tls:\n      caFile: ${join(dir, 'nope.pem')}\n`, 'mqtts://10.0.0.6:8883');
    expect(problemsOf(text)).toEqual([`plant.yaml:7: mqtt[0].tls.caFile: file not found: ${join(dir, 'nope.pem')}`]);
  });

  it('wants certFile and keyFile together', () => {
    const text = config(`    tls:\n      certFile: ${join(dir, 'client.pem')}\n`, 'tls://10.0.0.6:8883');
    expect(problemsOf(text)).toEqual(['plant.yaml:7: mqtt[0].tls.certFile: needs tls.keyFile, the private key of the client certificate']);
  });

  it('refuses tls settings on a plain URL rather than silently ignoring or upgrading', () => {
    const text = config(`    tls:\n      caFile: ${join(dir, 'ca.pem')}\n`, 'ws://10.0.0.6:8080/mqtt');
    expect(problemsOf(text)).toEqual(['plant.yaml:6: mqtt[0].tls: needs an mqtts://, tls:// or wss:// url']);
  });

  it('checks protocolVersion, keepaliveS and the backoff bounds', () => {
    expect(problemsOf(config('    protocolVersion: 3\n'))).toHaveLength(1);
    expect(problemsOf(config('    protocolVersion: 3\n'))[0]).toMatch(/^plant\.yaml:6: mqtt\[0\]\.protocolVersion: /);
    expect(problemsOf(config('    keepaliveS: 0\n'))[0]).toMatch(/^plant\.yaml:6: mqtt\[0\]\.keepaliveS: /);
    expect(problemsOf(config('    reconnect: { minMs: 5000, maxMs: 1000 }\n'))).toEqual(['plant.yaml:6: mqtt[0].reconnect.maxMs: must not be below reconnect.minMs (5000)']);
  });
});
