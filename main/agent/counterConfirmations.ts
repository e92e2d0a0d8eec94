// OPC UA counters to production confirmations. Each committed counter value is compared with the last committed
// one (the counter rule, connectors/opcua/counterDelta.ts) and its increment is added to the line's unconfirmed
// increments, inside the transaction of the raw value; every confirmEveryS the increments of a line become one
// ProductionConfirmation (status mapped), which validation and the sync engine take from there.
import { randomUUID } from 'node:crypto';
import { ProductionConfirmationSchema } from '../../domain/index.js';
import { counterDelta } from '../../connectors/opcua/counterDelta.js';
import type { OpcuaSample } from '../../connectors/opcua/index.js';
import { appendAudit, insertEvent, insertRawMessage, type WritableDb } from '../../local-store/index.js';
import {
  addCounterIncrement, clearAccumulator, getAccumulator, getCounterState, listAccumulators, putCounterState, setAccumulatorOrder,
  takeRestoredCounter, type CounterAccumulator,
} from '../../local-store/counters.js';
import type { AgentConfig } from './config/schema.js';
import type { Logger } from './logger.js';

/** One OPC UA line whose good and scrap nodes are counters. */
export interface CounterLine {
  readonly source: string;
  readonly line: string;
  readonly goodNode: string;
  readonly scrapNode: string;
  /** Largest value before the counter rolls over to 0, e.g. 4294967295 for UInt32. */
  readonly counterMax: number;
  /** Increments become one confirmation this long after the first of them; 0: counters make no confirmations. */
  readonly confirmEveryS: number;
  readonly operation: string;
  readonly workCenter?: string;
  readonly unit: string;
}

export interface CounterConfirmationsOptions {
  readonly db: WritableDb;
  readonly logger: Logger;
  readonly plant: string;
  readonly lines: readonly CounterLine[];
  /** Called after confirmations were committed, e.g. to refresh the console. */
  readonly onConfirmed?: () => void;
  readonly now?: () => number;
}

/** Idempotency key of a line's n-th counter confirmation: unique, and the same if the same interval is written again. */
export function counterConfirmationKey(source: string, line: string, seq: number): string {
  return `opcua:${source}:${line}:counters:${seq}`;
}

/** Written on the raw row and event of a confirmation made from counters. */
export const COUNTER_MAPPING = 'opcua-counters-v1';

const normalizeOrder = (value: number | string | null): string | null => {
  const text = value === null ? '' : String(value).trim();
  return text === '' ? null : text;
};

export class CounterConfirmations {
  private readonly byKey = new Map<string, CounterLine>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Lines already reported as waiting for an order, so the log says it once. */
  private readonly waitingForOrder = new Set<string>();

  constructor(private readonly options: CounterConfirmationsOptions) {
    this.now = options.now ?? Date.now;
    for (const line of options.lines) this.byKey.set(`${line.source}\0${line.line}`, line);
  }

  /**
   * Runs inside the transaction that commits the sample's raw row (Ingest calls it only for a new row, never for a
   * duplicate): updates the counter's last value and the line's increments, or the line's order.
   */
  apply(sample: OpcuaSample): void {
    const line = this.byKey.get(`${sample.source}\0${sample.signal.line}`);
    if (!line) return;
    const { role } = sample.signal;
    if (role === 'order') {
      this.applyOrder(line, normalizeOrder(sample.value), sample.receivedAt);
      return;
    }
    if (role !== 'good' && role !== 'scrap') return;
    const { db, logger } = this.options;
    const nodeId = sample.signal.nodeId;
    if (typeof sample.value !== 'number') {
      logger.warn({ source: line.source, line: line.line, nodeId, value: sample.value }, 'counter value ignored: not a number (bad status or wrong data type)');
      return;
    }
    const last = getCounterState(db, line.source, nodeId);
    const next = { value: sample.value, sourceTime: sample.sourceTime };
    const change = counterDelta(last, next, line.counterMax);
    if (change.commit && last === undefined) this.reportGapAfterRestore(line, nodeId, next, sample.receivedAt);
    if (!change.commit) {
      logger.warn({ source: line.source, line: line.line, nodeId, value: sample.value, last: last?.value, reason: change.reason }, 'counter value ignored');
      return;
    }
    putCounterState(db, line.source, nodeId, next, sample.receivedAt);
    if (change.kind === 'reset' || change.kind === 'rollover' || change.kind === 'baseline') {
      logger.info({ source: line.source, line: line.line, nodeId, last: last?.value, value: sample.value, delta: change.delta }, `counter ${change.kind}`);
    }
    if (change.delta > 0 && line.confirmEveryS > 0) {
      addCounterIncrement(db, line.source, line.line, role, change.delta, sample.sourceTime, sample.receivedAt);
    }
  }

  /**
   * The first reading of a counter after a restore from backup is a baseline (its last value was set aside,
   * local-store/counters.ts): what it moved since the backup may have been confirmed before the damage, so it is
   * not counted again but reported, in the log and the audit log, for reconciliation with the ERP.
   */
  private reportGapAfterRestore(line: CounterLine, nodeId: string, next: { value: number; sourceTime: number }, at: number): void {
    const { db, logger } = this.options;
    const restored = takeRestoredCounter(db, line.source, nodeId);
    if (!restored) return;
    const gap = counterDelta(restored, next, line.counterMax);
    const parts = gap.commit ? gap.delta : 0;
    const details = {
      source: line.source, line: line.line, nodeId, valueInBackup: restored.value, value: next.value, notCounted: parts, rule: gap.commit ? gap.kind : gap.reason,
      restoredFrom: restored.restoredFrom,
    };
    logger.warn(details, `counter ${nodeId} of line ${line.line} re-baselined after the restore from backup: ${parts} part(s) counted since the backup are not confirmed again; reconcile with the ERP`);
    appendAudit(db, {
      at, actor: 'system', action: 'counter.rebaseline', subject: `${line.source}/${line.line}/${nodeId}`,
      before: { value: restored.value, sourceTime: restored.sourceTime }, after: { value: next.value, sourceTime: next.sourceTime, notCounted: parts },
      reason: `first reading after the restore from backup ${restored.restoredFrom}: parts counted since the backup may already be confirmed; reconcile with the ERP`,
    });
  }

  private applyOrder(line: CounterLine, orderId: string | null, at: number): void {
    const current = getAccumulator(this.options.db, line.source, line.line);
    if (current.orderId === orderId) return;
    // Parts counted so far belong to the order that was running: confirm them before the order changes.
    if (current.orderId !== null && current.good + current.scrap > 0) this.emit(line, current, at, 'order changed');
    setAccumulatorOrder(this.options.db, line.source, line.line, orderId);
  }

  /** Confirms every line whose increments are due (confirmEveryS after the first); returns the event ids made. */
  confirmDue(now: number = this.now()): string[] {
    const made: string[] = [];
    for (const acc of listAccumulators(this.options.db)) {
      const line = this.byKey.get(`${acc.source}\0${acc.line}`);
      if (!line || line.confirmEveryS <= 0 || acc.firstReceivedAt === null) continue;
      if (now - acc.firstReceivedAt < line.confirmEveryS * 1000) continue;
      const eventId = this.confirmLine(line.source, line.line, now);
      if (eventId) made.push(eventId);
    }
    if (made.length > 0) this.options.onConfirmed?.();
    return made;
  }

  /** Turns a line's unconfirmed increments into one confirmation now, in one transaction; null when there is none. */
  confirmLine(source: string, lineName: string, now: number = this.now()): string | null {
    const line = this.byKey.get(`${source}\0${lineName}`);
    if (!line) return null;
    const { db } = this.options;
    return db.transaction(() => this.emit(line, getAccumulator(db, source, lineName), now, 'interval'))();
  }

  /** Checks every second which lines are due. */
  start(checkEveryMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.confirmDue();
      } catch (error) {
        // Nothing was committed; the increments stay and the next check tries again.
        this.options.logger.error({ err: error }, 'could not make a confirmation from counters');
      }
    }, checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Inside a transaction: one raw row recording the computation, its event, and the emptied increments. */
  private emit(line: CounterLine, acc: CounterAccumulator, at: number, why: 'interval' | 'order changed'): string | null {
    if (acc.good + acc.scrap === 0 || acc.firstSourceTime === null || acc.lastSourceTime === null) return null;
    const lineKey = `${line.source}\0${line.line}`;
    if (acc.orderId === null) {
      if (!this.waitingForOrder.has(lineKey)) {
        this.options.logger.warn({ source: line.source, line: line.line, good: acc.good, scrap: acc.scrap }, 'counted parts wait for the line to report an order');
        this.waitingForOrder.add(lineKey);
      }
      return null;
    }
    this.waitingForOrder.delete(lineKey);
    const { db, logger, plant } = this.options;
    const seq = acc.seq + 1;
    const idempotencyKey = counterConfirmationKey(line.source, line.line, seq);
    const correlationId = randomUUID();
    const parsed = ProductionConfirmationSchema.safeParse({
      kind: 'confirmation', plant, line: line.line, orderId: acc.orderId, operation: line.operation,
      ...(line.workCenter !== undefined ? { workCenter: line.workCenter } : {}),
      yieldQty: acc.good, scrapQty: acc.scrap, unit: line.unit, final: false,
      start: new Date(acc.firstSourceTime).toISOString(), end: new Date(acc.lastSourceTime).toISOString(),
    });
    const computation = {
      rule: COUNTER_MAPPING, why, seq, line: line.line, orderId: acc.orderId, yield: acc.good, scrap: acc.scrap,
      firstIncrementAt: new Date(acc.firstSourceTime).toISOString(), lastIncrementAt: new Date(acc.lastSourceTime).toISOString(),
      counters: {
        good: { nodeId: line.goodNode, value: getCounterState(db, line.source, line.goodNode)?.value ?? null },
        scrap: { nodeId: line.scrapNode, value: getCounterState(db, line.source, line.scrapNode)?.value ?? null },
      },
    };
    const reason = parsed.success ? undefined : `counted parts of line ${line.line} cannot form a confirmation: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
    const rawId = insertRawMessage(db, {
      idempotencyKey, source: line.source, channel: `${line.line}/counters`, payload: JSON.stringify(computation), receivedAt: at, correlationId,
      status: parsed.success ? 'mapped' : 'rejected', ...(reason !== undefined ? { rejectReason: reason } : {}),
    });
    // seq moves in the same transaction as the row, so its key cannot exist yet; if it does, the store is not what
    // this code wrote, and rolling back keeps the increments rather than guessing.
    if (rawId === null) throw new Error(`counter confirmation ${idempotencyKey} already exists; increments kept`);
    clearAccumulator(db, line.source, line.line, seq);
    if (!parsed.success) {
      logger.warn({ correlationId, idempotencyKey, reason }, 'counted parts rejected');
      return null;
    }
    const eventId = randomUUID();
    insertEvent(db, { eventId, rawId, body: parsed.data, status: 'mapped', correlationId, at });
    logger.info({ correlationId, eventId, idempotencyKey, orderId: acc.orderId, yieldQty: acc.good, scrapQty: acc.scrap, why }, 'message committed and mapped');
    return eventId;
  }
}

/** The counter lines of a configuration: every OPC UA line's good and scrap nodes. */
export function counterLinesFromConfig(opcua: AgentConfig['opcua']): CounterLine[] {
  return opcua.flatMap((source) => source.lines.map((l) => ({
    source: source.name, line: l.line, goodNode: l.good, scrapNode: l.scrap, counterMax: l.counterMax, confirmEveryS: l.confirmEveryS,
    operation: l.operation, unit: l.unit, ...(l.workCenter !== undefined ? { workCenter: l.workCenter } : {}),
  })));
}
