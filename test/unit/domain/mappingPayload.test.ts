import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_TIME_WINDOW, describeDuration, eventTimeProblem } from '../../../domain/mapping/eventTime.js';
import { invalidUtf8Offset, payloadProblem } from '../../../domain/mapping/payload.js';
import { confirmation, quality } from './fixtures.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('invalidUtf8Offset', () => {
  it('accepts ASCII, 2-, 3- and 4-byte characters', () => {
    expect(invalidUtf8Offset(new TextEncoder().encode('Größe 25 µm – 😀 ok'))).toBe(-1);
    expect(invalidUtf8Offset(bytes())).toBe(-1);
  });

  it('finds a stray continuation byte, a lone lead byte and a truncated sequence', () => {
    expect(invalidUtf8Offset(bytes(0x61, 0x80, 0x62))).toBe(1);
    expect(invalidUtf8Offset(bytes(0x61, 0x62, 0xc3))).toBe(2);
    expect(invalidUtf8Offset(bytes(0xe2, 0x82))).toBe(0);
    expect(invalidUtf8Offset(bytes(0xff))).toBe(0);
  });

  it('refuses overlong forms, surrogates and code points above U+10FFFF', () => {
    expect(invalidUtf8Offset(bytes(0xc0, 0xaf))).toBe(0);
    expect(invalidUtf8Offset(bytes(0xe0, 0x80, 0xaf))).toBe(0);
    expect(invalidUtf8Offset(bytes(0xed, 0xa0, 0x80))).toBe(0);
    expect(invalidUtf8Offset(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0);
  });

  it('agrees with Node on random bytes', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256;
    for (let n = 0; n < 2000; n++) {
      const sample = Buffer.from(Array.from({ length: 1 + (n % 12) }, random));
      expect(invalidUtf8Offset(sample) === -1).toBe(Buffer.from(sample.toString('utf8'), 'utf8').equals(sample));
    }
  });
});

describe('payloadProblem', () => {
  it('names size and limit, or the bad byte and where it is', () => {
    expect(payloadProblem(new Uint8Array(2049), 2048)).toBe('message is 2049 bytes; the limit is 2048 bytes');
    expect(payloadProblem(bytes(0x7b, 0xff, 0x7d), 2048)).toBe('payload is not valid UTF-8: byte 0xff at offset 1 does not belong there');
    expect(payloadProblem(new TextEncoder().encode('{"a":1}'), 2048)).toBeUndefined();
  });
});

describe('eventTimeProblem', () => {
  const received = Date.parse('2026-11-25T10:00:00Z');

  it('accepts times within a day ahead and 30 days back', () => {
    expect(eventTimeProblem(confirmation({ start: '2026-10-27T10:00:00Z', end: '2026-11-26T09:59:00Z' }), received)).toBeUndefined();
  });

  it('names a time too far ahead, with how far and the window', () => {
    expect(eventTimeProblem(confirmation({ end: '2031-01-01T00:00:00Z' }), received)).toBe(
      'end 2031-01-01T00:00:00Z is 1497 days after the message was received; more than 1 day ahead is not plausible',
    );
  });

  it('names a time too far back, for start, end and a quality inspection time', () => {
    expect(eventTimeProblem(confirmation({ start: '2020-01-01T00:00:00Z', end: '2026-11-25T09:00:00Z' }), received)).toMatch(/^start 2020-01-01T00:00:00Z is \d+ days before .* more than 30 days back is not plausible$/);
    expect(eventTimeProblem(quality({ inspectedAt: '1970-01-01T00:00:00Z' }), received)).toMatch(/^inspectedAt /);
  });

  it('uses the configured window', () => {
    const tight = { maxAheadS: 60, maxAgeS: 3600 };
    expect(eventTimeProblem(confirmation({ end: '2026-11-25T10:02:00Z' }), received, tight)).toMatch(/2 min after .* more than 1 min ahead/);
    expect(eventTimeProblem(confirmation({ end: '2026-11-25T10:00:30Z' }), received, tight)).toBeUndefined();
    expect(DEFAULT_EVENT_TIME_WINDOW).toEqual({ maxAheadS: 86_400, maxAgeS: 2_592_000 });
    expect([describeDuration(45), describeDuration(7200), describeDuration(86_400), describeDuration(3 * 86_400)]).toEqual(['45 s', '2 h', '1 day', '3 days']);
  });
});
