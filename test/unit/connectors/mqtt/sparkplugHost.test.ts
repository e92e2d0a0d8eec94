import { describe, expect, it } from 'vitest';
import { SparkplugHost, type SparkplugAction, type SparkplugConsumeResult } from '../../../../connectors/mqtt/sparkplug/index.js';
import {
  GROUP, NODE, T0, dbirth, ddata, ddeath, decodePayload, encode, encodeRaw, nbirth, ndata, ndeath, topic,
} from './sparkplugFixtures.js';

function accepted(result: SparkplugConsumeResult) {
  if (!result.ok) throw new Error(`expected accepted, got rejected: ${result.rejected}`);
  return result.accepted;
}

function rebirthOf(actions: readonly SparkplugAction[]) {
  expect(actions).toHaveLength(1);
  const [action] = actions;
  if (action?.kind !== 'rebirth') throw new Error('expected a rebirth action');
  return action;
}

/** A host with Line1 born at T0 (seq 0, bdSeq 7). */
function bornHost(options: ConstructorParameters<typeof SparkplugHost>[0] = {}): SparkplugHost {
  const host = new SparkplugHost(options);
  accepted(host.consume(topic('NBIRTH'), nbirth(0, 7), T0));
  return host;
}

const nodeStatus = (host: SparkplugHost, now = T0 + 10) => host.status(now).find((n) => n.node === NODE);

describe('SparkplugHost: births, data and aliases', () => {
  it('accepts an NBIRTH with bdSeq and aliases and decodes every value by its datatype', () => {
    const host = new SparkplugHost();
    const metrics = accepted(host.consume(topic('NBIRTH'), nbirth(0, 7), T0 + 50));
    expect(metrics.map((m) => [m.name, m.datatype, m.value])).toEqual([
      ['bdSeq', 'Int64', 7],
      ['Node Control/Rebirth', 'Boolean', false],
      ['GoodCount', 'UInt32', 3_000_000_000],
      ['Temperature', 'Float', 21.5],
      ['Offset', 'Int64', -5],
      ['State', 'String', 'running'],
    ]);
    expect(metrics[2]).toMatchObject({ group: GROUP, node: NODE, device: null, messageType: 'NBIRTH', timestamp: T0 });
    expect(nodeStatus(host, T0 + 60)).toMatchObject({ state: 'online', bdSeq: 7, seq: 0, metricCount: 6, awaitingRebirth: null, since: T0 + 50 });
  });

  it('resolves the aliases of an NDATA that carries no datatypes', () => {
    const host = bornHost();
    const metrics = accepted(host.consume(topic('NDATA'), ndata(1, 42), T0 + 1000));
    expect(metrics).toEqual([
      {
        group: GROUP, node: NODE, device: null, messageType: 'NDATA', name: 'GoodCount', datatype: 'UInt32', value: 42,
        timestamp: T0 + 1000, isHistorical: false, isTransient: false,
      },
    ]);
  });

  it('takes a metric timestamp over the payload timestamp, and the receive time when neither is there', () => {
    const host = bornHost();
    const own = accepted(host.consume(topic('NDATA'), encodeRaw({ timestamp: T0 + 5, seq: 1, metrics: [{ alias: 2, floatValue: 1.1, timestamp: T0 + 3 }] }), T0 + 9));
    expect(own[0]).toMatchObject({ name: 'Temperature', value: 1.1, timestamp: T0 + 3 });
    const none = accepted(host.consume(topic('NDATA'), encodeRaw({ seq: 2, metrics: [{ name: 'State', stringValue: 'idle' }] }), T0 + 9));
    expect(none[0]).toMatchObject({ name: 'State', value: 'idle', timestamp: T0 + 9 });
  });

  it('keeps NaN and Infinity, and every metric survives a JSON round trip unchanged', () => {
    const host = new SparkplugHost();
    const birth = encode({
      timestamp: T0,
      seq: 0,
      metrics: [
        { name: 'bdSeq', type: 'UInt64', value: 1 },
        { name: 'Pressure', type: 'Float', value: NaN },
        { name: 'Flow', type: 'Double', value: -Infinity },
        { name: 'Serial', type: 'UInt64', value: '18446744073709551615' as unknown as number },
        { name: 'Blob', type: 'Bytes', value: new Uint8Array([1, 2, 3]) },
      ],
    });
    const metrics = accepted(host.consume(topic('NBIRTH'), birth, T0));
    expect(metrics.map((m) => m.value)).toEqual([1, 'NaN', '-Infinity', '18446744073709551615', 'AQID']);
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(metrics);
  });

  it('decodes a DataSet metric into columns, types and rows', () => {
    const host = new SparkplugHost();
    const birth = encode({
      timestamp: T0,
      seq: 0,
      metrics: [{ name: 'Recipe', type: 'DataSet', value: { numOfColumns: 2, columns: ['step', 'temp'], types: ['Int32', 'Double'], rows: [[1, 180.5], [2, 200]] } }],
    });
    expect(accepted(host.consume(topic('NBIRTH'), birth, T0))[0]?.value).toEqual({
      columns: ['step', 'temp'], types: ['Int32', 'Double'], rows: [[1, 180.5], [2, 200]],
    });
  });

  it('passes metric properties on (engineering units)', () => {
    const host = new SparkplugHost();
    const birth = encode({ timestamp: T0, seq: 0, metrics: [{ name: 'Length', type: 'Double', value: 2.5, properties: { engUnit: { type: 'String', value: 'mm' } } }] });
    expect(accepted(host.consume(topic('NBIRTH'), birth, T0))[0]?.properties).toEqual({ engUnit: 'mm' });
  });
});

describe('SparkplugHost: seq and rebirth', () => {
  it('asks for a rebirth on a seq gap: NCMD Node Control/Rebirth=true, QoS 0, not retained', () => {
    const host = bornHost();
    accepted(host.consume(topic('NDATA'), ndata(1, 1), T0 + 1));
    const gap = host.consume(topic('NDATA'), ndata(3, 2), T0 + 2);
    expect(gap).toMatchObject({ ok: false, rejected: 'NDATA seq gap: expected 2, got 3; rebirth requested' });
    const action = rebirthOf(gap.actions);
    expect(action).toMatchObject({ group: GROUP, node: NODE, reason: 'seq gap: expected 2, got 3' });
    expect(action.publish).toMatchObject({ topic: `spBv1.0/${GROUP}/NCMD/${NODE}`, qos: 0, retain: false });
    const ncmd = decodePayload(action.publish.payload);
    expect(ncmd.metrics).toEqual([expect.objectContaining({ name: 'Node Control/Rebirth', type: 'Boolean', value: true })]);
    expect(String(ncmd.timestamp)).toBe(String(T0 + 2));
    expect(nodeStatus(host)).toMatchObject({ state: 'online', awaitingRebirth: 'seq gap: expected 2, got 3', rebirthRequestedAt: T0 + 2 });
  });

  it('refuses data until the NBIRTH, asking again only after rebirthRetryMs', () => {
    const host = bornHost({ rebirthRetryMs: 10_000 });
    expect(rebirthOf(host.consume(topic('NDATA'), ndata(5, 1), T0 + 1).actions).kind).toBe('rebirth');
    const soon = host.consume(topic('NDATA'), ndata(6, 1), T0 + 5000);
    expect(soon).toMatchObject({ ok: false, actions: [] });
    expect(soon.ok || soon.rejected).toMatch(/awaiting a rebirth \(seq gap: expected 1, got 5\); rebirth already requested 5 s ago/);
    expect(rebirthOf(host.consume(topic('NDATA'), ndata(7, 1), T0 + 10_001).actions).publish.topic).toBe(`spBv1.0/${GROUP}/NCMD/${NODE}`);
    accepted(host.consume(topic('NBIRTH'), nbirth(0, 8), T0 + 11_000));
    expect(accepted(host.consume(topic('NDATA'), ndata(1, 9), T0 + 11_001))[0]?.value).toBe(9);
    expect(nodeStatus(host, T0 + 11_002)).toMatchObject({ awaitingRebirth: null, rebirthRequestedAt: null, bdSeq: 8, seq: 1 });
  });

  it('wraps seq from 255 to 0 without a rebirth', () => {
    const host = new SparkplugHost();
    accepted(host.consume(topic('NBIRTH'), nbirth(254, 3), T0));
    for (const seq of [255, 0, 1]) {
      const result = host.consume(topic('NDATA'), ndata(seq, seq), T0 + 1);
      expect(result.actions).toEqual([]);
      expect(accepted(result)[0]?.value).toBe(seq);
    }
    expect(nodeStatus(host)?.seq).toBe(1);
  });

  it('treats a repeated or backwards seq as out of order', () => {
    const host = bornHost();
    accepted(host.consume(topic('NDATA'), ndata(1, 1), T0 + 1));
    accepted(host.consume(topic('NDATA'), ndata(2, 2), T0 + 2));
    const repeated = host.consume(topic('NDATA'), ndata(1, 3), T0 + 3);
    expect(repeated).toMatchObject({ ok: false, rejected: 'NDATA seq gap: expected 3, got 1; rebirth requested' });
    expect(rebirthOf(repeated.actions).node).toBe(NODE);
  });

  it('asks for a rebirth when data arrives before any NBIRTH', () => {
    const host = new SparkplugHost();
    const result = host.consume(topic('NDATA'), ndata(1, 1), T0);
    expect(result).toMatchObject({ ok: false, rejected: 'NDATA from a node without a valid NBIRTH; rebirth requested' });
    expect(rebirthOf(result.actions).publish.topic).toBe(`spBv1.0/${GROUP}/NCMD/${NODE}`);
    expect(nodeStatus(host)).toMatchObject({ state: 'offline', awaitingRebirth: 'NDATA from a node without a valid NBIRTH' });
    const device = new SparkplugHost().consume(topic('DBIRTH', 'Press1'), dbirth(1), T0);
    expect(device).toMatchObject({ ok: false, rejected: 'DBIRTH from a node without a valid NBIRTH; rebirth requested' });
    expect(device.actions).toHaveLength(1);
  });

  it('asks for a rebirth when an NDATA names an alias the NBIRTH did not declare', () => {
    const host = bornHost();
    const result = host.consume(topic('NDATA'), encodeRaw({ timestamp: T0, seq: 1, metrics: [{ alias: 99, intValue: 1 }] }), T0 + 1);
    expect(result).toMatchObject({ ok: false, rejected: 'NDATA metric with alias 99 was not declared in the BIRTH; rebirth requested' });
    expect(result.actions).toHaveLength(1);
  });

  it('rejects a value that does not fit its datatype without asking for a rebirth', () => {
    const host = bornHost();
    const result = host.consume(topic('NDATA'), encodeRaw({ timestamp: T0, seq: 1, metrics: [{ alias: 4, intValue: 1 }] }), T0 + 1);
    expect(result).toMatchObject({ ok: false, rejected: "NDATA metric 'State': declared String but carries intValue", actions: [] });
    expect(accepted(host.consume(topic('NDATA'), ndata(2, 5), T0 + 2))[0]?.value).toBe(5);
  });

  it('never asks for a rebirth when requestRebirth is false', () => {
    const host = bornHost({ requestRebirth: false });
    expect(host.consume(topic('NDATA'), ndata(9, 1), T0 + 1)).toMatchObject({ ok: false, rejected: 'NDATA seq gap: expected 1, got 9; rebirth requests are off', actions: [] });
  });

  it('refuses data after the host lost its broker connection until the node is born again', () => {
    const host = bornHost();
    host.connectionLost();
    expect(nodeStatus(host)).toMatchObject({ state: 'stale', awaitingRebirth: 'the host lost its MQTT connection and may have missed messages' });
    expect(host.consume(topic('NDATA'), ndata(1, 1), T0 + 20).actions).toHaveLength(1);
    accepted(host.consume(topic('NBIRTH'), nbirth(0, 8), T0 + 30));
    expect(nodeStatus(host, T0 + 31)?.state).toBe('online');
  });
});

describe('SparkplugHost: deaths and devices', () => {
  it('takes an NDEATH whose bdSeq matches the NBIRTH and ignores one that does not', () => {
    const host = bornHost();
    accepted(host.consume(topic('DBIRTH', 'Press1'), dbirth(1), T0 + 1));
    expect(host.consume(topic('NDEATH'), ndeath(6), T0 + 2)).toMatchObject({
      ok: false,
      rejected: 'stale NDEATH ignored: bdSeq 6 does not match bdSeq 7 of the current NBIRTH',
      actions: [],
    });
    expect(nodeStatus(host)?.state).toBe('online');
    expect(accepted(host.consume(topic('NDEATH'), ndeath(7), T0 + 3))).toEqual([]);
    expect(nodeStatus(host)).toMatchObject({ state: 'offline', since: T0 + 3, devices: [{ device: 'Press1', state: 'offline', since: T0 + 3 }] });
    const late = host.consume(topic('NDATA'), ndata(2, 1), T0 + 4);
    expect(late).toMatchObject({ ok: false, rejected: 'NDATA from a node without a valid NBIRTH; rebirth requested' });
  });

  it('ignores the previous session’s NDEATH that arrives after a new NBIRTH', () => {
    const host = bornHost();
    accepted(host.consume(topic('NBIRTH'), nbirth(0, 8), T0 + 10));
    expect(host.consume(topic('NDEATH'), ndeath(7), T0 + 11)).toMatchObject({ ok: false, rejected: expect.stringContaining('stale NDEATH ignored') });
    expect(nodeStatus(host, T0 + 12)).toMatchObject({ state: 'online', bdSeq: 8 });
  });

  it('tracks a device through DBIRTH, DDATA by alias and DDEATH', () => {
    const host = bornHost();
    const birth = accepted(host.consume(topic('DBIRTH', 'Press1'), dbirth(1), T0 + 1));
    expect(birth.map((m) => [m.device, m.messageType, m.name, m.value])).toEqual([
      ['Press1', 'DBIRTH', 'Speed', 12.5],
      ['Press1', 'DBIRTH', 'Running', true],
    ]);
    const data = accepted(host.consume(topic('DDATA', 'Press1'), ddata(2, 13.25), T0 + 2));
    expect(data).toEqual([expect.objectContaining({ device: 'Press1', messageType: 'DDATA', name: 'Speed', datatype: 'Double', value: 13.25 })]);
    expect(nodeStatus(host)?.devices).toEqual([{ device: 'Press1', state: 'online', since: T0 + 1, lastMessageAt: T0 + 2, metricCount: 2 }]);
    expect(accepted(host.consume(topic('DDEATH', 'Press1'), ddeath(3), T0 + 3))).toEqual([]);
    expect(nodeStatus(host)?.devices[0]).toMatchObject({ state: 'offline', since: T0 + 3 });
    const after = host.consume(topic('DDATA', 'Press1'), ddata(4, 1), T0 + 4);
    expect(after).toMatchObject({ ok: false, rejected: 'DDATA from device Press1 without a DBIRTH; rebirth requested' });
    expect(after.actions).toHaveLength(1);
  });

  it('takes the devices offline when their node is born again, until their DBIRTH', () => {
    const host = bornHost();
    accepted(host.consume(topic('DBIRTH', 'Press1'), dbirth(1), T0 + 1));
    accepted(host.consume(topic('NBIRTH'), nbirth(0, 8), T0 + 2));
    expect(nodeStatus(host)?.devices[0]).toMatchObject({ state: 'offline', metricCount: 0 });
  });
});

describe('SparkplugHost: bad input never throws and never blocks', () => {
  it('rejects garbage bytes with a reason and keeps the node’s state', () => {
    const host = bornHost();
    const result = host.consume(topic('NDATA'), Buffer.from('definitely not protobuf'), T0 + 1);
    expect(result).toMatchObject({ ok: false, rejected: expect.stringMatching(/^not a Sparkplug B payload \(invalid wire type/), actions: [] });
    expect(accepted(host.consume(topic('NDATA'), ndata(1, 1), T0 + 2))[0]?.value).toBe(1);
  });

  it('rejects a truncated protobuf', () => {
    const host = new SparkplugHost();
    const whole = nbirth(0, 7);
    const result = host.consume(topic('NBIRTH'), whole.subarray(0, whole.length - 3), T0);
    expect(result).toMatchObject({ ok: false, rejected: expect.stringMatching(/^not a Sparkplug B payload \(index out of range/) });
    expect(host.status(T0)).toEqual([]);
  });

  it('survives a few hundred random payloads on every message type', () => {
    const host = bornHost();
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
      const type = ['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH'][i % 6] ?? 'NDATA';
      const result = host.consume(topic(type, type.startsWith('D') ? 'Press1' : undefined), bytes, T0 + i);
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.rejected).not.toMatch(/^internal error/);
    }
  });

  it('rejects a 10 MB payload over the limit without decoding it', () => {
    const host = bornHost();
    const big = Buffer.alloc(10 * 1024 * 1024, 0x0a);
    expect(host.consume(topic('NDATA'), big, T0 + 1)).toMatchObject({ ok: false, rejected: 'payload of 10485760 bytes is over the limit of 262144 bytes' });
  });

  it('handles 10 MB payloads when the limit allows them: garbage is rejected, a real one decoded', () => {
    const host = new SparkplugHost({ maxPayloadBytes: 16 * 1024 * 1024 });
    const garbage = Buffer.alloc(10 * 1024 * 1024, 0x0a); // field 1, length-delimited, over and over
    expect(host.consume(topic('NBIRTH'), garbage, T0).ok).toBe(false);
    const blob = new Uint8Array(10 * 1024 * 1024).fill(7);
    const birth = encode({ timestamp: T0, seq: 0, metrics: [{ name: 'bdSeq', type: 'Int64', value: 1 }, { name: 'Image', type: 'Bytes', value: blob }] });
    expect(birth.length).toBeGreaterThan(10 * 1024 * 1024);
    const image = accepted(host.consume(topic('NBIRTH'), birth, T0))[1];
    expect(image?.name).toBe('Image');
    expect(Buffer.from(image?.value as string, 'base64').equals(Buffer.from(blob))).toBe(true);
  });

  it('rejects timestamps far in the future or the past', () => {
    const host = bornHost();
    const future = host.consume(topic('NDATA'), encodeRaw({ timestamp: T0 + 2 * 86_400_000, seq: 1, metrics: [{ alias: 1, intValue: 1 }] }), T0);
    expect(future).toMatchObject({ ok: false, rejected: 'NDATA payload timestamp 2025-06-04T06:00:00.000Z is 2 days in the future (limit 10 min)' });
    const past = host.consume(topic('NDATA'), encodeRaw({ timestamp: T0, seq: 2, metrics: [{ alias: 1, intValue: 1, timestamp: 1000 }] }), T0);
    expect(past).toMatchObject({ ok: false, rejected: expect.stringMatching(/^NDATA metric 'GoodCount': timestamp 1970-01-01T00:00:01.000Z is \d+ days old \(limit 30 days\)$/) });
    const huge = host.consume(topic('NDATA'), encodeRaw({ timestamp: '18446744073709551615' as unknown as number, seq: 3, metrics: [] }), T0);
    expect(huge).toMatchObject({ ok: false, rejected: expect.stringContaining('payload timestamp') });
    expect(accepted(host.consume(topic('NDATA'), ndata(4, 4), T0 + 1000))[0]?.value).toBe(4);
  });

  it('rejects an NBIRTH that lacks a datatype, then asks for a rebirth on the data that follows', () => {
    const host = new SparkplugHost();
    const birth = encodeRaw({ timestamp: T0, seq: 0, metrics: [{ name: 'GoodCount', alias: 1, intValue: 1 }] });
    expect(host.consume(topic('NBIRTH'), birth, T0)).toMatchObject({
      ok: false,
      rejected: "invalid NBIRTH: metric 'GoodCount' has no datatype (required in a BIRTH)",
      actions: [],
    });
    expect(nodeStatus(host, T0)?.state).toBe('offline');
    expect(host.consume(topic('NDATA'), ndata(1, 1), T0 + 1).actions).toHaveLength(1);
  });

  it('rejects an NBIRTH that gives one alias to two metrics', () => {
    const birth = encode({ timestamp: T0, seq: 0, metrics: [{ name: 'A', alias: 1, type: 'Int32', value: 1 }, { name: 'B', alias: 1, type: 'Int32', value: 2 }] });
    expect(new SparkplugHost().consume(topic('NBIRTH'), birth, T0)).toMatchObject({ ok: false, rejected: "invalid NBIRTH: alias 1 is given to both 'A' and 'B'" });
  });

  it('rejects topics outside the namespace, commands, and malformed ids', () => {
    const host = new SparkplugHost();
    expect(host.consume('plant/1010/L1/confirmation', nbirth(0, 1), T0)).toMatchObject({ ok: false, topic: null, rejected: 'topic plant/1010/L1/confirmation is not in the spBv1.0 namespace' });
    expect(host.consume(`spBv1.0/${GROUP}/NCMD/${NODE}`, nbirth(0, 1), T0)).toMatchObject({ ok: false, rejected: 'NCMD is a command to an edge node; the host does not consume commands' });
    expect(host.consume(`spBv1.0/${GROUP}/DDATA/${NODE}`, nbirth(0, 1), T0)).toMatchObject({ ok: false, topic: null, rejected: expect.stringContaining('needs a device id') });
    expect(host.consume(`spBv1.0/${GROUP}/NOPE/${NODE}`, nbirth(0, 1), T0)).toMatchObject({ ok: false, topic: null });
  });

  it('stops creating nodes at maxNodes', () => {
    const host = new SparkplugHost({ maxNodes: 1 });
    accepted(host.consume(topic('NBIRTH'), nbirth(0, 1), T0));
    expect(host.consume(`spBv1.0/${GROUP}/NBIRTH/Other`, nbirth(0, 1), T0)).toMatchObject({ ok: false, rejected: 'ignored: already tracking the limit of 1 edge nodes' });
    expect(host.status(T0)).toHaveLength(1);
  });
});

describe('SparkplugHost: staleness and STATE', () => {
  it('marks a node stale after staleAfterMs without a message, on an injected clock', () => {
    let now = T0;
    const host = bornHost({ staleAfterMs: 60_000, clock: () => now });
    now = T0 + 60_000;
    expect(host.status()[0]?.state).toBe('online');
    now = T0 + 60_001;
    expect(host.status()[0]).toMatchObject({ state: 'stale', lastMessageAt: T0 });
    accepted(host.consume(topic('DBIRTH', 'Press1'), dbirth(1), now));
    expect(host.status()[0]).toMatchObject({ state: 'online', devices: [{ state: 'online' }] });
    now += 60_001;
    expect(host.status()[0]).toMatchObject({ state: 'stale', devices: [{ state: 'stale' }] });
  });

  it('asks to republish our STATE birth when our own STATE says offline, and records other hosts', () => {
    const host = new SparkplugHost({ hostId: 'plantdesk-1010' });
    const own = host.consume('spBv1.0/STATE/plantdesk-1010', Buffer.from('{"online":false,"timestamp":1700000000000}'), T0);
    expect(own).toMatchObject({ ok: true, accepted: [], actions: [{ kind: 'republishHostState', hostId: 'plantdesk-1010' }] });
    expect(host.consume('spBv1.0/STATE/scada', Buffer.from('{"online":true,"timestamp":1700000000001}'), T0)).toMatchObject({ ok: true, actions: [] });
    expect(host.consume('STATE/legacy-host', Buffer.from('OFFLINE'), T0 + 1)).toMatchObject({ ok: true, actions: [] });
    expect(host.consume('spBv1.0/STATE/scada', Buffer.from('{"online":false,"timestamp":1600000000000}'), T0 + 2).ok).toBe(true);
    expect(host.hosts()).toEqual([
      { hostId: 'legacy-host', online: false, timestamp: null, receivedAt: T0 + 1 },
      { hostId: 'plantdesk-1010', online: false, timestamp: 1_700_000_000_000, receivedAt: T0 },
      { hostId: 'scada', online: true, timestamp: 1_700_000_000_001, receivedAt: T0 },
    ]);
  });

  it('rejects STATE payloads that are not JSON, not UTF-8 or lack the fields', () => {
    const host = new SparkplugHost();
    expect(host.consume('spBv1.0/STATE/x', Buffer.from('{online'), T0)).toMatchObject({ ok: false, rejected: expect.stringMatching(/^STATE payload is not valid JSON/) });
    expect(host.consume('spBv1.0/STATE/x', Buffer.from([0xc3, 0x28]), T0)).toMatchObject({ ok: false, rejected: 'STATE payload is not valid UTF-8' });
    expect(host.consume('spBv1.0/STATE/x', Buffer.from('{"online":"yes","timestamp":1}'), T0)).toMatchObject({ ok: false });
    expect(host.consume('STATE/x', Buffer.from('online'), T0)).toMatchObject({ ok: false, rejected: 'STATE payload is neither ONLINE nor OFFLINE' });
  });
});

describe('sparkplug-payload behaviour the host works around', () => {
  it('decodePayload loses the value of a DATA metric sent without a datatype', () => {
    expect(decodePayload(ndata(1, 42)).metrics?.[0]).toMatchObject({ value: null, type: undefined });
  });

  it('decodePayload turns a negative Int64 into a huge unsigned number', () => {
    const offset = decodePayload(nbirth(0, 7)).metrics?.find((m) => m.name === 'Offset');
    expect(String(offset?.value)).toBe('18446744073709551611');
  });

  it('decodePayload throws on a DataSet that encodePayload wrote', () => {
    const payload = encode({ timestamp: T0, metrics: [{ name: 'D', type: 'DataSet', value: { numOfColumns: 1, columns: ['a'], types: ['Int32'], rows: [[1]] } }] });
    expect(() => decodePayload(payload)).toThrow(/Invalid DataSetValue/);
  });
});
