import { describe, expect, it } from 'vitest';
import { AckQueue } from '../../../../connectors/mqtt/ackQueue.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AckQueue: PUBACKs after the commit, in arrival order', () => {
  it('holds an early commit until every earlier message is committed', async () => {
    const sent: string[] = [];
    const acks = new AckQueue<string>((connection, id) => sent.push(`${connection}#${id}`), () => undefined);
    const [first, second, third] = [deferred(), deferred(), deferred()];
    acks.add('c1', 1, first.promise, 't');
    acks.add('c1', 2, second.promise, 't');
    acks.add('c1', 3, third.promise, 't');
    third.resolve();
    second.resolve();
    await settle();
    expect(sent).toEqual([]);
    expect(acks.waiting).toBe(3);
    first.resolve();
    await settle();
    expect(sent).toEqual(['c1#1', 'c1#2', 'c1#3']);
    expect(acks.waiting).toBe(0);
  });

  it('never acknowledges a message whose commit failed, reports it with its topic, and goes on', async () => {
    const sent: number[] = [];
    const failures: string[] = [];
    const acks = new AckQueue<string>((_, id) => sent.push(id), (error, topic) => failures.push(`${topic}: ${(error as Error).message}`));
    const [first, second, third] = [deferred(), deferred(), deferred()];
    acks.add('c1', 1, first.promise, 'a/1');
    acks.add('c1', 2, second.promise, 'a/2');
    acks.add('c1', 3, third.promise, 'a/3');
    second.reject(new Error('disk full'));
    await settle();
    expect(failures).toEqual(['a/2: disk full']);
    first.resolve();
    third.resolve();
    await settle();
    expect(sent).toEqual([1, 3]);
  });

  it('drained() waits for the messages still committing', async () => {
    const acks = new AckQueue<string>(() => undefined, () => undefined);
    await acks.drained();
    const commit = deferred();
    acks.add('c1', 1, commit.promise, 't');
    let drained = false;
    void acks.drained().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    commit.resolve();
    await settle();
    expect(drained).toBe(true);
  });

  it('keeps order across thousands of messages (the settled head is dropped in chunks)', async () => {
    const sent: number[] = [];
    const acks = new AckQueue<string>((_, id) => sent.push(id), () => undefined);
    const commits = Array.from({ length: 5000 }, () => deferred());
    commits.forEach((c, i) => acks.add('c1', i, c.promise, 't'));
    // Commit in an order unlike arrival: the odd ones first, then the even ones from the end.
    for (let i = 1; i < 5000; i += 2) commits[i]!.resolve();
    await settle();
    expect(sent).toEqual([]);
    for (let i = 4998; i >= 2; i -= 2) commits[i]!.resolve();
    await settle();
    expect(sent).toEqual([]);
    commits[0]!.resolve();
    await settle();
    expect(sent).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});
