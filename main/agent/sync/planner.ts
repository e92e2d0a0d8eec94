// Chooses what the next request to the ERP carries: up to maxBatch postings, in order per production order, with
// a share kept for live events while a backlog drains, and (when configured) confirmations of one order operation
// summed into one posting. Pure apart from the order rules it is given, so every rule is unit-tested.
//
// Order per order: partial confirmations add up, so the ERP's totals do not depend on the order in which partials
// land. What changes meaning is a final confirmation (the operation is "finally confirmed"): a final goes only
// when every earlier event of its order is finished (posted or voided), and nothing after an unfinished final goes
// before it. That holds with several requests in flight, because an event in flight is `sending`, i.e. unfinished.
import type { ProductionConfirmation } from '../../../domain/index.js';
import type { StoredEvent } from '../../../local-store/index.js';

export interface OrderRules {
  /** Row id of the order's oldest final confirmation not yet posted or voided, or null. */
  firstUnfinishedFinalId(orderId: string): number | null;
  /** Whether an event of the order older than id is not yet posted or voided. */
  hasUnfinishedBefore(orderId: string, id: number): boolean;
}

export interface PlannedPosting {
  /** One event, or several summed into one posting (aggregation). */
  readonly events: readonly StoredEvent[];
  /** Arrived after the drain began. */
  readonly live: boolean;
}

export interface PlanInput {
  /** Ready events of the backlog (or all ready events when no drain runs), oldest first. */
  readonly backlog: readonly StoredEvent[];
  /** Ready events that arrived after the drain began, oldest first; empty when no drain runs. */
  readonly live: readonly StoredEvent[];
  readonly maxBatch: number;
  readonly liveShare: number;
  readonly rules: OrderRules;
  /** Orders waiting out a retry of one of their events (other orders go on). */
  readonly isHeld?: (orderId: string) => boolean;
  readonly aggregate?: { readonly windowMs: number; readonly maxEvents: number; readonly now: number };
}

const confirmationOf = (event: StoredEvent): ProductionConfirmation => event.body as ProductionConfirmation;

/** Slots of a batch kept for live events while they wait: at least one, so a live event never waits a whole drain. */
export function liveSlots(maxBatch: number, liveShare: number, liveWaiting: number): number {
  if (liveWaiting === 0 || liveShare <= 0) return 0;
  return Math.min(maxBatch, Math.max(1, Math.round(maxBatch * liveShare)));
}

export function planBatch(input: PlanInput): PlannedPosting[] {
  const postings: { events: StoredEvent[]; live: boolean; closesAt: number }[] = [];
  const groups = new Map<string, (typeof postings)[number]>();
  const taken = new Set<number>();
  const finals = new Map<string, number | null>();
  const firstFinal = (orderId: string): number | null => {
    if (!finals.has(orderId)) finals.set(orderId, input.rules.firstUnfinishedFinalId(orderId));
    return finals.get(orderId) ?? null;
  };
  const mayGo = (event: StoredEvent): boolean => {
    if (input.isHeld?.(event.orderId)) return false;
    if (confirmationOf(event).final) return !input.rules.hasUnfinishedBefore(event.orderId, event.id);
    const final = firstFinal(event.orderId);
    return final === null || final > event.id;
  };
  const aggregate = input.aggregate && input.aggregate.windowMs > 0 ? input.aggregate : undefined;

  const take = (events: readonly StoredEvent[], live: boolean, limit: number): void => {
    for (const event of events) {
      if (taken.has(event.id)) continue;
      const body = confirmationOf(event);
      if (aggregate && !body.final) {
        const key = `${event.orderId}\u0000${body.operation}\u0000${body.unit}`;
        const group = groups.get(key);
        if (group && event.createdAt < group.closesAt && group.events.length < aggregate.maxEvents && mayGo(event)) {
          group.events.push(event);
          taken.add(event.id);
          continue;
        }
        // A new posting only once its window has closed, so later confirmations of the window can join it.
        if (postings.length >= limit || event.createdAt + aggregate.windowMs > aggregate.now || !mayGo(event)) continue;
        const posting = { events: [event], live, closesAt: event.createdAt + aggregate.windowMs };
        postings.push(posting);
        groups.set(key, posting);
        taken.add(event.id);
        continue;
      }
      if (postings.length >= limit) {
        if (!aggregate) return;
        continue;
      }
      if (!mayGo(event)) continue;
      postings.push({ events: [event], live, closesAt: 0 });
      taken.add(event.id);
    }
  };

  take(input.live, true, liveSlots(input.maxBatch, input.liveShare, input.live.length));
  take(input.backlog, false, input.maxBatch);
  take(input.live, true, input.maxBatch);
  return postings.map(({ events, live }) => ({ events, live }));
}

/** The confirmation one posting sends: the event's own, or the sum of the group (quantities rounded to 3 decimals as the ERP keeps them). */
export function summedConfirmation(events: readonly StoredEvent[]): ProductionConfirmation {
  const bodies = events.map(confirmationOf);
  const first = bodies[0]!;
  if (bodies.length === 1) return first;
  const round3 = (n: number): number => Math.round(n * 1000) / 1000;
  // Times carry offsets: ordered by the instant, not the text.
  const byInstant = (a: string, b: string): number => Date.parse(a) - Date.parse(b);
  const starts = bodies.map((b) => b.start).filter((s): s is string => s !== undefined).sort(byInstant);
  const ends = bodies.map((b) => b.end).sort(byInstant);
  return {
    ...first,
    yieldQty: round3(bodies.reduce((sum, b) => sum + b.yieldQty, 0)),
    scrapQty: round3(bodies.reduce((sum, b) => sum + b.scrapQty, 0)),
    final: false,
    ...(starts.length > 0 ? { start: starts[0]! } : {}),
    end: ends.at(-1)!,
  };
}
