// What arrived when: every request to a simulator with its arrival time, status and the fault applied, so a test
// can prove that no request came before a Retry-After had elapsed. Plus counting stored records per client key.

export interface LoggedRequest {
  /** Arrival, epoch milliseconds (before any simulated latency). */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** Filled when the answer is sent; 0 when the socket was destroyed instead. */
  status: number | undefined;
  fault: string | undefined;
}

/** Bounded so a soak or benchmark run does not grow the simulator without limit. */
const MAX_ENTRIES = 200_000;

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(method: string, path: string, at: number): LoggedRequest {
    const entry: LoggedRequest = { at, method, path, status: undefined, fault: undefined };
    if (this.entries.length >= MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES + 1);
    this.entries.push(entry);
    return entry;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export interface KeyCounts {
  /** Stored records (postings), cancelled ones included, cancellation records excluded. */
  readonly total: number;
  readonly withoutKey: number;
  /** Records per client key (ExternalSystemConfirmation / Idempotency-Key). */
  readonly byKey: Readonly<Record<string, number>>;
  /** Only the keys stored more than once. */
  readonly duplicates: Readonly<Record<string, number>>;
}

export function countKeys(keys: Iterable<string | null>): KeyCounts {
  const byKey: Record<string, number> = {};
  let total = 0;
  let withoutKey = 0;
  for (const key of keys) {
    total += 1;
    if (key === null) withoutKey += 1;
    else byKey[key] = (byKey[key] ?? 0) + 1;
  }
  const duplicates = Object.fromEntries(Object.entries(byKey).filter(([, n]) => n > 1));
  return { total, withoutKey, byKey, duplicates };
}
