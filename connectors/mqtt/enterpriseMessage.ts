// The enterprise topic namespace and message body (contract: docs/ENTERPRISE-TOPICS.md). Pure: the same change of
// the same stored event always gives the same topic and the same bytes.
import type { CanonicalEvent, EventKind, EventStatus, RuleViolation } from '../../domain/index.js';

export const ENTERPRISE_SCHEMA = 'plantdesk.event.v1';
export const ENTERPRISE_TOPIC_VERSION = 'v1';

/** One published change of an event, as the outbox holds it. */
export interface EnterpriseChange {
  /** Strictly increasing per plant installation; not consecutive (changes that are not published use numbers too). */
  readonly sequence: number;
  /** The sequence of the message published before this one (0 for the first): a consumer that missed it sees a gap. */
  readonly previousSequence: number;
  readonly eventId: string;
  readonly kind: EventKind;
  readonly status: EventStatus;
  /** The canonical event as stored when the message is built. */
  readonly event: CanonicalEvent;
  readonly reasons: readonly RuleViolation[];
  readonly erpDocument: string | null;
  readonly correlationId: string;
  readonly receivedAt: number;
  readonly statusAt: number;
}

export interface EnterpriseMessageOptions {
  /** First topic level(s), e.g. "plantdesk" or "acme/mes". */
  readonly topicPrefix: string;
  /** The plant this PlantDesk serves (the agent's `plant`): the scope of `sequence`. */
  readonly plant: string;
  /** The installation that published it (the enterprise clientId). */
  readonly origin: string;
}

/** The body of every message: `schema` names its version; fields are only ever added within a version. */
export interface EnterpriseMessageBody {
  readonly schema: typeof ENTERPRISE_SCHEMA;
  readonly plant: string;
  readonly origin: string;
  readonly sequence: number;
  readonly previousSequence: number;
  readonly eventId: string;
  readonly correlationId: string;
  readonly kind: EventKind;
  readonly status: EventStatus;
  readonly statusAt: string;
  readonly receivedAt: string;
  readonly event: CanonicalEvent;
  readonly reasons?: readonly RuleViolation[];
  readonly erpDocument?: string;
}

/**
 * One topic level from a value: `/`, `+`, `#`, `%` and control characters percent-encoded (so a line called
 * "A/B" stays one level and no wildcard reaches a topic name), an empty value becomes `_`.
 * @example topicLevel('L1') === 'L1'; topicLevel('A/B') === 'A%2FB'
 */
export function topicLevel(value: string): string {
  if (value === '') return '_';
  // eslint-disable-next-line no-control-regex
  return value.replace(/[/+#%\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `{prefix}/v1/{plant}/{line}/{kind}` */
export function enterpriseTopic(options: Pick<EnterpriseMessageOptions, 'topicPrefix' | 'plant'>, line: string, kind: EventKind): string {
  return `${options.topicPrefix}/${ENTERPRISE_TOPIC_VERSION}/${topicLevel(options.plant)}/${topicLevel(line)}/${kind}`;
}

export function enterpriseMessage(change: EnterpriseChange, options: EnterpriseMessageOptions): { topic: string; payload: string } {
  const body: EnterpriseMessageBody = {
    schema: ENTERPRISE_SCHEMA,
    plant: options.plant,
    origin: options.origin,
    sequence: change.sequence,
    previousSequence: change.previousSequence,
    eventId: change.eventId,
    correlationId: change.correlationId,
    kind: change.kind,
    status: change.status,
    statusAt: new Date(change.statusAt).toISOString(),
    receivedAt: new Date(change.receivedAt).toISOString(),
    event: change.event,
    ...(change.reasons.length > 0 ? { reasons: change.reasons } : {}),
    ...(change.erpDocument !== null ? { erpDocument: change.erpDocument } : {}),
  };
  return { topic: enterpriseTopic(options, change.event.line, change.kind), payload: JSON.stringify(body) };
}
