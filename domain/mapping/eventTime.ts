// Plausibility of event times: a confirmation that says it happened years ago or next week is a clock or
// mapping fault, and the ERP would book it on the wrong day. Judged against the time the message arrived, so
// a replay of a stored message gives the same verdict as its first intake.
import type { CanonicalEvent } from '../confirmation.js';

export interface EventTimeWindow {
  /** How far an event time may lie after its message was received, in seconds. Default 1 day. */
  readonly maxAheadS: number;
  /** How far an event time may lie before its message was received, in seconds. Default 30 days. */
  readonly maxAgeS: number;
}

export const DEFAULT_EVENT_TIME_WINDOW: EventTimeWindow = { maxAheadS: 86_400, maxAgeS: 30 * 86_400 };

/** "3 h", "2 days", "45 s": rounded down, for reasons. */
export function describeDuration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  if (s >= 2 * 86_400) return `${Math.floor(s / 86_400)} days`;
  if (s >= 86_400) return '1 day';
  if (s >= 3600) return `${Math.floor(s / 3600)} h`;
  if (s >= 60) return `${Math.floor(s / 60)} min`;
  return `${s} s`;
}

function timesOf(event: CanonicalEvent): [string, string][] {
  if (event.kind === 'quality') return [['inspectedAt', event.inspectedAt]];
  return [...(event.start !== undefined ? [['start', event.start] as [string, string]] : []), ['end', event.end]];
}

/** The reason an event's times are not plausible for a message received at `receivedAt` (epoch ms), or undefined. */
export function eventTimeProblem(event: CanonicalEvent, receivedAt: number, window: EventTimeWindow = DEFAULT_EVENT_TIME_WINDOW): string | undefined {
  const problems: string[] = [];
  for (const [field, iso] of timesOf(event)) {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) continue; // the schema already refused it
    const aheadS = (at - receivedAt) / 1000;
    if (aheadS > window.maxAheadS) {
      problems.push(`${field} ${iso} is ${describeDuration(aheadS)} after the message was received; more than ${describeDuration(window.maxAheadS)} ahead is not plausible`);
    } else if (-aheadS > window.maxAgeS) {
      problems.push(`${field} ${iso} is ${describeDuration(aheadS)} before the message was received; more than ${describeDuration(window.maxAgeS)} back is not plausible`);
    }
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
