// The life of a canonical event: which statuses exist and which moves between them are legal.

export const EVENT_STATUSES = ['mapped', 'ready', 'exception', 'sending', 'posted', 'voided', 'recorded'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * mapped: waiting for ERP master data to be validated against.
 * recorded: kept locally only (quality results, until an ERP quality adapter exists).
 */
const TRANSITIONS: Readonly<Record<EventStatus, readonly EventStatus[]>> = {
  mapped: ['ready', 'exception', 'recorded'],
  ready: ['sending', 'exception', 'voided'],
  // sending -> ready: a transient failure; the record was certainly not posted.
  sending: ['posted', 'exception', 'ready'],
  exception: ['ready', 'voided'],
  posted: [],
  voided: [],
  recorded: [],
};

export function canTransition(from: EventStatus, to: EventStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Raw messages are either turned into a canonical event, rejected with a reason, or kept as telemetry. */
export const RAW_STATUSES = ['received', 'mapped', 'rejected', 'telemetry'] as const;
export type RawStatus = (typeof RAW_STATUSES)[number];
