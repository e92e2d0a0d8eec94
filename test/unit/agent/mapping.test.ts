// The agent's mapper: payload checks, built-in and JSONata mappings, time window, order of results.
import { describe, expect, it } from 'vitest';
import type { DeclarativeMapping } from '../../../domain/mapping/declarative.js';
import { MessageMapper, type MappedMessage, type MapperInput, type MapperSource } from '../../../main/agent/mapping.js';
import { declarativeVersion } from '../../../main/agent/mappingJsonata.js';
import { mesConfirmation } from '../domain/fixtures.js';

const RECEIVED = Date.parse('2025-03-04T07:00:30Z');

const jsonMapping: DeclarativeMapping = {
  version: 2,
  type: 'confirmation',
  messageId: 'header.id',
  fields: {
    line: '$topicLevels[2]',
    orderId: 'order.id',
    operation: '$string(op)',
    yieldQty: 'qty.good',
    scrapQty: 'qty.bad',
    unit: 'qty.uom',
    end: 'header.time',
  },
  units: { pcs: 'PC' },
};

function sources(overrides: Partial<MapperSource> = {}): MapperSource[] {
  return [
    {
      name: 'mes',
      topics: [
        { filter: 'plant/1010/+/confirmation', type: 'confirmation', mapping: 'mes-json-v1' },
        { filter: 'v2/+/+/confirmation', type: 'confirmation', mapping: jsonMapping },
      ],
      eventTime: { maxAheadS: 86_400, maxAgeS: 30 * 86_400 },
      ...overrides,
    },
  ];
}

function v2Message(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { header: { id: 'h-1', time: '2025-03-04T07:00:00Z' }, order: { id: '1000001' }, op: 10, qty: { good: 12, bad: 1, uom: 'pcs' }, ...overrides };
}

function input(topic: string, payload: unknown, overrides: Partial<MapperInput> = {}): MapperInput {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return { source: 'mes', topic, payload: bytes, receivedAt: RECEIVED, ...overrides };
}

const mapper = (overrides: Partial<MapperSource> = {}): MessageMapper => new MessageMapper({ plant: '1010', sources: sources(overrides) });

describe('MessageMapper', () => {
  it('maps with the built-in mapping synchronously and records its version', () => {
    const result = mapper().map(input('plant/1010/L1/confirmation', mesConfirmation({ end: '2025-03-04T07:00:00Z' }))) as MappedMessage;
    expect(result.mapped.ok).toBe(true);
    expect(result).toMatchObject({ mappingVersion: 'mes-json-v1', payloadEncoding: 'utf8', payloadTruncated: false });
  });

  it('maps with an inline JSONata mapping: topic levels, message id, unit alias, padded operation', async () => {
    const result = await mapper().map(input('v2/1010/L7/confirmation', v2Message()));
    expect(result.mapped).toEqual({
      ok: true, sourceId: 'h-1',
      event: { kind: 'confirmation', plant: '1010', line: 'L7', orderId: '1000001', operation: '0010', yieldQty: 12, scrapQty: 1, unit: 'PC', final: false, end: '2025-03-04T07:00:00Z' },
    });
    expect(result.mappingVersion).toMatch(/^mes:v2\/\+\/\+\/confirmation@v2#[0-9a-f]{8}$/);
  });

  it('gives a mapping version that changes with the definition even when the version number does not', () => {
    const a = declarativeVersion(jsonMapping, 'mes:x');
    expect(declarativeVersion({ ...jsonMapping, fields: { ...jsonMapping.fields, orderId: 'order.number' } }, 'mes:x')).not.toBe(a);
    expect(declarativeVersion({ ...jsonMapping, name: 'mes-v2' }, 'mes:x')).toBe(a.replace('mes:x', 'mes-v2'));
    expect(declarativeVersion({ ...jsonMapping, fields: Object.fromEntries(Object.entries(jsonMapping.fields).reverse()) }, 'mes:x')).toBe(a);
  });

  it('rejects with the reason naming field, expression and value', async () => {
    const result = await mapper().map(input('v2/1010/L7/confirmation', v2Message({ qty: { good: 'NaN', bad: -2, uom: 'pcs' } })));
    expect(result.mapped.ok).toBe(false);
    expect(!result.mapped.ok && result.mapped.reason).toBe(
      'yieldQty (qty.good) Invalid input: expected number, received string, got "NaN"; scrapQty (qty.bad) must not be negative, got -2',
    );
    expect(result.mapped.sourceId).toBe('h-1');
  });

  it('rejects a missing message id, malformed JSON and an expression that fails at run time', async () => {
    const noId = await mapper().map(input('v2/1010/L7/confirmation', v2Message({ header: { time: '2025-03-04T07:00:00Z' } })));
    expect(!noId.mapped.ok && noId.mapped.reason).toBe('messageId (header.id) is missing in the message');
    const notJson = await mapper().map(input('v2/1010/L7/confirmation', '{"header": '));
    expect(!notJson.mapped.ok && notJson.mapped.reason).toMatch(/^payload is not valid JSON/);
    const failing = mapper({ topics: [{ filter: '#', type: 'confirmation', mapping: { ...jsonMapping, fields: { ...jsonMapping.fields, orderId: '$substring(order.id, "x")' } } }] });
    const runtime = await failing.map(input('v2/1010/L7/confirmation', v2Message()));
    expect(!runtime.mapped.ok && runtime.mapped.reason).toMatch(/^orderId \(\$substring\(order\.id, "x"\)\) could not be evaluated: .*\[T0410\]$/);
  });

  it('stops an expression that runs too long', async () => {
    const slow = mapper({ topics: [{ filter: '#', type: 'confirmation', mapping: { ...jsonMapping, fields: { ...jsonMapping.fields, orderId: '($f := function($n){ $n = 0 ? 0 : $f($n - 1) }; $f(100000))' } } }] });
    const result = await slow.map(input('v2/1010/L7/confirmation', v2Message()));
    expect(!result.mapped.ok && result.mapped.reason).toMatch(/^orderId .* could not be evaluated: .*\[D10(11|12)\]$/);
  });

  it('rejects a payload over the source limit, keeping a 4 KiB prefix', () => {
    const big = Buffer.alloc(5000, 'x');
    const result = mapper({ maxPayloadBytes: 4096 }).map(input('plant/1010/L1/confirmation', big)) as MappedMessage;
    expect(result).toMatchObject({ payloadBytes: 5000, payloadTruncated: true, mappingVersion: 'mes-json-v1' });
    expect(result.payload).toHaveLength(4096);
    expect(!result.mapped.ok && result.mapped.reason).toBe('message is 5000 bytes; the limit is 4096 bytes');
  });

  it('keeps invalid UTF-8 exactly, as base64, and says where it breaks', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xc3, 0x28, 0x7d]);
    const result = mapper().map(input('plant/1010/L1/confirmation', bytes)) as MappedMessage;
    expect(result).toMatchObject({ payloadEncoding: 'base64', payload: bytes.toString('base64') });
    expect(!result.mapped.ok && result.mapped.reason).toBe('payload is not valid UTF-8: byte 0xc3 at offset 5 does not belong there');
  });

  it('rejects a topic no filter matches, naming it, with no mapping version', () => {
    const result = mapper().map(input('plant/1010/L1/mystery', mesConfirmation())) as MappedMessage;
    expect(result.mappingVersion).toBeNull();
    expect(!result.mapped.ok && result.mapped.reason).toBe('no topic mapping in the configuration matches plant/1010/L1/mystery');
  });

  it('rejects event times outside the source window, keeping the message id', () => {
    const result = mapper().map(input('plant/1010/L1/confirmation', mesConfirmation({ end: '2031-01-01T00:00:00Z' }))) as MappedMessage;
    expect(result.mapped).toMatchObject({ ok: false, sourceId: 'mes-0001' });
    expect(!result.mapped.ok && result.mapped.reason).toMatch(/^end 2031-01-01T00:00:00Z is \d+ days after the message was received; more than 1 day ahead is not plausible$/);
  });

  it('without configured sources maps by message type with the built-in mapping and no time window', () => {
    const legacy = new MessageMapper();
    const result = legacy.map(input('x/y', mesConfirmation({ end: '2031-01-01T00:00:00Z' }), { source: 'other', type: 'confirmation' })) as MappedMessage;
    expect(result.mapped.ok).toBe(true);
    expect(legacy.versionFor('other', 'x/y', 'unmapped')).toBeNull();
  });

  it('hands results on in arrival order, a slow JSONata one before a quick built-in one after it', async () => {
    const m = mapper();
    const order: string[] = [];
    const a = m.map(input('v2/1010/L7/confirmation', v2Message()));
    const b = m.map(input('plant/1010/L1/confirmation', mesConfirmation({ end: '2025-03-04T07:00:00Z' })));
    const c = m.map(input('v2/1010/L8/confirmation', v2Message({ header: { id: 'h-2', time: '2025-03-04T07:00:00Z' } })));
    expect(a).toBeInstanceOf(Promise);
    expect(b).toBeInstanceOf(Promise);
    await Promise.all([a, b, c].map((p, i) => Promise.resolve(p).then(() => order.push('abc'[i]!))));
    expect(order).toEqual(['a', 'b', 'c']);
    // Once everything has been handed on, a built-in mapping answers synchronously again.
    await new Promise((r) => setImmediate(r));
    expect(m.map(input('plant/1010/L1/confirmation', mesConfirmation()))).not.toBeInstanceOf(Promise);
  });

  it('maps a stored message again, and refuses one of which only a prefix was kept', async () => {
    const m = mapper();
    const stored = { source: 'mes', channel: 'v2/1010/L7/confirmation', payload: JSON.stringify(v2Message()), payloadEncoding: 'utf8' as const, payloadTruncated: false, payloadBytes: 100, receivedAt: RECEIVED };
    expect((await m.mapStored(stored)).mapped.ok).toBe(true);
    const cut = await m.mapStored({ ...stored, payloadTruncated: true, payloadBytes: 300_000 });
    expect(!cut.mapped.ok && cut.mapped.reason).toBe('only the first 4096 of its 300000 bytes were kept, so it cannot be mapped again');
    const base64 = await m.mapStored({ ...stored, channel: 'plant/1010/L1/confirmation', payload: Buffer.from([0xff, 0x7b]).toString('base64'), payloadEncoding: 'base64' });
    expect(!base64.mapped.ok && base64.mapped.reason).toMatch(/not valid UTF-8/);
  });
});
