import { describe, expect, it } from 'vitest';
import { newEventId } from '../../../local-store/index.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newEventId (UUID version 7)', () => {
  it('is a UUID of version 7 with the RFC variant, so an Edm.Guid field takes it', () => {
    for (let i = 0; i < 1000; i++) expect(newEventId()).toMatch(UUID_V7);
  });

  it('carries the creation time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 25, 10, 0, 0, 123);
    const id = newEventId(at);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by creation time (what keeps the event_id indexes appending), whatever the random part', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newEventId(1_700_000_000_000 + Math.floor(i / 10)));
    const sorted = [...ids].sort();
    // Within one millisecond the random part decides; across milliseconds the time does.
    for (let i = 10; i < ids.length; i += 10) expect(sorted.slice(i - 10, i).sort()).toEqual(ids.slice(i - 10, i).sort());
    expect(newEventId(1_700_000_000_001) > newEventId(1_700_000_000_000)).toBe(true);
  });

  it('is unique within one millisecond (74 random bits)', () => {
    const ids = new Set(Array.from({ length: 100_000 }, () => newEventId(1_700_000_000_000)));
    expect(ids.size).toBe(100_000);
  });
});
