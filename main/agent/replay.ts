// Replay: after a mapping fix, runs the current mapping again over chosen rejected raw messages. Those that map
// now become events (validated like new ones); the rest keep a fresh reason. One audit entry per run with the
// counts before and after. A raw message makes at most one event (checked here, enforced by event.raw_id's
// unique index), so a replay, or two at once, never posts anything twice.
import { randomUUID } from 'node:crypto';
import type { CanonicalEvent, EventStatus, ReplayItem, ReplayResult, RuleViolation } from '../../domain/index.js';
import { ReplayRejectedSchema, type ReplayRejectedArgs } from '../../domain/index.js';
import { BUILT_IN_UNITS, describeConversion, validateInOrderUnit, type UnitTable } from '../../domain/units.js';
import {
  appendAudit, countRejected, insertEvent, markRawMapped, rawIdByKey, rawStatuses, selectReplayCandidates, updateRejection,
  type ReplayCandidate, type ReplaySelection, type WritableDb,
} from '../../local-store/index.js';
import type { Logger } from './logger.js';
import type { MappedMessage, MessageMapper } from './mapping.js';
import type { OrderCache } from './orderCache.js';

/** Messages mapped and written per transaction. */
const CHUNK = 200;
const ITEMS_RETURNED = 200;

export interface ReplayOptions {
  readonly db: WritableDb;
  readonly mapper: MessageMapper;
  readonly logger: Logger;
  /** Validate new events at once, like the intake does; without it they wait in `mapped` for the sync engine. */
  readonly orders?: OrderCache;
  readonly units?: UnitTable;
  readonly now?: () => number;
}

interface Decision {
  readonly item: ReplayItem;
  readonly event?: { readonly body: CanonicalEvent; readonly status: EventStatus; readonly reasons: readonly RuleViolation[]; readonly note: string };
}

function describeSelection(s: ReplaySelection & { limit: number }): string {
  const parts = [
    s.source !== undefined ? `source ${s.source}` : 'all sources',
    ...(s.channel !== undefined ? [`channel ${s.channel}`] : []),
    ...(s.since !== undefined ? [`since ${new Date(s.since).toISOString()}`] : []),
    ...(s.until !== undefined ? [`until ${new Date(s.until).toISOString()}`] : []),
    ...(s.ids !== undefined ? [`ids ${s.ids.length > 10 ? `${s.ids.slice(0, 10).join(',')},… (${s.ids.length})` : s.ids.join(',')}`] : []),
  ];
  return `rejected messages: ${parts.join(', ')}`;
}

export class Replayer {
  private readonly now: () => number;

  constructor(private readonly options: ReplayOptions) {
    this.now = options.now ?? Date.now;
  }

  async replay(args: ReplayRejectedArgs, actor: string): Promise<ReplayResult> {
    const command = ReplayRejectedSchema.parse(args);
    const selection: ReplaySelection = {
      ...(command.source !== undefined ? { source: command.source } : {}),
      ...(command.channel !== undefined ? { channel: command.channel } : {}),
      ...(command.since !== undefined ? { since: Date.parse(command.since) } : {}),
      ...(command.until !== undefined ? { until: Date.parse(command.until) } : {}),
      ...(command.ids !== undefined ? { ids: [...new Set(command.ids)] } : {}),
    };
    const { db, logger } = this.options;
    const runId = randomUUID();
    const countSelected = (): number => (selection.ids ? selectReplayCandidates(db, selection, 0, selection.ids.length).length : countRejected(db, selection));
    const rejectedBefore = countSelected();

    const items: ReplayItem[] = [];
    const counts = { replayed: 0, mapped: 0, stillRejected: 0, skipped: 0 };
    const keep = (item: ReplayItem): void => {
      counts[item.outcome === 'rejected' ? 'stillRejected' : item.outcome]++;
      if (items.length < ITEMS_RETURNED) items.push(item);
    };
    if (selection.ids) {
      // Ids that are not (or no longer) rejected are skipped with the reason, not silently ignored.
      const statuses = rawStatuses(db, selection.ids);
      for (const id of selection.ids) {
        const status = statuses.get(id);
        if (status !== 'rejected') keep({ id, outcome: 'skipped', reason: status === undefined ? 'no such raw message' : `it is ${status}, not rejected`, mappingVersion: null });
      }
    }

    let afterId = 0;
    while (counts.replayed < command.limit) {
      const chunk = selectReplayCandidates(db, selection, afterId, Math.min(CHUNK, command.limit - counts.replayed));
      if (chunk.length === 0) break;
      afterId = chunk[chunk.length - 1]!.id;
      const mapped = await Promise.all(chunk.map((raw) => this.options.mapper.mapStored(raw)));
      const at = this.now();
      const decisions = db.transaction(() => chunk.map((raw, i) => this.apply(raw, mapped[i]!, at, actor, command.reason)))();
      for (const decision of decisions) keep(decision.item);
      counts.replayed += chunk.length;
    }

    const rejectedAfter = countSelected();
    const remaining = selection.ids ? 0 : Math.max(0, rejectedAfter - counts.stillRejected);
    const audit = appendAudit(db, {
      at: this.now(), actor, action: 'rejected.replay', subject: describeSelection({ ...selection, limit: command.limit }),
      before: { rejected: rejectedBefore },
      after: { rejected: rejectedAfter, replayed: counts.replayed, mapped: counts.mapped, stillRejected: counts.stillRejected, skipped: counts.skipped, remaining },
      reason: command.reason, correlationId: runId,
    });
    logger.info({ replayId: runId, auditSeq: audit.seq, rejectedBefore, rejectedAfter, ...counts, remaining }, 'rejected messages replayed');
    return { rejectedBefore, rejectedAfter, ...counts, remaining, auditSeq: audit.seq, items };
  }

  /** Inside the chunk's transaction: the new event and the raw message's status change together. */
  private apply(raw: ReplayCandidate, result: MappedMessage, at: number, actor: string, why: string): Decision {
    const { db } = this.options;
    // The Sparkplug host decoded it in arrival order against the node's BIRTH of that moment: nothing to run again.
    if (raw.idempotencyKey.startsWith('sparkplug:')) {
      return { item: { id: raw.id, outcome: 'skipped', reason: 'a Sparkplug B message is judged by the host in arrival order and is not replayed', mappingVersion: raw.mappingVersion } };
    }
    const version = result.mappingVersion;
    const mapped = result.mapped;
    if (!mapped.ok) {
      updateRejection(db, raw.id, mapped.reason, version);
      return { item: { id: raw.id, outcome: 'rejected', reason: mapped.reason, mappingVersion: version } };
    }
    // The mapping may now read a message id the first one could not: if another stored message has it, this one
    // is that message again, and mapping it would make a second event for it.
    if (mapped.sourceId !== undefined) {
      const key = `mqtt:${raw.source}:${mapped.sourceId}`;
      const other = key === raw.idempotencyKey ? undefined : rawIdByKey(db, key);
      if (other !== undefined) {
        const reason = `the same message (id ${mapped.sourceId}) is already stored as raw message ${other}`;
        updateRejection(db, raw.id, reason, version);
        return { item: { id: raw.id, outcome: 'rejected', reason, mappingVersion: version } };
      }
    }
    if (!markRawMapped(db, raw.id, version)) {
      return { item: { id: raw.id, outcome: 'skipped', reason: 'a concurrent replay mapped it first', mappingVersion: version } };
    }
    const { body, status, reasons, note } = this.initialState(mapped.event);
    const eventId = randomUUID();
    insertEvent(db, {
      eventId, rawId: raw.id, body, status, reasons, correlationId: raw.correlationId, at, mappingVersion: version, actor,
      historyReason: `replayed with mapping ${version ?? '(none)'}: ${why}${note}`,
    });
    return { item: { id: raw.id, outcome: 'mapped', eventId, mappingVersion: version } };
  }

  /** As the intake does it: quality recorded; a confirmation validated now when the orders are cached. */
  private initialState(event: CanonicalEvent): { body: CanonicalEvent; status: EventStatus; reasons: readonly RuleViolation[]; note: string } {
    if (event.kind !== 'confirmation') return { body: event, status: 'recorded', reasons: [], note: '' };
    const orders = this.options.orders;
    if (!orders?.loaded) return { body: event, status: 'mapped', reasons: [], note: '' };
    const checked = validateInOrderUnit(event, orders.lookup, this.options.units ?? BUILT_IN_UNITS);
    return {
      body: checked.event,
      status: checked.violations.length === 0 ? 'ready' : 'exception',
      reasons: checked.violations,
      note: checked.converted ? `; converted ${describeConversion(checked.event)}` : '',
    };
  }
}
