// Builds Sparkplug B payloads for the host tests: with sparkplug-payload's encodePayload where it can (every
// metric carries a datatype), and with its generated protobuf classes for DATA that omits datatypes, as the
// Sparkplug 3.0 spec recommends and encodePayload cannot do.
import sparkplugPayload from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import protoRoot, { type org } from 'sparkplug-payload/lib/sparkplugPayloadProto.js';

const codec = sparkplugPayload.get('spBv1.0');
if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
export const { encodePayload, decodePayload } = codec;
export const Payload = protoRoot.org.eclipse.tahu.protobuf.Payload;

export const T0 = Date.UTC(2025, 5, 2, 6, 0, 0);
export const GROUP = 'Plant1010';
export const NODE = 'Line1';
export const topic = (type: string, device?: string): string => `spBv1.0/${GROUP}/${type}/${NODE}${device ? `/${device}` : ''}`;

export function encode(payload: UPayload): Buffer {
  return Buffer.from(encodePayload(payload));
}

/** Encoded straight from protobuf fields: metrics as { alias, intValue } etc., no datatype unless given. */
export function encodeRaw(payload: org.eclipse.tahu.protobuf.IPayload): Buffer {
  return Buffer.from(Payload.encode(Payload.create(payload)).finish());
}

export function nbirth(seq: number, bdSeq: number, timestamp = T0): Buffer {
  return encode({
    timestamp,
    seq,
    metrics: [
      { name: 'bdSeq', type: 'Int64', value: bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      { name: 'GoodCount', alias: 1, type: 'UInt32', value: 3_000_000_000 },
      { name: 'Temperature', alias: 2, type: 'Float', value: 21.5 },
      { name: 'Offset', alias: 3, type: 'Int64', value: -5 },
      { name: 'State', alias: 4, type: 'String', value: 'running' },
    ],
  });
}

/** NDATA by alias only, without datatypes (the usual form on the wire). */
export function ndata(seq: number, goodCount: number, timestamp = T0 + 1000): Buffer {
  return encodeRaw({ timestamp, seq, metrics: [{ alias: 1, intValue: goodCount }] });
}

export function ndeath(bdSeq: number): Buffer {
  return encode({ timestamp: T0 - 60_000, metrics: [{ name: 'bdSeq', type: 'Int64', value: bdSeq }] });
}

export function dbirth(seq: number): Buffer {
  return encode({
    timestamp: T0,
    seq,
    metrics: [
      { name: 'Speed', alias: 10, type: 'Double', value: 12.5 },
      { name: 'Running', alias: 11, type: 'Boolean', value: true },
    ],
  });
}

export function ddata(seq: number, speed: number): Buffer {
  return encodeRaw({ timestamp: T0 + 2000, seq, metrics: [{ alias: 10, doubleValue: speed }] });
}

export function ddeath(seq: number): Buffer {
  return encode({ timestamp: T0 + 3000, seq, metrics: [] });
}
