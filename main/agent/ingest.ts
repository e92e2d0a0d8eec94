// The intake: commits each raw message (and the canonical event mapped from it) in one transaction before
// the connector acknowledges it. A redelivered message has the same idempotency key and is stored once.
import { createHash, randomUUID } from 'node:crypto';
import { mapMesMessage, type MesMessageType } from '../../domain/index.js';
import type { IncomingMqttMessage } from '../../connectors/mqtt/index.js';
import type { OpcuaSample } from '../../connectors/opcua/index.js';
import { insertEvent, insertRawMessage, type WritableDb } from '../../local-store/index.js';
import type { Logger } from './logger.js';

/** Larger payloads are kept only in part, with a reason: a 10 MB message must not fill the buffer. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
const KEPT_BYTES_OF_OVERSIZED = 4 * 1024;

export type IngestOutcome = 'stored' | 'rejected' | 'duplicate';

function isMesType(type: string): type is MesMessageType {
  return type === 'confirmation' || type === 'quality';
}

export class Ingest {
  constructor(private readonly db: WritableDb, private readonly logger: Logger) {}

  /** Synchronous on purpose: when it returns, the message is on disk; when it throws, it is not. */
  commitMqtt(message: IncomingMqttMessage): IngestOutcome {
    const correlationId = randomUUID();
    const oversized = message.payload.length > MAX_PAYLOAD_BYTES;
    const payload = (oversized ? message.payload.subarray(0, KEPT_BYTES_OF_OVERSIZED) : message.payload).toString('utf8');
    const mapped = oversized
      ? { ok: false as const, reason: `message is ${message.payload.length} bytes; the limit is ${MAX_PAYLOAD_BYTES} bytes` }
      : isMesType(message.type)
        ? mapMesMessage(message.type, payload)
        : { ok: false as const, reason: `no topic mapping in the configuration matches ${message.topic}` };
    const sourceId = mapped.sourceId ?? createHash('sha256').update(message.topic).update('\0').update(message.payload).digest('hex');
    const idempotencyKey = `mqtt:${message.source}:${sourceId}`;
    const log = this.logger.child({ correlationId, source: message.source, topic: message.topic, idempotencyKey });

    const outcome = this.db.transaction((): IngestOutcome => {
      const rawId = insertRawMessage(this.db, {
        idempotencyKey, source: message.source, channel: message.topic, payload, receivedAt: message.receivedAt, correlationId,
        status: mapped.ok ? 'mapped' : 'rejected', ...(mapped.ok ? {} : { rejectReason: mapped.reason }),
      });
      if (rawId === null) return 'duplicate';
      if (!mapped.ok) return 'rejected';
      const eventId = randomUUID();
      insertEvent(this.db, {
        eventId, rawId, body: mapped.event, correlationId, at: message.receivedAt,
        // Quality results stay local until an ERP quality adapter exists.
        status: mapped.event.kind === 'confirmation' ? 'mapped' : 'recorded',
      });
      log.info({ eventId, kind: mapped.event.kind, orderId: mapped.event.orderId }, 'message committed and mapped');
      return 'stored';
    })();

    if (outcome === 'rejected' && !mapped.ok) log.warn({ reason: mapped.reason }, 'message rejected');
    if (outcome === 'duplicate') log.debug('redelivered message already stored');
    return outcome;
  }

  /** OPC UA values are kept raw as telemetry; the key makes a value re-sent after a reconnect a duplicate. */
  commitOpcua(sample: OpcuaSample): IngestOutcome {
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
