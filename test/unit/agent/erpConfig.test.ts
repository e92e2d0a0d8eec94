// The `erp:` section: kind picks the adapter, each kind's keys and defaults, one way to log in, errors by key.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
import { createErpAdapter } from '../../../connectors/erp/createErpAdapter.js';
import { problemsOf } from './configProblems.js';

const head = `plant: "1010"\n`;

describe('erp config', () => {
  it('sap-odata: defaults, batchSize 20, builds the SAP adapter', () => {
    const config = parseConfig(`${head}erp:\n  kind: sap-odata\n  baseUrl: https://s4.example.com\n  sapClient: "100"\n`, 'plant.yaml');
    expect(config.erp).toEqual({
      kind: 'sap-odata', baseUrl: 'https://s4.example.com', sapClient: '100', batchSize: 20, timeoutMs: 15_000, ordersRefreshS: 60, postIntervalMs: 1000,
    });
    expect(createErpAdapter(config.erp)).toMatchObject({ kind: 'sap-odata', maxBatch: 20, endpoint: 'https://s4.example.com' });
  });

  it('sap-odata with OAuth2 client credentials', () => {
    const config = parseConfig(
      `${head}erp:\n  kind: sap-odata\n  baseUrl: https://s4.example.com\n  batchSize: 5\n  oauth2:\n    tokenUrl: https://auth.example.com/oauth/token\n    clientId: pd\n    clientSecret: s\n`,
      'plant.yaml',
    );
    expect(config.erp).toMatchObject({ batchSize: 5, oauth2: { tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'pd', clientSecret: 's' } });
    expect(createErpAdapter(config.erp).maxBatch).toBe(5);
  });

  it('rest-json with a bearer token builds the REST adapter with maxBatch 1', () => {
    const config = parseConfig(`${head}erp:\n  kind: rest-json\n  baseUrl: https://ipaas.example.com/plantdesk/v1\n  bearerToken: abc\n`, 'plant.yaml');
    expect(config.erp).toMatchObject({ kind: 'rest-json', bearerToken: 'abc' });
    expect(createErpAdapter(config.erp)).toMatchObject({ kind: 'rest-json', maxBatch: 1, endpoint: 'https://ipaas.example.com/plantdesk/v1' });
  });

  it('refuses an unknown kind, a SAP key under rest-json, two ways to log in and a batch size of 0', () => {
    expect(problemsOf(`${head}erp:\n  kind: odata4\n  baseUrl: https://x.example.com\n`).join('\n')).toMatch(/erp\.kind.*sap-odata or rest-json/);
    expect(problemsOf(`${head}erp:\n  kind: rest-json\n  baseUrl: https://x.example.com\n  sapClient: "100"\n`).join('\n')).toMatch(/erp.*sapClient/);
    expect(problemsOf(`${head}erp:\n  kind: rest-json\n  baseUrl: https://x.example.com\n  bearerToken: t\n  username: u\n`).join('\n')).toMatch(/choose one way to log in/);
    expect(problemsOf(`${head}erp:\n  kind: sap-odata\n  baseUrl: https://x.example.com\n  batchSize: 0\n`).join('\n')).toMatch(/erp\.batchSize/);
  });
});
