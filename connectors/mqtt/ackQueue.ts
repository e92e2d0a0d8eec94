// PUBACKs in the order the messages arrived (MQTT-4.6.0-2), each sent only once the message is committed: a
// message committed early waits for the ones before it. One `then` per message; the promise chain it replaces
// (`chain = chain.then(() => committed.then(ack))`) cost three promise jobs per message at the intake's rate.

interface AwaitingAck<C> {
  readonly connection: C;
  readonly messageId: number;
  readonly topic: string;
  /** undefined while the commit is pending. */
  committed: boolean | undefined;
}

export class AckQueue<C> {
  private entries: AwaitingAck<C>[] = [];
  private head = 0;
  private drainedWaiters: (() => void)[] = [];

  /**
   * @param send writes the PUBACK (it drops acks for a connection that is gone, see sendPuback)
   * @param failed told at once when a commit failed, with the message's topic; that message is never acknowledged
   */
  constructor(
    private readonly send: (connection: C, messageId: number) => void,
    private readonly failed: (error: unknown, topic: string) => void,
  ) {}

  /** Queues the ack of a message received on `connection`, to be sent once `committed` resolves and every earlier one is settled. */
  add(connection: C, messageId: number, committed: Promise<unknown>, topic: string): void {
    const entry: AwaitingAck<C> = { connection, messageId, topic, committed: undefined };
    this.entries.push(entry);
    committed.then(
      () => {
        entry.committed = true;
        this.sendReady();
      },
      (error: unknown) => {
        entry.committed = false;
        this.failed(error, entry.topic);
        this.sendReady();
      },
    );
  }

  /** Messages whose ack is not sent yet (committing, or waiting for an earlier one). */
  get waiting(): number {
    return this.entries.length - this.head;
  }

  /** Resolves once every queued message is settled (acknowledged or failed). */
  drained(): Promise<void> {
    if (this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  private sendReady(): void {
    const entries = this.entries;
    while (this.head < entries.length) {
      const entry = entries[this.head]!;
      if (entry.committed === undefined) break;
      this.head++;
      if (entry.committed) this.send(entry.connection, entry.messageId);
    }
    // Settled entries are dropped in chunks: shifting one at a time would copy the array per message.
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
      const waiters = this.drainedWaiters;
      this.drainedWaiters = [];
      for (const resolve of waiters) resolve();
    } else if (this.head >= 1024) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }
}
