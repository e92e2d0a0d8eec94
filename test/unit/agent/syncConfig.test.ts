// The `sync:` section: optional, every key defaulted, bad values refused with file, line and key.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
import { problemsOf } from './configProblems.js';

const head = `plant: "1010"\nerp:\n  kind: sap-odata\n  baseUrl: https://s4.example.com\n`;

describe('sync config', () => {
  it('is optional: the documented defaults', () => {
    expect(parseConfig(head, 'plant.yaml').sync).toEqual({
      maxInFlight: 2, liveShare: 0.25, drainThreshold: 500, backoff: { baseMs: 1000, maxMs: 60_000 }, offlineAfterFailures: 3,
      aggregate: { windowS: 0, maxEvents: 1000 }, reconcile: { everyS: 3600, lookbackH: 48, maxOrders: 200 },
    });
  });

  it('takes a partial section, the rest defaulted', () => {
    const sync = parseConfig(`${head}sync:\n  liveShare: 0.5\n  aggregate: { windowS: 60 }\n`, 'plant.yaml').sync;
    expect(sync).toMatchObject({ liveShare: 0.5, maxInFlight: 2, aggregate: { windowS: 60, maxEvents: 1000 } });
  });

  it('names the line and key of a wrong value or an unknown key', () => {
    expect(problemsOf(`${head}sync:\n  liveShare: 1.5\n`).join('\n')).toMatch(/plant\.yaml:6: sync\.liveShare/);
    expect(problemsOf(`${head}sync:\n  maxInFlight: 0\n`).join('\n')).toMatch(/sync\.maxInFlight/);
    expect(problemsOf(`${head}sync:\n  agregate: { windowS: 60 }\n`).join('\n')).toMatch(/sync.*agregate/);
  });
});
