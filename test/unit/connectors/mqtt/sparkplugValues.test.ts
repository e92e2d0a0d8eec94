import { describe, expect, it } from 'vitest';
import { convertValue, propertySet, toBigInt } from '../../../../connectors/mqtt/sparkplug/values.js';
import { parseSparkplugTopic } from '../../../../connectors/mqtt/sparkplug/index.js';
import { Payload } from './sparkplugFixtures.js';

/** Fields as they come out of the protobuf decoder (so presence and Long values are real). */
function wire(fields: Record<string, unknown>) {
  return Payload.Metric.decode(Payload.Metric.encode(Payload.Metric.create(fields)).finish());
}

const value = (fields: Record<string, unknown>, datatype: number) => convertValue(wire(fields), datatype);

describe('convertValue', () => {
  it.each([
    ['Int8 sign-extended to 32 bits', { intValue: 0xfffffffd }, 1, -3],
    ['Int8 in its own byte', { intValue: 0xfd }, 1, -3],
    ['Int16', { intValue: 0xffff8000 }, 2, -32768],
    ['Int32', { intValue: 0x80000000 }, 3, -2147483648],
    ['UInt16', { intValue: 65535 }, 6, 65535],
    ['UInt32 above 2^31 in long_value', { longValue: 3_000_000_000 }, 7, 3_000_000_000],
    ['UInt32 in int_value', { intValue: 4_294_967_295 }, 7, 4_294_967_295],
    ['Int64 negative', { longValue: -5 }, 4, -5],
    ['Int64 beyond 2^53 as a string', { longValue: '-9223372036854775808' }, 4, '-9223372036854775808'],
    ['UInt64 max as a string', { longValue: '18446744073709551615' }, 8, '18446744073709551615'],
    ['DateTime as epoch ms', { longValue: 1_748_844_000_000 }, 13, 1_748_844_000_000],
    ['Float as its shortest decimal', { floatValue: 1.1 }, 9, 1.1],
    ['Float NaN', { floatValue: NaN }, 9, 'NaN'],
    ['Double Infinity', { doubleValue: Infinity }, 10, 'Infinity'],
    ['Boolean', { booleanValue: true }, 11, true],
    ['Text', { stringValue: 'héllo' }, 14, 'héllo'],
    ['Bytes as base64', { bytesValue: new Uint8Array([0xde, 0xad]) }, 17, '3q0='],
    ['isNull', { isNull: true, intValue: 5 }, 3, null],
    ['no value field', {}, 3, null],
    ['Int16Array little-endian', { bytesValue: new Uint8Array([0x01, 0x00, 0xff, 0xff]) }, 23, [1, -1]],
    ['UInt32Array', { bytesValue: new Uint8Array([0xff, 0xff, 0xff, 0xff]) }, 28, [4_294_967_295]],
    ['DoubleArray', { bytesValue: new Uint8Array(new Float64Array([1.5, -2]).buffer) }, 31, [1.5, -2]],
    ['StringArray, NUL-terminated', { bytesValue: Buffer.from('ab\0c\0') }, 33, ['ab', 'c']],
  ])('%s', (_label, fields, datatype, expected) => {
    expect(value(fields, datatype)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['a string for an Int32', { stringValue: 'x' }, 3, 'declared Int32 but carries stringValue'],
    ['an int for a Boolean', { intValue: 1 }, 11, 'declared Boolean but carries intValue'],
    ['a ragged Int32Array', { bytesValue: new Uint8Array(5) }, 24, 'Int32Array of 5 bytes is not a whole number of 4-byte elements'],
    ['invalid UTF-8 in a StringArray', { bytesValue: new Uint8Array([0xc3, 0x28, 0]) }, 33, 'StringArray is not valid UTF-8'],
    ['an unknown datatype', { intValue: 1 }, 99, 'unknown datatype 99'],
  ])('refuses %s', (_label, fields, datatype, reason) => {
    expect(value(fields, datatype)).toEqual({ ok: false, reason });
  });

  it('reads a DataSet and refuses one whose rows do not fit its columns', () => {
    const dataset = { numOfColumns: 2, columns: ['n', 's'], types: [3, 12], rows: [{ elements: [{ intValue: 0xffffffff }, { stringValue: 'a' }] }] };
    expect(value({ datasetValue: dataset }, 16)).toEqual({ ok: true, value: { columns: ['n', 's'], types: ['Int32', 'String'], rows: [[-1, 'a']] } });
    const ragged = { ...dataset, rows: [{ elements: [{ intValue: 1 }] }] };
    expect(value({ datasetValue: ragged }, 16)).toEqual({ ok: false, reason: 'DataSet row 1 has 1 cells for 2 columns' });
  });

  it('passes a Template on in its protobuf JSON form', () => {
    const result = value({ templateValue: { templateRef: 'Motor', metrics: [{ name: 'Amps', datatype: 10, doubleValue: 3.5 }] } }, 19);
    expect(result).toEqual({ ok: true, value: { templateRef: 'Motor', metrics: [{ name: 'Amps', datatype: 10, doubleValue: 3.5 }] } });
  });
});

describe('propertySet and toBigInt', () => {
  it('reads nested property sets', () => {
    const set = { keys: ['engUnit', 'limits'], values: [{ type: 12, stringValue: 'mm' }, { type: 20, propertysetValue: { keys: ['hi'], values: [{ type: 10, doubleValue: 9.5 }] } }] };
    expect(propertySet(Payload.PropertySet.decode(Payload.PropertySet.encode(Payload.PropertySet.create(set)).finish()))).toEqual({
      ok: true,
      value: { engUnit: 'mm', limits: { hi: 9.5 } },
    });
  });

  it('reads numbers and protobufjs Longs as unsigned 64-bit, and nothing else', () => {
    expect(toBigInt(255)).toBe(255n);
    expect(toBigInt({ low: -1, high: -1, unsigned: true })).toBe(2n ** 64n - 1n);
    expect(toBigInt(1.5)).toBeUndefined();
    expect(toBigInt('7')).toBeUndefined();
  });
});

describe('parseSparkplugTopic', () => {
  it.each([
    ['spBv1.0/G/NBIRTH/N', { kind: 'edge', type: 'NBIRTH', group: 'G', node: 'N', device: null }],
    ['spBv1.0/G/DDATA/N/D', { kind: 'edge', type: 'DDATA', group: 'G', node: 'N', device: 'D' }],
    ['spBv1.0/STATE/host', { kind: 'state', hostId: 'host', legacy: false }],
    ['STATE/host', { kind: 'state', hostId: 'host', legacy: true }],
  ])('%s', (topic, expected) => {
    expect(parseSparkplugTopic(topic)).toEqual({ ok: true, topic: expected });
  });

  it.each(['spBv1.0/G/NDATA/N/D', 'spBv1.0/G/DBIRTH/N', 'spBv1.0//NDATA/N', 'spBv1.0/G/NDATA/', 'spBv1.0/STATE', 'spAv1.0/G/NDATA/N', 'spBv1.0/G/NDATA/N/D/E'])(
    'refuses %s',
    (topic) => {
      expect(parseSparkplugTopic(topic).ok).toBe(false);
    },
  );
});
