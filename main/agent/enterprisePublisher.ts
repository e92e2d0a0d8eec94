// Enterprise publish: drains the outbox (the event history after a durable cursor, local-store/enterpriseOutbox.ts)
// to the enterprise broker in history order, QoS 1, and moves the cursor only over changes the broker acknowledged,
// in order. A broker outage or an agent crash costs time and at most a re-send of what was in flight (same
// sequence), never a message. Contract for consumers: docs/ENTERPRISE-TOPICS.md.
import {
  displayUrl, enterpriseMessage, startEnterpriseLink, type EnterpriseLink, type EnterpriseLinkOptions, type EnterpriseSession,
  type MqttStatusListener,
} from '../../connectors/mqtt/index.js';
import type { CanonicalEvent, ConnectionState, EnterpriseStatus, RuleViolation } from '../../domain/index.js';
import {
  countPublishableAfter, isPublishable, liftSequencesAbove, moveEnterpriseCursor, openEnterpriseCursor, readChangesAfter, readEnterpriseCursor,
  readSequenceSegments, SequenceCeiling, sequenceCeilingFile, sequenceOf, type EnterpriseFilter, type HistoryChange, type ReadableDb, type SequenceSegment, type WritableDb,
} from '../../local-store/index.js';
import type { EnterpriseConfig } from './config/enterpriseSchema.js';
import type { Logger } from './logger.js';

export interface EnterprisePublisherOptions {
  readonly db: WritableDb;
  readonly config: EnterpriseConfig;
  /** The plant this PlantDesk serves: topic level and the scope of the sequence. */
  readonly plant: string;
  readonly logger: Logger;
  readonly onStatus: MqttStatusListener;
  /** Called with the time of every PUBACK that moved the cursor (the connection's last data). */
  readonly onPublished?: (at: number) => void;
  /** Seam for tests: the MQTT side. */
  readonly startLink?: typeof startEnterpriseLink;
  /** How often an idle publisher looks for new changes; default 100 ms. */
  readonly pollMs?: number;
  /** Acknowledgements are written to the cursor in groups, at most this long after the first; default 50 ms. */
  readonly commitDelayMs?: number;
  readonly now?: () => number;
  /** The high-water mark of published sequences (sequenceCeiling.ts); default next to the database; null: in memory. */
  readonly sequenceFile?: string | null;
}

const STOP_WAIT_MS = 2000;
/** History rows read per pass at most; the publishable ones among them fill the window. */
const SCAN_ROWS = 500;

interface Entry {
  /** The history id. */
  readonly id: number;
  /** Its sequence (sequenceOf the id). */
  readonly sequence: number;
  readonly published: boolean;
  acked: boolean;
}

interface Position {
  /** History id up to which everything is acknowledged (or not publishable). */
  readonly historyId: number;
  /** The sequence of the last message acknowledged up to there. */
  readonly sequence: number;
}

export class EnterprisePublisher {
  private link: EnterpriseLink | undefined;
  private stopping = false;
  private state: ConnectionState = 'connecting';
  private readonly filter: EnterpriseFilter;
  /** What is acknowledged; `committed` is what the cursor holds on disk. */
  private acked: Position;
  private committed: Position;
  private commitTimer: NodeJS.Timeout | undefined;
  private readonly wakers = new Set<() => void>();
  private pumping: Promise<void> = Promise.resolve();
  private readonly ceiling: SequenceCeiling;
  private segments: SequenceSegment[];

  /** Creates the cursor the first time (at the newest history row): changes from then on are published. */
  constructor(private readonly options: EnterprisePublisherOptions) {
    this.filter = { statuses: options.config.include, kinds: options.config.kinds };
    const cursor = openEnterpriseCursor(options.db, this.now());
    this.committed = { historyId: cursor.historyId, sequence: cursor.sequence };
    this.acked = this.committed;
    const { db } = options;
    this.ceiling = new SequenceCeiling(options.sequenceFile !== undefined ? options.sequenceFile : db.memory ? null : sequenceCeilingFile(db.name));
    this.segments = readSequenceSegments(db);
  }

  /** Called before intake starts (agent.ts): changes from here on get sequences above any published before. */
  start(): void {
    const { config } = this.options;
    this.segments = liftSequencesAbove(this.options.db, this.ceiling.value);
    const linkOptions: EnterpriseLinkOptions = {
      url: config.url, clientId: config.clientId, protocolVersion: config.protocolVersion, keepaliveS: config.keepaliveS, reconnect: config.reconnect,
      ...(config.username !== undefined ? { username: config.username } : {}),
      ...(config.password !== undefined ? { password: config.password } : {}),
      ...(config.tls !== undefined ? { tls: config.tls } : {}),
    };
    this.link = (this.options.startLink ?? startEnterpriseLink)(
      linkOptions,
      (session) => {
        this.pumping = this.pump(session).catch((error: Error) => this.options.logger.error({ err: error }, `enterprise publish stopped: ${error.message}`));
      },
      (state, error) => {
        this.state = state;
        this.options.onStatus(state, error);
      },
    );
  }

  /** Waits a moment for the PUBACKs of what is in flight, writes the cursor, disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await Promise.race([this.pumping, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    this.commit();
    await this.link?.stop();
  }

  status(now: number = this.now()): EnterpriseStatus {
    const cursor = readEnterpriseCursor(this.options.db);
    const waiting = countPublishableAfter(this.options.db, cursor?.historyId ?? 0, this.filter);
    return {
      enabled: true,
      broker: displayUrl(this.options.config.url),
      topicPrefix: this.options.config.topicPrefix,
      state: this.state,
      backlog: waiting.count,
      oldestUnpublishedAgeS: waiting.oldestAt === null ? null : Math.max(0, Math.round((now - waiting.oldestAt) / 1000)),
      publishedSequence: cursor?.sequence ?? 0,
      lastPublishedAt: cursor?.publishedAt ? new Date(cursor.publishedAt).toISOString() : null,
    };
  }

  /**
   * Publishes the changes after the acknowledged position, up to batchSize awaiting PUBACK, until the link drops.
   * Changes are read ahead in blocks, and every PUBACK is answered with the next message at once: a window that
   * waited to half-empty would leave the link quiet, and the broker's Nagle and our delayed ACKs would cost 40 ms
   * per round.
   */
  private async pump(session: EnterpriseSession): Promise<void> {
    const { db, config, logger } = this.options;
    const window: Entry[] = [];
    const ahead: HistoryChange[] = [];
    let unacked = 0;
    let readUpTo = this.acked.historyId;
    let previous = this.acked.sequence;
    let exhausted = false;
    logger.info({ afterSequence: previous, historyId: readUpTo }, 'enterprise broker connected; publishing');
    while (session.open && !this.stopping) {
      const size = Math.max(1, Math.min(config.batchSize, session.receiveMaximum));
      if (ahead.length === 0) {
        const read = readChangesAfter(db, readUpTo, SCAN_ROWS);
        exhausted = read.length < SCAN_ROWS;
        if (read.length > 0) readUpTo = read[read.length - 1]!.id;
        ahead.push(...read);
      }
      while (unacked < size && ahead.length > 0) {
        const change = ahead.shift()!;
        if (!isPublishable(change, this.filter)) {
          if (change.event === null) logger.warn({ eventId: change.eventId, historyId: change.id }, 'enterprise publish: the event of this change is no longer stored; not published');
          window.push({ id: change.id, sequence: 0, published: false, acked: true });
          continue;
        }
        const sequence = sequenceOf(this.segments, change.id);
        // On disk before on the wire: a restore from backup must never hand out this sequence again.
        this.ceiling.reserve(sequence);
        const entry: Entry = { id: change.id, sequence, published: true, acked: false };
        window.push(entry);
        unacked++;
        const { topic, payload } = this.message(change, sequence, previous);
        previous = sequence;
        session.publish(topic, payload).then(
          () => {
            entry.acked = true;
            unacked--;
            logger.debug({ correlationId: change.correlationId, eventId: change.eventId, sequence, topic }, 'published to the enterprise broker');
            this.wake();
          },
          () => this.wake(),
        );
      }
      this.advance(window);
      // Full window: wait for a PUBACK. Nothing more to read: wait for new changes (or a PUBACK). Else go on.
      if (unacked >= size) await this.sleep(undefined);
      else if (ahead.length === 0 && exhausted) await this.sleep(this.options.pollMs ?? 100);
      this.advance(window);
    }
    // Stopping: the PUBACKs of what is in flight still move the cursor (the caller bounds this wait).
    while (session.open && unacked > 0) {
      await this.sleep(50);
      this.advance(window);
    }
    this.advance(window);
  }

  private message(change: HistoryChange, sequence: number, previousSequence: number): { topic: string; payload: string } {
    const { config, plant } = this.options;
    const event = change.event!;
    return enterpriseMessage(
      {
        sequence, previousSequence, eventId: change.eventId, kind: event.kind, status: change.to,
        event: JSON.parse(event.body) as CanonicalEvent,
        reasons: change.to === 'exception' ? (JSON.parse(event.reasons) as RuleViolation[]) : [],
        erpDocument: change.to === 'posted' ? event.erpDocument : null,
        correlationId: change.correlationId, receivedAt: event.receivedAt, statusAt: change.at,
      },
      { topicPrefix: config.topicPrefix, plant, origin: config.clientId },
    );
  }

  /** The position moves over the acknowledged head of the window only: a PUBACK still missing stops it. */
  private advance(window: Entry[]): void {
    let moved = false;
    let { historyId, sequence } = this.acked;
    while (window.length > 0 && window[0]!.acked) {
      const entry = window.shift()!;
      historyId = entry.id;
      if (entry.published) sequence = entry.sequence;
      moved = true;
    }
    if (!moved) return;
    const published = sequence !== this.acked.sequence;
    this.acked = { historyId, sequence };
    if (published) this.options.onPublished?.(this.now());
    this.commitTimer ??= setTimeout(() => this.commit(), this.options.commitDelayMs ?? 50);
  }

  private commit(): void {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const target = this.acked;
    if (target.historyId <= this.committed.historyId) return;
    try {
      moveEnterpriseCursor(this.options.db, target.historyId, target.sequence, this.now());
      this.committed = target;
    } catch (error) {
      // Not written: those messages are sent again after a restart (duplicates, never a loss); retried on the next PUBACK.
      this.options.logger.error({ err: error, sequence: target.sequence }, `enterprise cursor not written: ${(error as Error).message}`);
    }
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      const wakers = this.wakers;
      function done(): void {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });
  }

  private wake(): void {
    for (const done of [...this.wakers]) done();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** The status when no `enterprise:` section is configured: what the cursor of an earlier run says. */
export function enterpriseStatusDisabled(db: ReadableDb): EnterpriseStatus {
  const cursor = readEnterpriseCursor(db);
  return {
    enabled: false, broker: null, topicPrefix: null, state: null, backlog: 0, oldestUnpublishedAgeS: null,
    publishedSequence: cursor?.sequence ?? 0, lastPublishedAt: cursor?.publishedAt ? new Date(cursor.publishedAt).toISOString() : null,
  };
}
