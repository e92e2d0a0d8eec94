// Which OPC UA nodes the configuration lets PlantDesk write: a line's dispatchOrder and the source's writable: list;
// nothing else. Mistakes name the line and key.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
import { opcuaWritableNodes } from '../../../main/agent/config/opcuaSchema.js';
import { problemsOf } from './configProblems.js';

function configWith(line: string, source = ''): string {
  return `plant: "1010"
opcua:
  - name: line-plc
    endpoint: opc.tcp://10.0.0.5:4840
${source}    lines:
      - line: L1
        good: ns=1;s=L1.GoodCount
        scrap: ns=1;s=L1.ScrapCount
${line}      - line: L2
        good: ns=1;s=L2.GoodCount
        scrap: ns=1;s=L2.ScrapCount
erp:
  kind: sap-odata
  baseUrl: http://127.0.0.1:4801
`;
}

const source = (line: string, extra = '') => parseConfig(configWith(line, extra), 'plant.yaml').opcua[0]!;

describe('writable OPC UA nodes in the configuration', () => {
  it('writes nothing unless configured', () => {
    const s = source('');
    expect(s.writable).toEqual([]);
    expect(opcuaWritableNodes(s)).toEqual([]);
  });

  it("takes each line's dispatchOrder and the source's writable list, named for messages and the audit", () => {
    const s = source('        dispatchOrder: ns=1;s=L1.DispatchOrder\n', '    writable:\n      - { nodeId: ns=1;s=L1.Recipe, name: L1 recipe }\n');
    expect(s.lines[0]!.dispatchOrder).toBe('ns=1;s=L1.DispatchOrder');
    expect(opcuaWritableNodes(s)).toEqual([
      { nodeId: 'ns=1;s=L1.DispatchOrder', label: 'L1 dispatchOrder' },
      { nodeId: 'ns=1;s=L1.Recipe', label: 'L1 recipe' },
    ]);
  });

  it('names a writable entry without a name, or with an unknown key', () => {
    expect(problemsOf(configWith('', '    writable:\n      - nodeId: ns=1;s=X\n'))).toEqual([expect.stringMatching(/^plant\.yaml:\d+: opcua\[0\]\.writable\[0\]\.name: is required/)]);
    expect(problemsOf(configWith('', '    writable:\n      - { nodeId: ns=1;s=X, name: x, access: rw }\n'))).toEqual([expect.stringMatching(/opcua\[0\]\.writable\[0\]\.access: unknown key/)]);
    expect(problemsOf(configWith('        dispatchOrder: ""\n'))).toEqual([expect.stringMatching(/^plant\.yaml:\d+: opcua\[0\]\.lines\[0\]\.dispatchOrder: /)]);
  });
});
