// The payload's timestamp and seq read from the protobuf wire format without decoding the metrics.
import { describe, expect, it } from 'vitest';
import { readSparkplugHeader } from '../../../../connectors/mqtt/sparkplugHeader.js';
import { encodeRaw, nbirth, ndata, ndeath, T0 } from './sparkplugFixtures.js';

describe('readSparkplugHeader', () => {
  it('reads timestamp and seq of a BIRTH and a DATA message past their metrics', () => {
    expect(readSparkplugHeader(nbirth(0, 7))).toEqual({ timestamp: String(T0), seq: '0' });
    expect(readSparkplugHeader(ndata(42, 1234, T0 + 5000))).toEqual({ timestamp: String(T0 + 5000), seq: '42' });
  });

  it('gives null for fields the payload does not carry', () => {
    // An NDEATH has a timestamp and bdSeq, but no seq.
    expect(readSparkplugHeader(ndeath(3))).toEqual({ timestamp: String(T0 - 60_000), seq: null });
    expect(readSparkplugHeader(encodeRaw({ seq: 5 }))).toEqual({ timestamp: null, seq: '5' });
    expect(readSparkplugHeader(new Uint8Array())).toEqual({ timestamp: null, seq: null });
  });

  it('keeps uint64 values beyond 2^53 exact', () => {
    // field 1 = 2^64 - 1 (ten varint bytes), field 3 = 300
    const bytes = Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x18, 0xac, 0x02]);
    expect(readSparkplugHeader(bytes)).toEqual({ timestamp: '18446744073709551615', seq: '300' });
  });

  it('never throws on bytes that are not protobuf, and reads nothing from them', () => {
    const cases = [
      Buffer.from('{"online":true,"timestamp":1}'), // a STATE payload: JSON
      Buffer.from([0x08]), // a tag without its value
      Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // a varint of 11 bytes
      Buffer.from([0x12, 0x7f, 0x00]), // length 127 with 1 byte left
      Buffer.from([0x00, 0x01]), // field 0
      Buffer.from([0x09, 0x01, 0x02]), // a fixed64 cut short
      Buffer.from([0x0b]), // a group start
    ];
    for (const bytes of cases) expect(readSparkplugHeader(bytes), bytes.toString('hex')).toEqual({ timestamp: null, seq: null });
  });

  it('counts a repeated field with its last value, as protobuf does', () => {
    const twice = Buffer.concat([encodeRaw({ seq: 1 }), encodeRaw({ seq: 2, timestamp: 9 })]);
    expect(readSparkplugHeader(twice)).toEqual({ timestamp: '9', seq: '2' });
  });
});
