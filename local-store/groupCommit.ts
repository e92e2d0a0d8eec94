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

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: Error) => void;
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
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.schedule();
    });
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
      let outcomes: Outcome<R>[];
      try {
        outcomes = this.commitBatch(batch);
      } catch (error) {
        // The commit itself failed (disk full, I/O error): nothing of this batch is durable.
        try {
          this.onCommitFailure?.(error as Error);
        } finally {
          for (const pending of batch) pending.reject(error as Error);
        }
        continue;
      }
      batch.forEach((pending, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    }
  }

  /**
   * The whole batch in one transaction. Should one item fail, the batch is rolled back and written again
   * with a savepoint per item, so that item fails alone; savepoints cost too much to take every time.
   */
  private commitBatch(batch: readonly Pending<T, R>[]): Outcome<R>[] {
    try {
      return this.db.transaction(() => batch.map((pending): Outcome<R> => ({ ok: true, value: this.apply(pending.item) })))();
    } catch (error) {
      if (isCommitFailure(error)) throw error;
    }
    return this.db.transaction(() =>
      batch.map((pending): Outcome<R> => {
        try {
          return { ok: true, value: this.db.transaction(() => this.apply(pending.item))() };
        } catch (error) {
          return { ok: false, error: error as Error };
        }
      }),
    )();
  }
}

type Outcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: Error };

/** Errors of the database itself, not of one item: retrying item by item would fail the same way. */
function isCommitFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|CORRUPT|NOTADB|READONLY|CANTOPEN|BUSY|LOCKED)/.test(code);
}
