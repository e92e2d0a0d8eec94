import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
import { counterLinesFromConfig } from '../../../main/agent/counterConfirmations.js';

const yaml = (line: string, source = ''): string => `
plant: "1010"
opcua:
  - name: plc
    endpoint: opc.tcp://10.0.0.5:4840
${source}    lines:
      - line: L1
        good: ns=1;s=L1.Good
        scrap: ns=1;s=L1.Scrap
${line}
erp:
  kind: sap-odata
  baseUrl: https://s4.example.com
`;

describe('OPC UA counter configuration', () => {
  it('defaults: queue 10, no deadband, a confirmation a minute, operation 0010, unit PC, UInt32 counters, good stale after 3 x 5 s', () => {
    const config = parseConfig(yaml(''), 'plant.yaml');
    expect(config.opcua[0]).toMatchObject({ queueSize: 10, deadband: 0 });
    expect(config.opcua[0]!.lines[0]).toMatchObject({
      confirmEveryS: 60, operation: '0010', unit: 'PC', counterMax: 4_294_967_295, expectedPeriodMs: { good: 5000, scrap: 0, state: 0, order: 0 },
    });
    expect(counterLinesFromConfig(config.opcua)).toEqual([{
      source: 'plc', line: 'L1', goodNode: 'ns=1;s=L1.Good', scrapNode: 'ns=1;s=L1.Scrap', counterMax: 4_294_967_295, confirmEveryS: 60, operation: '0010', unit: 'PC',
    }]);
  });

  it('takes the keys of the README', () => {
    const config = parseConfig(yaml(`        confirmEveryS: 0
        counterMax: UInt16
        operation: "20"
        workCenter: WC-L1
        unit: KG
        expectedPeriodMs: { good: 1000, scrap: 60000 }`, '    queueSize: 100\n    deadband: 2.5\n'), 'plant.yaml');
    expect(config.opcua[0]).toMatchObject({ queueSize: 100, deadband: 2.5 });
    expect(config.opcua[0]!.lines[0]).toMatchObject({
      confirmEveryS: 0, counterMax: 65_535, operation: '20', workCenter: 'WC-L1', unit: 'KG', expectedPeriodMs: { good: 1000, scrap: 60_000, state: 0, order: 0 },
    });
    expect(parseConfig(yaml('        counterMax: 999999'), 'plant.yaml').opcua[0]!.lines[0]!.counterMax).toBe(999_999);
  });

  it('names the line and key of a wrong value', () => {
    expect(() => parseConfig(yaml('        confirmEveryS: -5'), 'plant.yaml')).toThrow(/plant\.yaml:\d+: opcua\[0\]\.lines\[0\]\.confirmEveryS: /);
    expect(() => parseConfig(yaml('        counterMax: UInt8'), 'plant.yaml')).toThrow(/opcua\[0\]\.lines\[0\]\.counterMax/);
    expect(() => parseConfig(yaml('        operation: "00100"'), 'plant.yaml')).toThrow(/operation: must be up to 4 digits/);
    expect(() => parseConfig(yaml('        expectedPeriodMs: { counters: 5000 }'), 'plant.yaml')).toThrow(/expectedPeriodMs\.counters: unknown key/);
    expect(() => parseConfig(yaml('', '    deadband: -1\n'), 'plant.yaml')).toThrow(/opcua\[0\]\.deadband/);
  });
});
