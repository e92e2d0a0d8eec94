// The intake: commits each raw message (and the canonical event mapped from it) in one transaction before
// the connector acknowledges it. A redelivered message has the same idempotency key and is stored once.
import { createHash, randomUUID } from 'node:crypto';
import type { EventStatus, MappingResult, RuleViolation } from '../../domain/index.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../../domain/mapping/payload.js';
import { BUILT_IN_UNITS, validateInOrderUnit, type UnitTable } from '../../domain/units.js';
import type { IncomingMqttMessage } from '../../connectors/mqtt/index.js';
import type { OpcuaSample } from '../../connectors/opcua/index.js';
import { GroupCommitter, insertEvent, insertRawMessage, newEventId, type GroupCommitOptions, type RawMessageInput, type WritableDb } from '../../local-store/index.js';
import type { Logger } from './logger.js';
import type { OrderCache } from './orderCache.js';
import { MessageMapper, type MappedMessage } from './mapping.js';
import { IntakePausedError, type IntakeControl } from './capacityGate.js';

/** Larger payloads are kept only in part, with a reason: a 10 MB message must not fill the buffer (per source: maxPayloadBytes). */
export const MAX_PAYLOAD_BYTES = DEFAULT_MAX_PAYLOAD_BYTES;

/** 'skipped': telemetry not stored because intake is paused (capacity.ts); it ranks below business records. */
export type IngestOutcome = 'stored' | 'rejected' | 'duplicate' | 'skipped';

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** The mapper's verdict (payload as kept, mapping result and version) plus what the intake adds. */
interface PreparedMqtt extends MappedMessage {
  readonly message: IncomingMqttMessage;
  readonly idempotencyKey: string;
  readonly correlationId: string;
  /** Where the event starts: validated at once when the ERP orders are cached, else `mapped` to wait for them. */
  readonly status: EventStatus;
  readonly reasons: readonly RuleViolation[];
}

export interface IngestOptions {
  readonly groupCommit?: GroupCommitOptions;
  readonly orders?: OrderCache;
  /** Payload checks, topic mappings and time window (main/agent/mapping.ts); default: the built-in mapping by message type. */
  readonly mapper?: MessageMapper;
  /** Conversions validation may apply (domain/units.ts); default the built-in SI basics. */
  readonly units?: UnitTable;
  /** Runs inside the transaction of every new OPC UA raw row (counter deltas, counterConfirmations.ts). */
  readonly counters?: { apply(sample: OpcuaSample): void };
  /** Told when a group commit failed as a whole (disk full, I/O error): the capacity monitor pauses intake. */
  readonly onStoreFailure?: (error: Error) => void;
}

type WriteResult = { readonly outcome: IngestOutcome; readonly eventId?: string };

export class Ingest implements IntakeControl {
  private readonly committer: GroupCommitter<PreparedMqtt, WriteResult>;

  private readonly orders: OrderCache | undefined;
  private readonly mapper: MessageMapper;
  private readonly units: UnitTable;
  private readonly telemetry: GroupCommitter<OpcuaSample, IngestOutcome>;
  private readonly counters: IngestOptions['counters'];
  /** Raw rows a connector has already decided on (Sparkplug: telemetry or rejected), committed as they are. */
  private readonly rawRows: GroupCommitter<RawMessageInput, IngestOutcome>;
  /** Back pressure (capacity.ts): business records wait uncommitted, telemetry is not stored. */
  private paused = false;
  private notStored = 0;

  constructor(private readonly db: WritableDb, private readonly logger: Logger, options: IngestOptions = {}) {
    const groupCommit: GroupCommitOptions = { ...options.groupCommit, ...(options.onStoreFailure ? { onCommitFailure: options.onStoreFailure } : {}) };
    this.committer = new GroupCommitter(db, (prepared) => this.write(prepared), groupCommit);
    this.orders = options.orders;
    this.mapper = options.mapper ?? new MessageMapper();
    this.units = options.units ?? BUILT_IN_UNITS;
    this.telemetry = new GroupCommitter(db, (sample) => this.writeOpcua(sample), groupCommit);
    this.counters = options.counters;
    this.rawRows = new GroupCommitter(db, (raw) => this.writeRaw(raw), groupCommit);
  }

  /**
   * Back pressure: MQTT messages and raw rows wait uncommitted, so their PUBACKs wait and the broker keeps the
   * rest (its inflight window stops the flow); telemetry is not stored (OPC UA counters keep their last committed
   * value, so the next committed value counts what happened meanwhile).
   */
  pauseIntake(): void {
    this.paused = true;
    this.committer.hold();
    this.rawRows.hold();
    this.telemetry.hold();
  }

  /** Commits what waited, in arrival order, and takes everything again. */
  resumeIntake(): void {
    this.paused = false;
    this.committer.release();
    this.rawRows.release();
    this.telemetry.release();
  }

  get intakePaused(): boolean {
    return this.paused;
  }

  get heldMessages(): number {
    return this.committer.pending + this.rawRows.pending + this.telemetry.pending;
  }

  get telemetryNotStored(): number {
    return this.notStored;
  }

  /** Synchronous, one transaction: when it returns, the message is on disk; when it throws, it is not. */
  commitMqtt(message: IncomingMqttMessage): IngestOutcome {
    const prepared = this.prepare(message);
    if (isPromise(prepared)) throw new Error(`the mapping of ${message.topic} evaluates asynchronously (JSONata); use submitMqtt`);
    const result = this.db.transaction(() => this.write(prepared))();
    this.logOutcome(prepared, result);
    return result.outcome;
  }

  /** Group commit: resolves once the transaction holding the message has committed; rejects if it did not. */
  submitMqtt(message: IncomingMqttMessage): Promise<IngestOutcome> {
    // JSONata mappings answer asynchronously; the mapper hands results on in arrival order.
    let pending: PreparedMqtt | Promise<PreparedMqtt>;
    try {
      pending = this.prepare(message);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return isPromise(pending) ? pending.then((prepared) => this.commitPrepared(prepared)) : this.commitPrepared(pending);
  }

  /** One promise per message, settled from the committer's callback (not an async function awaiting another). */
  private commitPrepared(prepared: PreparedMqtt): Promise<IngestOutcome> {
    return new Promise<IngestOutcome>((resolve, reject) => {
      this.committer.enqueue(prepared, (error, result) => {
        if (error) return reject(error);
        try {
          this.logOutcome(prepared, result!);
        } catch (logError) {
          // As when this was an async function: the caller hears of it (the broker redelivers; stored once).
          return reject(logError as Error);
        }
        resolve(result!.outcome);
      });
    });
  }

  /** Commits whatever is queued; called before the database closes. */
  flush(): void {
    this.committer.flush();
    this.telemetry.flush();
    this.rawRows.flush();
  }

  /** Everything that needs no database: decoding, mapping, keys. Runs before the transaction. */
  private prepare(message: IncomingMqttMessage): PreparedMqtt | Promise<PreparedMqtt> {
    const verdict = this.mapper.map(message);
    return isPromise(verdict) ? verdict.then((v) => this.keyed(message, v)) : this.keyed(message, verdict);
  }

  private keyed(message: IncomingMqttMessage, verdict: MappedMessage): PreparedMqtt {
    const sourceId = verdict.mapped.sourceId ?? createHash('sha256').update(message.topic).update('\0').update(message.payload).digest('hex');
    const { status, reasons, mapped } = this.initialStatus(verdict.mapped);
    // Written out, not spread: one object shape for every message keeps the hot path fast.
    return {
      message, payload: verdict.payload, payloadEncoding: verdict.payloadEncoding, payloadBytes: verdict.payloadBytes,
      payloadTruncated: verdict.payloadTruncated, mappingVersion: verdict.mappingVersion, mapped,
      idempotencyKey: `mqtt:${message.source}:${sourceId}`, correlationId: randomUUID(), status, reasons,
    };
  }

  private initialStatus(mapped: MappingResult): { status: EventStatus; reasons: readonly RuleViolation[]; mapped: MappingResult } {
    // Quality results stay local until an ERP quality adapter exists.
    if (!mapped.ok || mapped.event.kind !== 'confirmation') return { status: 'recorded', reasons: [], mapped };
    if (!this.orders?.loaded) return { status: 'mapped', reasons: [], mapped };
    // A quantity in a unit the table converts into the order's unit is converted (the original kept in the body).
    const { event, violations: reasons } = validateInOrderUnit(mapped.event, this.orders.lookup, this.units);
    return { status: reasons.length === 0 ? 'ready' : 'exception', reasons, mapped: event === mapped.event ? mapped : { ...mapped, event } };
  }

  /** The raw message and its event in one transaction: never one without the other. */
  private write({ message, payload, mapped, idempotencyKey, correlationId, status, reasons, mappingVersion, payloadEncoding, payloadBytes, payloadTruncated }: PreparedMqtt): WriteResult {
    const rawId = insertRawMessage(this.db, {
      idempotencyKey, source: message.source, channel: message.topic, payload, receivedAt: message.receivedAt, correlationId,
      status: mapped.ok ? 'mapped' : 'rejected', ...(mapped.ok ? {} : { rejectReason: mapped.reason }),
      mappingVersion, payloadEncoding, payloadBytes, payloadTruncated,
    });
    if (rawId === null) return { outcome: 'duplicate' };
    if (!mapped.ok) return { outcome: 'rejected' };
    // Time-ordered (eventIds.ts): appends to the event_id indexes instead of dirtying a random page per event.
    const eventId = newEventId(message.receivedAt);
    insertEvent(this.db, { eventId, rawId, body: mapped.event, correlationId, at: message.receivedAt, status, reasons, mappingVersion });
    return { outcome: 'stored', eventId };
  }

  private logOutcome(prepared: PreparedMqtt, result: WriteResult): void {
    // When the most severe line this outcome writes is below the logger's level, nothing below is built: the
    // context objects cost per message at tens of thousands a second, even for a logger that drops them.
    const mostSevere = result.outcome === 'duplicate' ? 'debug' : result.outcome === 'rejected' || prepared.status === 'exception' ? 'warn' : 'info';
    if (!this.logger.isLevelEnabled(mostSevere)) return;
    // No child logger per message: at thousands of messages a second its cost shows.
    const context = { correlationId: prepared.correlationId, source: prepared.message.source, topic: prepared.message.topic, idempotencyKey: prepared.idempotencyKey };
    const { mapped } = prepared;
    if (result.outcome === 'stored' && mapped.ok) {
      this.logger.info({ ...context, eventId: result.eventId, kind: mapped.event.kind, orderId: mapped.event.orderId }, 'message committed and mapped');
      if (prepared.status === 'ready') this.logger.info({ ...context, eventId: result.eventId }, 'confirmation validated, ready to post');
      if (prepared.status === 'exception') {
        this.logger.warn({ ...context, eventId: result.eventId, rules: prepared.reasons.map((v) => v.code) }, `confirmation needs a supervisor: ${prepared.reasons.map((v) => v.message).join(' ')}`);
      }
    }
    else if (result.outcome === 'rejected' && !mapped.ok) this.logger.warn({ ...context, reason: mapped.reason }, 'message rejected');
    else if (result.outcome === 'duplicate') this.logger.debug(context, 'redelivered message already stored');
  }

  /** OPC UA values are kept raw as telemetry; the key makes a value re-sent after a reconnect a duplicate. */
  commitOpcua(sample: OpcuaSample): IngestOutcome {
    return this.db.transaction(() => this.writeOpcua(sample))();
  }

  /** The same through group commit: thousands of notifications a second share a few transactions. */
  submitOpcua(sample: OpcuaSample): Promise<IngestOutcome> {
    if (this.paused) {
      this.notStored++;
      return Promise.reject(new IntakePausedError());
    }
    return this.telemetry.submit(sample);
  }

  private writeOpcua(sample: OpcuaSample): IngestOutcome {
    const rawId = insertRawMessage(this.db, {
      idempotencyKey: `opcua:${sample.source}:${sample.signal.nodeId}:${sample.sourceTime}:${String(sample.value)}`,
      source: sample.source,
      channel: sample.signal.nodeId,
      payload: JSON.stringify({ line: sample.signal.line, signal: sample.signal.role, value: sample.value, sourceTime: sample.sourceTime }),
      receivedAt: sample.receivedAt,
      correlationId: randomUUID(),
      status: 'telemetry',
    });
    if (rawId === null) return 'duplicate';
    // Same transaction as the raw row: a counter's last value and its increments never disagree with it.
    this.counters?.apply(sample);
    return 'stored';
  }

  /**
   * Group commit of a raw row as the connector made it (Sparkplug B: the host already decoded or refused the
   * message). 'duplicate' when its idempotency key was stored before.
   */
  submitRaw(raw: RawMessageInput): Promise<IngestOutcome> {
    if (this.paused && raw.status === 'telemetry') {
      this.notStored++;
      return Promise.resolve('skipped');
    }
    return this.rawRows.submit(raw);
  }

  private writeRaw(raw: RawMessageInput): IngestOutcome {
    if (insertRawMessage(this.db, raw) === null) return 'duplicate';
    return raw.status === 'rejected' ? 'rejected' : 'stored';
  }
}
