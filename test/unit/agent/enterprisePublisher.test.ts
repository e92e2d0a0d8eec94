// The enterprise publisher over a fake link: outbox order, a window of unacknowledged messages, a cursor that
// moves only over acknowledged messages in order, re-sends after a lost connection and a restart.
import { describe, expect, it, vi } from 'vitest';
import type { EnterpriseLink, EnterpriseSession, MqttStatusListener } from '../../../connectors/mqtt/index.js';
import type { ConnectionState } from '../../../domain/index.js';
import { insertEvent, insertRawMessage, readChangesAfter, readEnterpriseCursor, type WritableDb } from '../../../local-store/index.js';
import { callApi } from '../../../main/agent/apiDispatch.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { EnterpriseSchema } from '../../../main/agent/config/enterpriseSchema.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { EnterprisePublisher, enterpriseStatusDisabled } from '../../../main/agent/enterprisePublisher.js';
import { createLogger } from '../../../main/agent/logger.js';
import { confirmation, quality } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

interface Sent {
  readonly topic: string;
  readonly body: { sequence: number; previousSequence: number; eventId: string; status: string };
  readonly payload: string;
  ack(): void;
}

class FakeSession implements EnterpriseSession {
  open = true;
  readonly sent: Sent[] = [];
  private readonly fails = new Set<(error: Error) => void>();
  private end: () => void = () => undefined;
  readonly ended = new Promise<void>((resolve) => (this.end = resolve));

  constructor(readonly receiveMaximum = Infinity) {}

  publish(topic: string, payload: string): Promise<void> {
    if (!this.open) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      this.fails.add(reject);
      this.sent.push({ topic, payload, body: JSON.parse(payload) as Sent['body'], ack: () => resolve() });
    });
  }

  close(): void {
    this.open = false;
    for (const fail of this.fails) fail(new Error('connection closed'));
    this.end();
  }

  get sequences(): number[] {
    return this.sent.map((s) => s.body.sequence);
  }
}

function fakeLink() {
  let onSession: (session: EnterpriseSession) => void = () => undefined;
  let onStatus: MqttStatusListener = () => undefined;
  const link = {
    stopped: false,
    connect(session: FakeSession): FakeSession {
      onStatus('connected');
      onSession(session);
      return session;
    },
    start: (_options: unknown, session: (s: EnterpriseSession) => void, status: MqttStatusListener): EnterpriseLink => {
      onSession = session;
      onStatus = status;
      status('connecting');
      return { stop: async () => void (link.stopped = true) };
    },
  };
  return link;
}

const config = (overrides: Record<string, unknown> = {}) =>
  EnterpriseSchema.parse({ url: 'mqtt://broker.corp:1883', clientId: 'pd-1010-pub', topicPrefix: 'corp', ...overrides });

let n = 0;
function addQuality(db: WritableDb, at = Date.now()): string {
  n++;
  const rawId = insertRawMessage(db, { idempotencyKey: `k-${n}`, source: 'mes', channel: 't', payload: '{}', receivedAt: at, correlationId: `c-${n}`, status: 'mapped' });
  insertEvent(db, { eventId: `ev-${n}`, rawId: rawId!, body: quality({ line: 'L2' }), status: 'recorded', correlationId: `c-${n}`, at });
  return `ev-${n}`;
}

/** The cursor's last acknowledged sequence (a history id). */
const publishedSequence = (db: WritableDb): number => readEnterpriseCursor(db)?.sequence ?? -1;
/** History ids of the changes after the cursor, i.e. the sequences still to come. */
const pendingIds = (db: WritableDb): number[] => readChangesAfter(db, readEnterpriseCursor(db)!.historyId, 100).map((c) => c.id);

function publisher(db: WritableDb, overrides: Record<string, unknown> = {}) {
  const link = fakeLink();
  const states: ConnectionState[] = [];
  const p = new EnterprisePublisher({
    db, config: config(overrides), plant: '1010', logger: createLogger('silent'), onStatus: (s) => states.push(s),
    startLink: link.start, pollMs: 5, commitDelayMs: 1,
  });
  p.start();
  return { publisher: p, link, states };
}

describe('EnterprisePublisher', () => {
  it('publishes the outbox in sequence order to {prefix}/v1/{plant}/{line}/{kind} and moves the cursor only after PUBACK', async () => {
    const db = openTempDb();
    const { publisher: p, link } = publisher(db);
    const ids = [addQuality(db), addQuality(db), addQuality(db)];
    const session = link.connect(new FakeSession());
    await vi.waitFor(() => expect(session.sent).toHaveLength(3));
    expect(session.sent.map((s) => [s.topic, s.body.sequence, s.body.eventId, s.body.status])).toEqual(
      ids.map((id, i) => ['corp/v1/1010/L2/quality', i + 1, id, 'recorded']),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(publishedSequence(db)).toBe(0);

    // PUBACKs out of order: the cursor moves over the acknowledged head only.
    session.sent[1]!.ack();
    session.sent[2]!.ack();
    await new Promise((r) => setTimeout(r, 20));
    expect(publishedSequence(db)).toBe(0);
    session.sent[0]!.ack();
    await vi.waitFor(() => expect(publishedSequence(db)).toBe(3));
    expect(p.status().backlog).toBe(0);
    expect(session.sent.map((m) => m.body.previousSequence)).toEqual([0, 1, 2]);
    await p.stop();
  });

  it('keeps at most batchSize messages awaiting PUBACK, and no more than the broker\'s Receive Maximum', async () => {
    const db = openTempDb();
    const { publisher: p, link } = publisher(db, { batchSize: 4 });
    for (let i = 0; i < 10; i++) addQuality(db);
    const session = link.connect(new FakeSession());
    await vi.waitFor(() => expect(session.sent).toHaveLength(4));
    await new Promise((r) => setTimeout(r, 30));
    expect(session.sent).toHaveLength(4);
    for (const s of session.sent.slice(0, 2)) s.ack();
    await vi.waitFor(() => expect(session.sent).toHaveLength(6));
    session.close();
    await p.stop();

    const db2 = openTempDb();
    const second = publisher(db2, { batchSize: 100 });
    for (let i = 0; i < 10; i++) addQuality(db2);
    const limited = second.link.connect(new FakeSession(3));
    await vi.waitFor(() => expect(limited.sent).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 30));
    expect(limited.sent).toHaveLength(3);
    limited.close();
    await second.publisher.stop();
  });

  it('sends what was not acknowledged again on the next connection, the same bytes, from the cursor on', async () => {
    const db = openTempDb();
    const { publisher: p, link } = publisher(db);
    for (let i = 0; i < 4; i++) addQuality(db);
    const first = link.connect(new FakeSession());
    await vi.waitFor(() => expect(first.sent).toHaveLength(4));
    first.sent[0]!.ack();
    first.sent[1]!.ack();
    await vi.waitFor(() => expect(publishedSequence(db)).toBe(2));
    first.close();
    addQuality(db);

    const second = link.connect(new FakeSession());
    await vi.waitFor(() => expect(second.sent).toHaveLength(3));
    expect(second.sequences).toEqual([3, 4, 5]);
    expect(second.sent[0]!.payload).toBe(first.sent[2]!.payload);
    for (const s of second.sent) s.ack();
    await vi.waitFor(() => expect(publishedSequence(db)).toBe(5));
    await p.stop();
  });

  it('picks up changes written while connected, and a restarted publisher resumes at the durable cursor', async () => {
    const db = openTempDb();
    const run1 = publisher(db);
    const session = run1.link.connect(new FakeSession());
    addQuality(db);
    addQuality(db);
    await vi.waitFor(() => expect(session.sequences).toEqual([1, 2]));
    session.sent[0]!.ack();
    await vi.waitFor(() => expect(publishedSequence(db)).toBe(1));
    session.close();
    await run1.publisher.stop();

    const run2 = publisher(db);
    const again = run2.link.connect(new FakeSession());
    await vi.waitFor(() => expect(again.sequences).toEqual([2]));
    again.sent[0]!.ack();
    await vi.waitFor(() => expect(publishedSequence(db)).toBe(2));
    await run2.publisher.stop();
  });

  it('on stop waits for the PUBACKs of what is in flight and writes the cursor, then stops the link', async () => {
    const db = openTempDb();
    const { publisher: p, link } = publisher(db);
    addQuality(db);
    const session = link.connect(new FakeSession());
    await vi.waitFor(() => expect(session.sent).toHaveLength(1));
    const stopping = p.stop();
    setTimeout(() => session.sent[0]!.ack(), 30);
    await stopping;
    expect(publishedSequence(db)).toBe(1);
    expect(link.stopped).toBe(true);
  });

  it('reports link state, backlog and the age of the oldest waiting change', async () => {
    const db = openTempDb();
    const { publisher: p, link, states } = publisher(db);
    const now = Date.now();
    addQuality(db, now - 90_000);
    addQuality(db, now - 30_000);
    expect(p.status(now)).toEqual({
      enabled: true, broker: 'mqtt://broker.corp:1883', topicPrefix: 'corp', state: 'connecting',
      backlog: 2, oldestUnpublishedAgeS: 90, publishedSequence: 0, lastPublishedAt: null,
    });
    const session = link.connect(new FakeSession());
    await vi.waitFor(() => expect(session.sent).toHaveLength(2));
    session.sent[0]!.ack();
    await vi.waitFor(() => expect(p.status(now)).toMatchObject({ state: 'connected', backlog: 1, oldestUnpublishedAgeS: 30, publishedSequence: 1 }));
    expect(states).toEqual(['connecting', 'connected']);
    expect(enterpriseStatusDisabled(db)).toMatchObject({ enabled: false, state: null, backlog: 0, publishedSequence: 1 });
    session.close();
    await p.stop();
  });

  it('publishes what changed since it was first configured, of the configured kinds', async () => {
    const db = openTempDb();
    addQuality(db);
    const { publisher: p, link } = publisher(db, { kinds: ['confirmation'] });
    addQuality(db);
    expect(p.status().backlog).toBe(0);
    const session = link.connect(new FakeSession());
    await new Promise((r) => setTimeout(r, 30));
    expect(session.sent).toEqual([]);
    // The cursor moved over the changes it does not publish.
    await vi.waitFor(() => expect(pendingIds(db)).toEqual([]));
    session.close();
    await p.stop();
  });

  it('numbers messages by their change: gaps where changes are not published, previousSequence links them', async () => {
    const db = openTempDb();
    const { publisher: p, link } = publisher(db);
    addQuality(db);
    const rawId = insertRawMessage(db, { idempotencyKey: 'k-mapped', source: 'mes', channel: 't', payload: '{}', receivedAt: 1, correlationId: 'c', status: 'mapped' });
    insertEvent(db, { eventId: 'ev-mapped', rawId: rawId!, body: confirmation(), status: 'mapped', correlationId: 'c', at: 1 });
    addQuality(db);
    const session = link.connect(new FakeSession());
    await vi.waitFor(() => expect(session.sent).toHaveLength(2));
    expect(session.sent.map((m) => [m.body.sequence, m.body.previousSequence])).toEqual([[1, 0], [3, 1]]);
    for (const m of session.sent) m.ack();
    await vi.waitFor(() => expect(readEnterpriseCursor(db)).toMatchObject({ historyId: 3, sequence: 3 }));
    session.close();
    await p.stop();
  });
});

describe('getEnterpriseStatus through the API', () => {
  it('answers with the publisher\'s status, or disabled with what an earlier run left in the outbox', async () => {
    const db = openTempDb();
    const service = (enterprise?: EnterprisePublisher) => new ApiService({
      db, lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: 't', demo: false, startedAt: Date.now(),
      ...(enterprise ? { enterprise } : {}),
    });
    const { publisher: p } = publisher(db);
    addQuality(db);
    expect(await callApi(service(p), 'getEnterpriseStatus', undefined)).toMatchObject({ ok: true, value: { enabled: true, backlog: 1, state: 'connecting' } });
    await p.stop();
    expect(await callApi(service(), 'getEnterpriseStatus', undefined)).toMatchObject({ ok: true, value: { enabled: false, backlog: 0, broker: null, publishedSequence: 0 } });
  });
});
