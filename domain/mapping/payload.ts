// Checks on a payload's bytes before any mapping reads them: size limit and UTF-8. Pure, so the agent's
// intake and a replay of a stored message give the same verdict.

/** Default per-source limit; larger messages are kept only in part, with a reason. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
/** How much of an oversized payload is kept for the console. */
export const KEPT_BYTES_OF_OVERSIZED = 4 * 1024;

/**
 * Offset of the first byte that is not valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), or -1 when all bytes are valid.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, cp] = [3, 0x10000, b & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** The reason a payload cannot be mapped before it is even read, or undefined. */
export function payloadProblem(bytes: Uint8Array, maxBytes: number): string | undefined {
  if (bytes.length > maxBytes) return `message is ${bytes.length} bytes; the limit is ${maxBytes} bytes`;
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) {
    const hex = bytes[bad]!.toString(16).padStart(2, '0');
    return `payload is not valid UTF-8: byte 0x${hex} at offset ${bad} does not belong there`;
  }
  return undefined;
}
