// The agent's newest log lines in memory, for the diagnostics bundle: a bounded ring fed by the pino logger the
// host created (logger.ts writes JSON lines to stdout), so IT gets the logs without access to the service's journal.
import { pino, type Logger } from 'pino';

/** Lines kept and the length each is cut to: about 8 MB at most. */
export const LOG_RING_LINES = 2000;
const MAX_LINE_CHARS = 4096;

export class LogRing {
  private readonly lines: string[] = [];
  private next = 0;

  constructor(readonly capacity = LOG_RING_LINES) {}

  push(chunk: string): void {
    const line = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
    const kept = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…(cut)` : line;
    if (this.lines.length < this.capacity) this.lines.push(kept);
    else this.lines[this.next] = kept;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  recent(): string[] {
    return this.lines.length < this.capacity ? [...this.lines] : [...this.lines.slice(this.next), ...this.lines.slice(0, this.next)];
  }
}

interface WritableLike {
  write(chunk: string): unknown;
}

const rings = new WeakMap<Logger, LogRing>();

/**
 * Copies every line the logger (and its children) writes into a ring, besides its destination. pino has no
 * option to add a destination after creation; its documented `pino.symbols.streamSym` names the stream the
 * instance writes to, so the instance's stream (not process.stdout) is wrapped. Idempotent per logger.
 */
export function teeLoggerToRing(logger: Logger, capacity = LOG_RING_LINES): LogRing {
  const existing = rings.get(logger);
  if (existing) return existing;
  const ring = new LogRing(capacity);
  const holder = logger as unknown as Record<symbol, WritableLike>;
  const destination = holder[pino.symbols.streamSym];
  if (destination && typeof destination.write === 'function') {
    const write = (chunk: string): unknown => {
      ring.push(String(chunk));
      return destination.write(chunk);
    };
    // A proxy, so pino's other calls (flushSync, end, the SonicBoom fields) reach the real stream as themselves.
    const tee = new Proxy(destination, {
      get(target, property) {
        if (property === 'write') return write;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    holder[pino.symbols.streamSym] = tee;
  }
  rings.set(logger, ring);
  return ring;
}
