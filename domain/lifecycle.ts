// The life of a canonical event: which statuses exist and which moves between them are legal.

export const EVENT_STATUSES = ['mapped', 'ready', 'exception', 'sending', 'posted', 'voided', 'recorded', 'pending_approval'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * mapped: waiting for ERP master data to be validated against.
 * recorded: kept locally only (quality results, until an ERP quality adapter exists).
 * pending_approval: a supervisor's correction or void above the four-eyes thresholds, waiting for a second
 *   supervisor (issue 6): approved -> ready (corrected) or voided; rejected -> back to exception.
 */
const TRANSITIONS: Readonly<Record<EventStatus, readonly EventStatus[]>> = {
  mapped: ['ready', 'exception', 'recorded'],
  ready: ['sending', 'exception', 'voided'],
  // sending -> ready: a transient failure; the record was certainly not posted.
  sending: ['posted', 'exception', 'ready'],
  exception: ['ready', 'voided', 'pending_approval'],
  pending_approval: ['ready', 'voided', 'exception'],
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
