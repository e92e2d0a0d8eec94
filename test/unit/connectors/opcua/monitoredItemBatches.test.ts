// Monitored items are created in batches of at most 500 per request, a deadband filter only on the counters.
import { DeadbandType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { monitoredItemBatches, type OpcuaSignal } from '../../../../connectors/opcua/opcuaSource.js';

const signals = (n: number, role: OpcuaSignal['role']): OpcuaSignal[] => Array.from({ length: n }, (_, i) => ({ line: `L${i}`, role, nodeId: `ns=1;s=${role}.${i}` }));

describe('monitoredItemBatches', () => {
  it('splits many signals into requests of at most 500, in order, none lost', () => {
    const all = signals(1201, 'state');
    const batches = monitoredItemBatches(all, 0);
    expect(batches.map((b) => b.signals.length)).toEqual([500, 500, 201]);
    expect(batches.flatMap((b) => b.signals)).toEqual(all);
    expect(batches.every((b) => b.filter === null)).toBe(true);
  });

  it('puts the counters in batches with the absolute deadband and the rest without', () => {
    const [good, scrap, state] = [signals(2, 'good'), signals(2, 'scrap'), signals(3, 'state')];
    const batches = monitoredItemBatches([good[0]!, state[0]!, scrap[0]!, state[1]!, good[1]!, scrap[1]!, state[2]!], 5);
    expect(batches).toHaveLength(2);
    expect(batches[0]!.signals.map((s) => s.role)).toEqual(['good', 'scrap', 'good', 'scrap']);
    expect(batches[0]!.filter).toMatchObject({ deadbandType: DeadbandType.Absolute, deadbandValue: 5 });
    expect(batches[1]).toMatchObject({ signals: state, filter: null });
  });

  it('makes no empty batch', () => {
    expect(monitoredItemBatches([], 3)).toEqual([]);
    expect(monitoredItemBatches(signals(2, 'good'), 0)).toEqual([{ signals: signals(2, 'good'), filter: null }]);
  });
});
