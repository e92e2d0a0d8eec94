// Sparkplug B protobuf in and out, through sparkplug-payload (Eclipse Tahu). Decoding uses the package's generated
// protobuf classes rather than its decodePayload, which drops the value of every metric that has no datatype
// (DATA messages should omit it), throws on DataSets it encoded itself, and turns negative Int64 into huge
// unsigned numbers; values.ts interprets the raw fields by the datatype of the BIRTH instead.
import sparkplugPayload from 'sparkplug-payload';
import protoRoot, { type org } from 'sparkplug-payload/lib/sparkplugPayloadProto.js';

export const { Payload } = protoRoot.org.eclipse.tahu.protobuf;
export type RawPayload = org.eclipse.tahu.protobuf.Payload;
export type RawMetric = org.eclipse.tahu.protobuf.Payload.IMetric;
export type RawDataSet = org.eclipse.tahu.protobuf.Payload.IDataSet;
export type RawPropertySet = org.eclipse.tahu.protobuf.Payload.IPropertySet;
export type RawPropertySetList = org.eclipse.tahu.protobuf.Payload.IPropertySetList;
export type RawTemplate = org.eclipse.tahu.protobuf.Payload.ITemplate;

export const REBIRTH_METRIC = 'Node Control/Rebirth';

export type DecodeResult = { readonly ok: true; readonly payload: RawPayload } | { readonly ok: false; readonly reason: string };

/** Never throws: truncated or garbage protobuf comes back as a reason. */
export function decodeSparkplugPayload(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, payload: Payload.decode(bytes) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** True when the protobuf message carries the field (proto2 presence), whatever its value. */
export function has<T extends object>(message: T, field: keyof T & string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field) && message[field] !== null && message[field] !== undefined;
}

const codec = sparkplugPayload.get('spBv1.0');

/** The NCMD payload asking an edge node for a new NBIRTH (and its DBIRTHs). */
export function encodeRebirthRequest(timestamp: number): Buffer {
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  return Buffer.from(codec.encodePayload({ timestamp, metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }] }));
}
