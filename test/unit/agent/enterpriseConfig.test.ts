// The `enterprise:` section: optional, defaults, and errors that name the key and line.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
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
`;

describe('enterprise config', () => {
  it('is off when absent', () => {
    expect(parseConfig(base, 'plant.yaml').enterprise).toBeUndefined();
  });

  it('fills the defaults: prefix plantdesk, both kinds, validated or recorded events, 100 in flight, MQTT 3.1.1', () => {
    const config = parseConfig(`${base}enterprise:\n  url: mqtt://broker.corp:1883\n  clientId: plantdesk-1010-pub\n`, 'plant.yaml');
    expect(config.enterprise).toEqual({
      url: 'mqtt://broker.corp:1883', clientId: 'plantdesk-1010-pub', topicPrefix: 'plantdesk', kinds: ['confirmation', 'quality'],
      include: ['ready', 'exception', 'recorded'], batchSize: 100, protocolVersion: 4, keepaliveS: 60, reconnect: { minMs: 1000, maxMs: 30_000 },
    });
  });

  it('takes kinds, statuses (posted as a later message) and MQTT 5', () => {
    const config = parseConfig(`${base}enterprise:
  url: mqtts://broker.corp:8883
  clientId: pd-pub
  protocolVersion: 5
  topicPrefix: acme/mes
  kinds: [confirmation]
  include: [ready, exception, posted]
  batchSize: 20
`, 'plant.yaml');
    expect(config.enterprise).toMatchObject({ protocolVersion: 5, topicPrefix: 'acme/mes', kinds: ['confirmation'], include: ['ready', 'exception', 'posted'], batchSize: 20 });
  });

  it('names wrong keys and values with their line', () => {
    const text = `${base}enterprise:
  url: http://broker.corp
  clientId: pd-pub
  topicPrefix: plants/+/x
  include: [sending]
  kinds: [downtime]
  batchSize: 0
  tls: { caFile: /nonexistent/ca.pem }
`;
    // By line: zod reports refinements after the type checks.
    expect([...problemsOf(text)].sort()).toEqual([
      'plant.yaml:13: enterprise.url: must be an mqtt://, mqtts://, ws:// or wss:// URL',
      'plant.yaml:15: enterprise.topicPrefix: must not contain the MQTT wildcards + and #',
      'plant.yaml:16: enterprise.include[0]: sending is internal to the ERP sync and is not published',
      expect.stringMatching(/^plant\.yaml:17: enterprise\.kinds\[0\]: /),
      expect.stringMatching(/^plant\.yaml:18: enterprise\.batchSize: /),
    ]);
    expect(problemsOf(`${base}enterprise:\n  url: mqtt://b:1883\n  clientId: pd-pub\n  tls: { caFile: /nonexistent/ca.pem }\n`)).toEqual([
      'plant.yaml:15: enterprise.tls: needs an mqtts://, tls:// or wss:// url',
      'plant.yaml:15: enterprise.tls.caFile: file not found: /nonexistent/ca.pem',
    ]);
    expect(problemsOf(`${base}enterprise:\n  url: mqtt://b:1883\n  clientId: pd-pub\n  topicPrefix: $SYS/x\n`)).toEqual([
      'plant.yaml:15: enterprise.topicPrefix: must not start with $ (reserved for the broker)',
    ]);
  });

  it('refuses an MQTT source named "enterprise" or sharing the enterprise clientId', () => {
    const text = base.replace('name: mes', 'name: enterprise') + 'enterprise:\n  url: mqtt://b:1883\n  clientId: plantdesk-1010\n';
    expect(problemsOf(text)).toEqual([
      'plant.yaml:3: mqtt[0].name: "enterprise" names the enterprise publish connection; choose another name',
      'plant.yaml:14: enterprise.clientId: is also the clientId of mqtt[0] (enterprise); each connection needs its own',
    ]);
  });
});
