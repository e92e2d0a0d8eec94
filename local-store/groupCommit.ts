// Group commit: many writers hand items to one committer that writes them in few transactions, and each
// writer learns only after the commit that its item is durable. Durability before acknowledgement is kept;
// what is saved is the fsync per item (FACTS.md: 6k rows/s one by one, 40k+ at 100 per transaction).
import type { WritableDb } from './database.js';

export interface GroupCommitOptions {
  /** Most items in one transaction. */
  readonly maxBatch?: number;
  /** 0: commit what arrived in the same turn of the event loop (lowest latency); >0: wait up to this long. */
  readonly maxDelayMs?: number;
  /**
   * Told after a batch failed as a whole for the database's own reason (disk full, I/O error), before its items
   * are rejected: nothing of it is durable. The capacity monitor pauses intake from here (main/agent/capacity.ts).
   */
  readonly onCommitFailure?: (error: Error) => void;
}

/** Told once per item, after its transaction committed (error undefined) or failed. */
export type CommitCallback<R> = (error: Error | undefined, result?: R) => void;

interface Pending<T, R> {
  readonly item: T;
  readonly done: CommitCallback<R>;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly onCommitFailure: ((error: Error) => void) | undefined;
  /** Back pressure: while held, items wait uncommitted (their callers unanswered) until release(). */
  private held = false;

  /** `apply` runs inside the transaction; it must only write, never wait. */
  constructor(private readonly db: WritableDb, private readonly apply: (item: T) => R, options: GroupCommitOptions = {}) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 0;
    this.onCommitFailure = options.onCommitFailure;
  }

  /** Stops committing: submitted items wait, neither committed nor rejected, until release(). */
  hold(): void {
    this.held = true;
  }

  /** Commits what waited (in arrival order) and goes on as before. */
  release(): void {
    this.held = false;
    if (this.queue.length > 0) this.schedule();
  }

  get holding(): boolean {
    return this.held;
  }

  /** Resolves with `apply`'s result once the transaction holding the item has committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => this.enqueue(item, (error, result) => (error ? reject(error) : resolve(result as R))));
  }

  /**
   * The same with a callback instead of a promise: at tens of thousands of items a second a caller that needs
   * its own promise anyway (Ingest.submitMqtt) saves one promise and its job per item.
   */
  enqueue(item: T, done: CommitCallback<R>): void {
    this.queue.push({ item, done });
    if (this.queue.length >= this.maxBatch) this.flush();
    else this.schedule();
  }

  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.flush();
    };
    if (this.maxDelayMs > 0) setTimeout(run, this.maxDelayMs);
    else setImmediate(run);
  }

  /** Commits everything queued now (nothing while held); also called on shutdown. */
  flush(): void {
    while (this.queue.length > 0 && !this.held) {
      const batch = this.queue.splice(0, this.maxBatch);
      let results: R[];
      let failures: Map<number, Error> | undefined;
      try {
        results = this.commitAll(batch);
      } catch (error) {
        if (isCommitFailure(error)) {
          // The commit itself failed (disk full, I/O error): nothing of this batch is durable.
          try {
            this.onCommitFailure?.(error as Error);
          } finally {
            for (const pending of batch) answer(pending, error as Error, undefined);
          }
          continue;
        }
        failures = new Map();
        try {
          results = this.commitEach(batch, failures);
        } catch (retryError) {
          // Item errors are caught inside; what escapes is the retry's own BEGIN or COMMIT: nothing is durable.
          try {
            this.onCommitFailure?.(retryError as Error);
          } finally {
            for (const pending of batch) answer(pending, retryError as Error, undefined);
          }
          continue;
        }
      }
      for (let i = 0; i < batch.length; i++) {
        const failure = failures?.get(i);
        answer(batch[i]!, failure, failure ? undefined : results[i]);
      }
    }
  }

  /** The whole batch in one transaction: the common case, with no allocation per item beyond its result. */
  private commitAll(batch: readonly Pending<T, R>[]): R[] {
    return this.db.transaction(() => {
      const results = new Array<R>(batch.length);
      for (let i = 0; i < batch.length; i++) results[i] = this.apply(batch[i]!.item);
      return results;
    })();
  }

  /**
   * After an item failed the batch: written again with a savepoint per item, so that item fails alone
   * (savepoints cost too much to take every time).
   */
  private commitEach(batch: readonly Pending<T, R>[], failures: Map<number, Error>): R[] {
    return this.db.transaction(() => {
      const results = new Array<R>(batch.length);
      for (let i = 0; i < batch.length; i++) {
        try {
          results[i] = this.db.transaction(() => this.apply(batch[i]!.item))();
        } catch (error) {
          failures.set(i, error as Error);
        }
      }
      return results;
    })();
  }
}

/** A caller's callback that throws must not keep the rest of the batch unanswered: it is rethrown on its own. */
function answer<R>(pending: Pending<unknown, R>, error: Error | undefined, result: R | undefined): void {
  try {
    pending.done(error, result);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
}

/** Errors of the database itself, not of one item: retrying item by item would fail the same way. */
function isCommitFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|CORRUPT|NOTADB|READONLY|CANTOPEN|BUSY|LOCKED)/.test(code);
}
