// The agent's mapper: for a message from a source and topic, the checks on its bytes (size, UTF-8), the topic's
// mapping (built-in or inline JSONata, compiled once) and the plausibility of its times. The intake and a
// replay of stored messages both go through here, so a message gets the same verdict from either.
import { isUtf8 } from 'node:buffer';
import { MES_JSON_V1, type MappingConfig, type MappingType } from '../../domain/mapping/declarative.js';
import { eventTimeProblem, type EventTimeWindow } from '../../domain/mapping/eventTime.js';
import { mapMesMessage, type MappingResult } from '../../domain/mapping/mesJson.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, KEPT_BYTES_OF_OVERSIZED, payloadProblem } from '../../domain/mapping/payload.js';
import { createUnitTable, type UnitConversion, type UnitTable } from '../../domain/units.js';
import { topicMatches } from '../../connectors/mqtt/index.js';
import { compileDeclarativeMapping, type MessageContext } from './mappingJsonata.js';

/** How a payload is kept in raw_message.payload: text when it is UTF-8, else base64 of the bytes. */
export type PayloadEncoding = 'utf8' | 'base64';

export interface MapperTopic {
  readonly filter: string;
  readonly type: MappingType;
  readonly mapping: MappingConfig;
}

export interface MapperSource {
  readonly name: string;
  readonly topics: readonly MapperTopic[];
  /** Default 256 KiB. */
  readonly maxPayloadBytes?: number;
  /** Default: no window (every time is plausible). */
  readonly eventTime?: EventTimeWindow;
}

export interface MessageMapperOptions {
  /** The configuration's plant; an inline mapping without a plant field uses it. */
  readonly plant: string;
  readonly sources: readonly MapperSource[];
}

export interface MapperInput {
  readonly source: string;
  readonly topic: string;
  /** The message type the connector matched, used when the source is not configured here (tests, bench). */
  readonly type?: string;
  readonly payload: Uint8Array;
  readonly receivedAt: number;
}

export interface MappedMessage {
  /** What raw_message.payload keeps: the text, its first 4 KiB when oversized, or base64 when not UTF-8. */
  readonly payload: string;
  readonly payloadEncoding: PayloadEncoding;
  /** Size of the message as received. */
  readonly payloadBytes: number;
  /** True when only a prefix is kept (an oversized message); such a message can never be mapped again. */
  readonly payloadTruncated: boolean;
  readonly mapped: MappingResult;
  /** The mapping that produced the event or the reason; null when no mapping applies (unknown topic). */
  readonly mappingVersion: string | null;
}

interface CompiledTopic {
  readonly filter: string;
  readonly version: string;
  map(payload: string, context: MessageContext): MappingResult | Promise<MappingResult>;
}

interface CompiledSource {
  readonly topics: readonly CompiledTopic[];
  readonly maxPayloadBytes: number;
  readonly eventTime: EventTimeWindow | undefined;
}

function builtIn(type: MappingType): CompiledTopic['map'] {
  return (payload) => mapMesMessage(type, payload);
}

function compileTopic(source: string, topic: MapperTopic, plant: string): CompiledTopic {
  if (topic.mapping === MES_JSON_V1) return { filter: topic.filter, version: MES_JSON_V1, map: builtIn(topic.type) };
  const compiled = compileDeclarativeMapping(topic.mapping, `${source}:${topic.filter}`, plant);
  return { filter: topic.filter, version: compiled.version, map: (payload, context) => compiled.map(payload, context) };
}

/** For sources not configured here: the built-in mapping by the type the connector matched. */
const BY_MESSAGE_TYPE: Readonly<Record<MappingType, CompiledTopic>> = {
  confirmation: { filter: '#', version: MES_JSON_V1, map: builtIn('confirmation') },
  quality: { filter: '#', version: MES_JSON_V1, map: builtIn('quality') },
};

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}

export class MessageMapper {
  private readonly sources = new Map<string, CompiledSource>();
  /** The last asynchronous result not yet handed on; later messages wait for it, so order is kept. */
  private tail: Promise<void> | null = null;

  constructor(options: MessageMapperOptions = { plant: '', sources: [] }) {
    for (const source of options.sources) {
      this.sources.set(source.name, {
        topics: source.topics.map((t) => compileTopic(source.name, t, options.plant)),
        maxPayloadBytes: source.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
        eventTime: source.eventTime,
      });
    }
  }

  /** The mapping version that applies to a topic now, or null when none does. */
  versionFor(source: string, topic: string, type?: string): string | null {
    return this.topicOf(source, topic, type)?.version ?? null;
  }

  /**
   * Maps one message. Synchronous when the topic's mapping is (the built-in one); a Promise for JSONata
   * mappings. Results are handed on in the order the messages came in, whatever each one took.
   */
  map(input: MapperInput): MappedMessage | Promise<MappedMessage> {
    const result = this.mapUnordered(input);
    if (this.tail === null && !isPromise(result)) return result;
    const ordered = (this.tail ?? Promise.resolve()).then(() => result);
    const marker = ordered.then(
      () => undefined,
      () => undefined,
    );
    this.tail = marker;
    // Cleared one step after the caller's continuation ran, never before it.
    void marker.then(() => {
      if (this.tail === marker) this.tail = null;
    });
    return ordered;
  }

  /** Maps a message kept in the store (replay); `truncated` ones are refused, their bytes are gone. */
  mapStored(stored: { source: string; channel: string; payload: string; payloadEncoding: PayloadEncoding; payloadTruncated: boolean; payloadBytes: number | null; receivedAt: number }): MappedMessage | Promise<MappedMessage> {
    const version = this.versionFor(stored.source, stored.channel);
    if (stored.payloadTruncated) {
      const size = stored.payloadBytes ?? stored.payload.length;
      return {
        payload: stored.payload, payloadEncoding: stored.payloadEncoding, payloadBytes: size, payloadTruncated: true, mappingVersion: version,
        mapped: { ok: false, reason: `only the first ${KEPT_BYTES_OF_OVERSIZED} of its ${size} bytes were kept, so it cannot be mapped again` },
      };
    }
    const bytes = stored.payloadEncoding === 'base64' ? Buffer.from(stored.payload, 'base64') : Buffer.from(stored.payload, 'utf8');
    return this.mapUnordered({ source: stored.source, topic: stored.channel, payload: bytes, receivedAt: stored.receivedAt });
  }

  private topicOf(source: string, topic: string, type?: string): CompiledTopic | undefined {
    const configured = this.sources.get(source);
    // The same rule as the MQTT source: the first filter that matches decides.
    if (configured) return configured.topics.find((t) => topicMatches(t.filter, topic));
    return type === 'confirmation' || type === 'quality' ? BY_MESSAGE_TYPE[type] : undefined;
  }

  private mapUnordered(input: MapperInput): MappedMessage | Promise<MappedMessage> {
    const source = this.sources.get(input.source);
    const maxBytes = source?.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    const bytes = Buffer.isBuffer(input.payload) ? input.payload : Buffer.from(input.payload.buffer, input.payload.byteOffset, input.payload.byteLength);
    const topic = this.topicOf(input.source, input.topic, input.type);
    const version = topic?.version ?? null;
    const kept = (payload: string, payloadEncoding: PayloadEncoding, payloadTruncated: boolean, mapped: MappingResult): MappedMessage => ({
      payload, payloadEncoding, payloadBytes: bytes.length, payloadTruncated, mapped, mappingVersion: version,
    });

    if (bytes.length > maxBytes) {
      return kept(bytes.subarray(0, KEPT_BYTES_OF_OVERSIZED).toString('utf8'), 'utf8', true, { ok: false, reason: payloadProblem(bytes, maxBytes)! });
    }
    if (!isUtf8(bytes)) return kept(bytes.toString('base64'), 'base64', false, { ok: false, reason: payloadProblem(bytes, maxBytes)! });
    const text = bytes.toString('utf8');
    if (!topic) return kept(text, 'utf8', false, { ok: false, reason: `no topic mapping in the configuration matches ${input.topic}` });

    const finish = (mapped: MappingResult): MappedMessage => kept(text, 'utf8', false, this.checkTimes(mapped, input.receivedAt, source?.eventTime));
    const context: MessageContext = { source: input.source, topic: input.topic, receivedAt: input.receivedAt };
    try {
      const mapped = topic.map(text, context);
      return isPromise(mapped) ? mapped.then(finish, (error: unknown) => finish(failed(error))) : finish(mapped);
    } catch (error) {
      return finish(failed(error));
    }
  }

  private checkTimes(mapped: MappingResult, receivedAt: number, window: EventTimeWindow | undefined): MappingResult {
    if (!mapped.ok || window === undefined) return mapped;
    const problem = eventTimeProblem(mapped.event, receivedAt, window);
    return problem === undefined ? mapped : { ok: false, reason: problem, ...(mapped.sourceId !== undefined ? { sourceId: mapped.sourceId } : {}) };
  }
}

/** A mapping that threw is a rejection with the error's words: bad input never stops the intake. */
function failed(error: unknown): MappingResult {
  return { ok: false, reason: `the mapping failed on this message: ${(error as Error)?.message ?? String(error)}` };
}

/** The mapper for a loaded configuration: every MQTT source with its topics, limits and time window. */
export function mapperFromConfig(config: {
  readonly plant: string;
  readonly mqtt: readonly { readonly name: string; readonly topics: readonly MapperTopic[]; readonly maxPayloadBytes?: number; readonly eventTime?: EventTimeWindow }[];
}): MessageMapper {
  return new MessageMapper({ plant: config.plant, sources: config.mqtt });
}

/** The unit table of a loaded configuration (its `units:` lines were checked when it was loaded). */
export function unitTableFromConfig(lines: readonly UnitConversion[] = []): UnitTable {
  const result = createUnitTable(lines);
  if (!result.ok) throw new Error(`units: ${result.problems.map((p) => `[${p.index}] ${p.message}`).join('; ')}`);
  return result.table;
}
