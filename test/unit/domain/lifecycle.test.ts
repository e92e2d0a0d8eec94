import { describe, expect, it } from 'vitest';
import { canTransition, EVENT_STATUSES, type EventStatus } from '../../../domain/index.js';

// The lifecycle as DESIGN.md describes it, written out independently of the source table.
const ALLOWED: Readonly<Record<EventStatus, readonly EventStatus[]>> = {
  mapped: ['ready', 'exception', 'recorded'],
  ready: ['sending', 'exception', 'voided'],
  sending: ['posted', 'exception', 'ready'],
  exception: ['ready', 'voided', 'pending_approval'],
  // Four-eyes (issue 6): approved -> ready or voided, rejected -> exception.
  pending_approval: ['ready', 'voided', 'exception'],
  posted: [],
  voided: [],
  recorded: [],
};

describe('canTransition', () => {
  const pairs = EVENT_STATUSES.flatMap((from) => EVENT_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED[from].includes(to));
  });

  it('posted, voided and recorded are final', () => {
    for (const final of ['posted', 'voided', 'recorded'] as const) {
      expect(EVENT_STATUSES.filter((to) => canTransition(final, to))).toEqual([]);
    }
  });

  it('nothing reaches posted except through sending', () => {
    expect(EVENT_STATUSES.filter((from) => canTransition(from, 'posted'))).toEqual(['sending']);
  });

  it('a transient failure may put a sending event back to ready', () => {
    expect(canTransition('sending', 'ready')).toBe(true);
  });

  it('no status moves to itself (every change leaves a history row worth reading)', () => {
    expect(EVENT_STATUSES.filter((s) => canTransition(s, s))).toEqual([]);
  });
});
