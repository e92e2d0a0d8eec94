// The `sparkplug:` section: defaults, Sparkplug ids, the MQTT transport rules, and no clash with other connections.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
import { sparkplugSourceOptions } from '../../../main/agent/sparkplug.js';
import { problemsOf } from './configProblems.js';

const base = `plant: "1010"
mqtt:
  - name: mes
    url: mqtt://127.0.0.1:1883
    clientId: plantdesk-1010
    topics:
      - filter: plant/+/confirmation
        type: confirmation
erp:
  kind: sap-odata
  baseUrl: http://127.0.0.1:4801
sparkplug:
  - name: edge
    url: mqtt://127.0.0.1:1883
    clientId: plantdesk-1010-spb
    hostId: plantdesk-1010
`;

describe('sparkplug configuration', () => {
  it('fills the defaults and turns seconds into the host options in ms', () => {
    const source = parseConfig(base, 'plant.yaml').sparkplug[0]!;
    expect(source).toMatchObject({
      name: 'edge', hostId: 'plantdesk-1010', protocolVersion: 4, keepaliveS: 60, reconnect: { minMs: 1000, maxMs: 30_000 },
      staleAfterS: 300, requestRebirth: true, rebirthRetryS: 10, maxPayloadBytes: 262_144, eventTime: { maxAheadS: 600, maxAgeS: 2_592_000 },
    });
    expect(source.groups).toBeUndefined();
    expect(sparkplugSourceOptions(source)).toEqual({
      name: 'edge', url: 'mqtt://127.0.0.1:1883', clientId: 'plantdesk-1010-spb', hostId: 'plantdesk-1010', protocolVersion: 4, keepaliveS: 60,
      reconnect: { minMs: 1000, maxMs: 30_000 },
      host: { staleAfterMs: 300_000, requestRebirth: true, rebirthRetryMs: 10_000, maxPayloadBytes: 262_144, maxFutureMs: 600_000, maxAgeMs: 2_592_000_000 },
    });
  });

  it('is optional', () => {
    expect(parseConfig(base.slice(0, base.indexOf('sparkplug:')), 'plant.yaml').sparkplug).toEqual([]);
  });

  it('takes groups, credentials and the MQTT transport keys', () => {
    const text = `${base}    groups: [Plant1010, Utilities]\n    username: spb\n    password: secret\n    protocolVersion: 5\n    staleAfterS: 60\n    requestRebirth: false\n`;
    const options = sparkplugSourceOptions(parseConfig(text, 'plant.yaml').sparkplug[0]!);
    expect(options).toMatchObject({ groups: ['Plant1010', 'Utilities'], username: 'spb', password: 'secret', protocolVersion: 5, host: { staleAfterMs: 60_000, requestRebirth: false } });
  });

  it('refuses host and group ids with / + or #, and a group listed twice, naming key and line', () => {
    expect(problemsOf(base.replace('hostId: plantdesk-1010', 'hostId: plant/desk'))).toEqual([
      "plant.yaml:16: sparkplug[0].hostId: must not contain '/', '+' or '#'",
    ]);
    expect(problemsOf(`${base}    groups: [A, "B#"]\n`)).toEqual(["plant.yaml:17: sparkplug[0].groups[1]: must not contain '/', '+' or '#'"]);
    expect(problemsOf(`${base}    groups: [A, A]\n`)).toEqual(['plant.yaml:17: sparkplug[0].groups: lists A twice']);
    expect(problemsOf(`${base}    groups: []\n`)[0]).toMatch(/^plant\.yaml:17: sparkplug\[0\]\.groups: /);
  });

  it('applies the MQTT transport rules: URL scheme, TLS only on a TLS URL, unknown keys', () => {
    expect(problemsOf(base.replace('url: mqtt://127.0.0.1:1883\n    clientId: plantdesk-1010-spb', 'url: http://broker\n    clientId: plantdesk-1010-spb'))).toEqual([
      'plant.yaml:14: sparkplug[0].url: must be an mqtt://, mqtts://, ws:// or wss:// URL',
    ]);
    expect(problemsOf(`${base}    tls: { rejectUnauthorized: false }\n`)).toEqual(['plant.yaml:17: sparkplug[0].tls: needs an mqtts://, tls:// or wss:// url']);
    expect(problemsOf(`${base}    sessionExpiryS: 60\n`)).toEqual(['plant.yaml:17: sparkplug[0].sessionExpiryS: unknown key']);
    expect(problemsOf(`${base}    topics: []\n`)).toEqual(['plant.yaml:17: sparkplug[0].topics: unknown key']);
  });

  it('refuses a name, clientId or hostId another connection already has', () => {
    const second = `  - name: edge\n    url: mqtt://127.0.0.1:1883\n    clientId: plantdesk-1010\n    hostId: plantdesk-1010\n`;
    expect(problemsOf(base + second)).toEqual([
      'plant.yaml:17: sparkplug[1].name: is also the name of sparkplug[0]',
      'plant.yaml:20: sparkplug[1].hostId: is also the hostId of sparkplug[0]; each host application needs its own',
      'plant.yaml:19: sparkplug[1].clientId: is also the clientId of mqtt[0] (mes); each connection needs its own',
    ]);
    expect(problemsOf(base.replace('  - name: edge', '  - name: mes'))).toEqual(['plant.yaml:13: sparkplug[0].name: is also the name of mqtt[0]; choose another name']);
  });
});
