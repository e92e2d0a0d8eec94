// The intake: commits each raw message (and the canonical event mapped from it) in one transaction before
// the connector acknowledges it. A redelivered message has the same idempotency key and is stored once.
import { createHash, randomUUID } from 'node:crypto';
import { mapMesMessage, validateConfirmation, type EventStatus, type MappingResult, type MesMessageType, type RuleViolation } from '../../domain/index.js';
import type { IncomingMqttMessage } from '../../connectors/mqtt/index.js';
import type { OpcuaSample } from '../../connectors/opcua/index.js';
import { GroupCommitter, insertEvent, insertRawMessage, type GroupCommitOptions, type WritableDb } from '../../local-store/index.js';
import type { Logger } from './logger.js';
import type { OrderCache } from './orderCache.js';

/** Larger payloads are kept only in part, with a reason: a 10 MB message must not fill the buffer. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
const KEPT_BYTES_OF_OVERSIZED = 4 * 1024;

export type IngestOutcome = 'stored' | 'rejected' | 'duplicate';

function isMesType(type: string): type is MesMessageType {
  return type === 'confirmation' || type === 'quality';
}

interface PreparedMqtt {
  readonly message: IncomingMqttMessage;
  readonly payload: string;
  readonly mapped: MappingResult;
  readonly idempotencyKey: string;
  readonly correlationId: string;
  /** Where the event starts: validated at once when the ERP orders are cached, else `mapped` to wait for them. */
  readonly status: EventStatus;
  readonly reasons: readonly RuleViolation[];
}

export interface IngestOptions {
  readonly groupCommit?: GroupCommitOptions;
  readonly orders?: OrderCache;
}

type WriteResult = { readonly outcome: IngestOutcome; readonly eventId?: string };

export class Ingest {
  private readonly committer: GroupCommitter<PreparedMqtt, WriteResult>;

  private readonly orders: OrderCache | undefined;
  private readonly telemetry: GroupCommitter<OpcuaSample, IngestOutcome>;

  constructor(private readonly db: WritableDb, private readonly logger: Logger, options: IngestOptions = {}) {
    this.committer = new GroupCommitter(db, (prepared) => this.write(prepared), options.groupCommit);
    this.orders = options.orders;
    this.telemetry = new GroupCommitter(db, (sample) => this.writeOpcua(sample), options.groupCommit);
  }

  /** Synchronous, one transaction: when it returns, the message is on disk; when it throws, it is not. */
  commitMqtt(message: IncomingMqttMessage): IngestOutcome {
    const prepared = this.prepare(message);
    const result = this.db.transaction(() => this.write(prepared))();
    this.logOutcome(prepared, result);
    return result.outcome;
  }

  /** Group commit: resolves once the transaction holding the message has committed; rejects if it did not. */
  async submitMqtt(message: IncomingMqttMessage): Promise<IngestOutcome> {
    const prepared = this.prepare(message);
    const result = await this.committer.submit(prepared);
    this.logOutcome(prepared, result);
    return result.outcome;
  }

  /** Commits whatever is queued; called before the database closes. */
  flush(): void {
    this.committer.flush();
    this.telemetry.flush();
  }

  /** Everything that needs no database: decoding, mapping, keys. Runs before the transaction. */
  private prepare(message: IncomingMqttMessage): PreparedMqtt {
    const oversized = message.payload.length > MAX_PAYLOAD_BYTES;
    const payload = (oversized ? message.payload.subarray(0, KEPT_BYTES_OF_OVERSIZED) : message.payload).toString('utf8');
    const mapped: MappingResult = oversized
      ? { ok: false, reason: `message is ${message.payload.length} bytes; the limit is ${MAX_PAYLOAD_BYTES} bytes` }
      : isMesType(message.type)
        ? mapMesMessage(message.type, payload)
        : { ok: false, reason: `no topic mapping in the configuration matches ${message.topic}` };
    const sourceId = mapped.sourceId ?? createHash('sha256').update(message.topic).update('\0').update(message.payload).digest('hex');
    const { status, reasons } = this.initialStatus(mapped);
    return { message, payload, mapped, idempotencyKey: `mqtt:${message.source}:${sourceId}`, correlationId: randomUUID(), status, reasons };
  }

  private initialStatus(mapped: MappingResult): { status: EventStatus; reasons: readonly RuleViolation[] } {
    // Quality results stay local until an ERP quality adapter exists.
    if (!mapped.ok || mapped.event.kind !== 'confirmation') return { status: 'recorded', reasons: [] };
    if (!this.orders?.loaded) return { status: 'mapped', reasons: [] };
    const reasons = validateConfirmation(mapped.event, this.orders.lookup);
    return { status: reasons.length === 0 ? 'ready' : 'exception', reasons };
  }

  /** The raw message and its event in one transaction: never one without the other. */
  private write({ message, payload, mapped, idempotencyKey, correlationId, status, reasons }: PreparedMqtt): WriteResult {
    const rawId = insertRawMessage(this.db, {
      idempotencyKey, source: message.source, channel: message.topic, payload, receivedAt: message.receivedAt, correlationId,
      status: mapped.ok ? 'mapped' : 'rejected', ...(mapped.ok ? {} : { rejectReason: mapped.reason }),
    });
    if (rawId === null) return { outcome: 'duplicate' };
    if (!mapped.ok) return { outcome: 'rejected' };
    const eventId = randomUUID();
    insertEvent(this.db, { eventId, rawId, body: mapped.event, correlationId, at: message.receivedAt, status, reasons });
    return { outcome: 'stored', eventId };
  }

  private logOutcome(prepared: PreparedMqtt, result: WriteResult): void {
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
    return this.writeOpcua(sample);
  }

  /** The same through group commit: thousands of notifications a second share a few transactions. */
  submitOpcua(sample: OpcuaSample): Promise<IngestOutcome> {
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
    return rawId === null ? 'duplicate' : 'stored';
  }
}
