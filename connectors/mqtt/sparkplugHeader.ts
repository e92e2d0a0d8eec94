// The two top-level fields of a Sparkplug B payload that identify a message, read straight from the protobuf
// wire format without decoding the metrics: timestamp (field 1) and seq (field 3), both uint64 varints. The host
// decodes the whole payload; this is what the intake needs for an idempotency key, at the cost of one scan.

export interface SparkplugHeader {
  /** The payload's timestamp (epoch ms) as a decimal string, or null when the payload has none or is not protobuf. */
  readonly timestamp: string | null;
  /** The payload's seq as a decimal string, or null (NDEATH, STATE, garbage). */
  readonly seq: string | null;
}

const NO_HEADER: SparkplugHeader = { timestamp: null, seq: null };

/** A varint at `pos`: its value and the position after it, or undefined when it runs past the end or over 10 bytes. */
function readVarint(bytes: Uint8Array, pos: number): { value: bigint; next: number } | undefined {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = bytes[pos + i];
    if (byte === undefined) return undefined;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  return undefined;
}

/**
 * Scans the top level of a protobuf message for fields 1 and 3. Never throws: bytes that are not protobuf give
 * nulls for what could not be read. A field that occurs twice counts with its last value, as protobuf has it.
 */
export function readSparkplugHeader(bytes: Uint8Array): SparkplugHeader {
  let timestamp: bigint | null = null;
  let seq: bigint | null = null;
  let pos = 0;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos);
    if (!tag) return NO_HEADER;
    pos = tag.next;
    const field = tag.value >> 3n;
    const wireType = Number(tag.value & 7n);
    if (field === 0n) return NO_HEADER;
    if (wireType === 0) {
      const value = readVarint(bytes, pos);
      if (!value) return NO_HEADER;
      pos = value.next;
      if (field === 1n) timestamp = value.value;
      else if (field === 3n) seq = value.value;
    } else if (wireType === 1) {
      pos += 8;
    } else if (wireType === 2) {
      const length = readVarint(bytes, pos);
      if (!length || length.value > BigInt(bytes.length)) return NO_HEADER;
      pos = length.next + Number(length.value);
    } else if (wireType === 5) {
      pos += 4;
    } else {
      // Groups (3, 4) are not used by Sparkplug, and 6, 7 do not exist: not a Sparkplug payload.
      return NO_HEADER;
    }
    if (pos > bytes.length) return NO_HEADER;
  }
  return { timestamp: timestamp === null ? null : timestamp.toString(), seq: seq === null ? null : seq.toString() };
}
