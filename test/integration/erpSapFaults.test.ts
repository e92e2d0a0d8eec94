// Every fault knob of sim/erp against the SAP OData adapter over real HTTP: the classification each must yield
// (transient, business with the ERP's words, ambiguous), what the simulator stored (GET /sim/counts), $batch with
// a failing changeset, CSRF expiry mid-batch, OAuth2 refresh, Retry-After in both forms, reconciliation reads.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ErpError, type ErpAdapter, type ErpDocument, type PostableConfirmation } from '../../connectors/erp/adapter.js';
import { createSapODataAdapter, type SapODataOptions } from '../../connectors/erp/sapOdata.js';
import { DEMO_PLANT } from '../../sim/demoData.js';
import { startErpSimulator, type ErpSimulator, type ErpSimulatorOptions } from '../../sim/erp/index.js';

const USER = 'PLANTDESK';
const PASSWORD = 'fault-secret';

function confirmation(orderId: string, yieldQty = 10, end = '2025-03-04T13:45:10.000Z'): PostableConfirmation {
  const eventId = randomUUID();
  return {
    eventId,
    correlationId: `corr-${eventId}`,
    confirmation: { kind: 'confirmation', plant: DEMO_PLANT, line: 'L1', orderId, operation: '0010', yieldQty, scrapQty: 1, unit: 'PC', final: false, end },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ErpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ErpError);
  return error as ErpError;
}

let sim: ErpSimulator | undefined;

async function setUp(simOptions: ErpSimulatorOptions = {}, adapter: Partial<SapODataOptions> = {}): Promise<{ sim: ErpSimulator; erp: ErpAdapter }> {
  sim = await startErpSimulator({ username: USER, password: PASSWORD, ...simOptions });
  const auth = simOptions.oauth2 === undefined ? { username: USER, password: PASSWORD } : {};
  const erp = createSapODataAdapter({ baseUrl: sim.url, sapClient: '100', timeoutMs: 3_000, batchSize: 10, ...auth, ...adapter });
  return { sim, erp };
}

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('sim/erp faults through the SAP adapter', () => {
  it('a 500 is transient and nothing is stored', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['server-error'] } });
    const error = await rejection(erp.postConfirmation(confirmation('1000001')));
    expect(error).toMatchObject({ kind: 'transient', details: { status: 500 } });
    expect(sim.counts().total).toBe(0);
  });

  it('429 with Retry-After in seconds is transient with retryAfterS, and the arrival is logged', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['throttle'], throttleRetryAfterS: 7 } });
    const before = Date.now();
    const error = await rejection(erp.postConfirmation(confirmation('1000001')));
    expect(error).toMatchObject({ kind: 'transient', details: { status: 429, retryAfterS: 7 } });
    const throttled = sim.requests.find((r) => r.fault === 'throttle');
    expect(throttled).toMatchObject({ status: 429 });
    expect(throttled?.at).toBeGreaterThanOrEqual(before);
    expect(sim.counts().total).toBe(0);
  });

  it('429 with Retry-After as an HTTP date is parsed into seconds', async () => {
    const { erp } = await setUp({ faults: { script: ['throttle'], throttleRetryAfterS: 30, retryAfterFormat: 'http-date' } });
    const error = await rejection(erp.postConfirmation(confirmation('1000001')));
    expect(error.kind).toBe('transient');
    // The date has whole-second resolution: 30 s from now is 29 to 31 s away when parsed.
    expect(error.details.retryAfterS).toBeGreaterThanOrEqual(29);
    expect(error.details.retryAfterS).toBeLessThanOrEqual(31);
  });

  it('a maintenance window answers 503 with Retry-After to its end, also to the probe; afterwards the probe passes', async () => {
    const now = Date.now();
    const { sim, erp } = await setUp({ faults: { maintenance: [{ start: now - 1_000, end: now + 60_000 }] } });
    const post = await rejection(erp.postConfirmation(confirmation('1000001')));
    expect(post).toMatchObject({ kind: 'transient', details: { status: 503 } });
    expect(post.message).toContain('maintenance');
    expect(post.details.retryAfterS).toBeGreaterThanOrEqual(58);
    expect(post.details.retryAfterS).toBeLessThanOrEqual(60);
    expect((await rejection(erp.probe())).details.status).toBe(503);
    sim.setFaults({ maintenance: [{ start: now - 60_000, end: now - 1 }] });
    await expect(erp.probe()).resolves.toBeUndefined();
  });

  it('a reset after commit is ambiguous; findConfirmation finds the posting, stored once', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['reset-after-commit'] } });
    const item = confirmation('1000001');
    const error = await rejection(erp.postConfirmation(item));
    expect(error.kind).toBe('ambiguous');
    const found = await erp.findConfirmation(item.eventId);
    expect(found?.document).toMatch(/^\d{10}\/\d{8}$/);
    expect(sim.counts().byKey[item.eventId]).toBe(1);
  });

  it('a reset after the request arrived but before commit is ambiguous too, and the read-back says not posted', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['reset-before-commit'] } });
    const item = confirmation('1000001');
    expect((await rejection(erp.postConfirmation(item))).kind).toBe('ambiguous');
    expect(await erp.findConfirmation(item.eventId)).toBeNull();
    expect(sim.counts().total).toBe(0);
  });

  it('a timeout after the request was sent is ambiguous, and the posting is there', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['slow-after-commit'], slowAfterCommitMs: 2_000 } }, { timeoutMs: 400 });
    const item = confirmation('1000002');
    const error = await rejection(erp.postConfirmation(item));
    expect(error.kind).toBe('ambiguous');
    expect(error.message).toContain('did not answer within');
    expect(sim.counts().byKey[item.eventId]).toBe(1);
  });

  it('business rejections carry the ERP words: technically completed, posting period closed, over tolerance', async () => {
    const { sim, erp } = await setUp({
      faults: { technicallyCompletedOrders: ['1000003'], postingPeriodClosedBefore: '2025-04-01', overdeliveryTolerancePct: 10 },
    });
    const completed = await rejection(erp.postConfirmation(confirmation('1000003', 1, '2025-05-01T00:00:00Z')));
    expect(completed).toMatchObject({ kind: 'business', details: { status: 400, erpCode: 'RU/137' } });
    expect(completed.message).toContain('Order 1000003 is technically completed');
    const closed = await rejection(erp.postConfirmation(confirmation('1000001', 1, '2025-03-31T23:00:00Z')));
    expect(closed.kind).toBe('business');
    expect(closed.message).toContain('Posting period 2025/03 is closed in company code 1010');
    // Order 1000002 is for 3000 PC; 10 % tolerance allows 3300 in total.
    await erp.postConfirmation(confirmation('1000002', 3_300, '2025-05-01T00:00:00Z'));
    const over = await rejection(erp.postConfirmation(confirmation('1000002', 1, '2025-05-01T00:00:00Z')));
    expect(over.kind).toBe('business');
    expect(over.message).toContain('exceeds order quantity 3000 PC plus overdelivery tolerance of 10 %');
    expect(sim.counts().total).toBe(1);
  });

  it('$batch with one failing changeset: the others are posted, the failing one is business with the ERP words', async () => {
    const { sim, erp } = await setUp({ faults: { postingPeriodClosedBefore: '2025-04-01' } });
    const items = [
      confirmation('1000001', 5, '2025-05-02T08:00:00Z'),
      confirmation('1000002', 5, '2025-03-15T08:00:00Z'),
      confirmation('1000009', 5, '2025-05-02T08:00:00Z'),
      confirmation('1000003', 5, '2025-05-02T08:00:00Z'),
    ];
    const outcomes = await erp.postConfirmations(items);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    const [, closed, completed] = outcomes;
    expect(closed?.ok === false && closed.error).toMatchObject({ kind: 'business', message: expect.stringContaining('Posting period 2025/03 is closed') });
    expect(completed?.ok === false && completed.error).toMatchObject({ kind: 'business', message: expect.stringContaining('technically completed') });
    const counts = sim.counts();
    expect(counts.total).toBe(2);
    expect(counts.byKey[items[0]?.eventId ?? '']).toBe(1);
    expect(counts.byKey[items[3]?.eventId ?? '']).toBe(1);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.ok) expect(await erp.findConfirmation(items[i]?.eventId ?? '')).toEqual(outcome.document);
    }
  });

  it('a scripted rejection hits exactly one changeset of a batch', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['reject-over-tolerance'] } });
    const outcomes = await erp.postConfirmations([confirmation('1000001'), confirmation('1000001'), confirmation('1000001')]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, true]);
    expect(sim.counts().total).toBe(2);
  });

  it('CSRF token expiry mid-batch: the token is fetched again and the whole batch posted once', async () => {
    const { sim, erp } = await setUp();
    await erp.postConfirmations([confirmation('1000001')]);
    sim.setFaults({ script: ['csrf-expiry'] });
    const items = [confirmation('1000001'), confirmation('1000002'), confirmation('1000003')];
    const outcomes = await erp.postConfirmations(items);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const wire = sim.requests.map((r) => `${r.method} ${r.status ?? '?'}`);
    expect(wire).toEqual(['HEAD 200', 'POST 202', 'POST 403', 'HEAD 200', 'POST 202']);
    for (const item of items) expect(sim.counts().byKey[item.eventId]).toBe(1);
  });

  it('a reset after a batch committed is ambiguous for the whole request; each posting is found by read-back', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['reset-after-commit'] } });
    const items = [confirmation('1000001'), confirmation('1000002')];
    expect((await rejection(erp.postConfirmations(items))).kind).toBe('ambiguous');
    for (const item of items) expect(await erp.findConfirmation(item.eventId)).not.toBeNull();
    expect(sim.counts().total).toBe(2);
  });

  it('OAuth2: one token for many requests, fetched again once after the ERP expired it', async () => {
    // Without an access token the simulator refuses (it has no basic credentials configured).
    sim = await startErpSimulator({ oauth2: { clientId: 'plantdesk', clientSecret: 's3cret/+', tokenLifetimeS: 600 } });
    const oauthErp = createSapODataAdapter({
      baseUrl: sim.url, sapClient: '100', timeoutMs: 3_000,
      oauth2: { tokenUrl: `${sim.url}/oauth/token`, clientId: 'plantdesk', clientSecret: 's3cret/+' },
    });
    await oauthErp.postConfirmation(confirmation('1000001'));
    await oauthErp.fetchReleasedOrders(DEMO_PLANT);
    expect(sim.accessTokensIssued).toBe(1);
    sim.expireAccessTokens();
    await oauthErp.postConfirmation(confirmation('1000001'));
    expect(sim.accessTokensIssued).toBe(2);
    expect(sim.counts().total).toBe(2);
    const wrong = createSapODataAdapter({ baseUrl: sim.url, oauth2: { tokenUrl: `${sim.url}/oauth/token`, clientId: 'plantdesk', clientSecret: 'nope' } });
    const refused = await rejection(wrong.probe());
    expect(refused.kind).toBe('transient');
    expect(refused.message).toContain('refused PlantDesk');
  });

  it('readOrderTotals: confirmations with our keys, a cancelled one flagged, OpTotalConfirmedYieldQty without it', async () => {
    const { sim, erp } = await setUp();
    const kept = confirmation('1000002', 40);
    const cancelled = confirmation('1000002', 15);
    await erp.postConfirmations([kept, cancelled]);
    expect(sim.cancel({ key: cancelled.eventId })).toHaveProperty('document');
    const totals = await erp.readOrderTotals('1000002');
    expect(totals.orderId).toBe('1000002');
    expect(totals.operations).toEqual([{ operation: '0010', confirmedYieldQty: 40 }]);
    expect(totals.confirmations).toHaveLength(2);
    expect(totals.confirmations.find((c) => c.eventId === kept.eventId)).toMatchObject({ cancelled: false, yieldQty: 40, scrapQty: 1, unit: 'PC', operation: '0010' });
    expect(totals.confirmations.find((c) => c.eventId === cancelled.eventId)).toMatchObject({ cancelled: true, yieldQty: 15 });
    // The original is still found by key: it was posted; reconciliation is what notices the cancellation.
    expect(await erp.findConfirmation(cancelled.eventId)).not.toBeNull();
  });

  it('a cancellation through the CancelProdnOrdConf function import shows in readOrderTotals too', async () => {
    const { sim, erp } = await setUp();
    const item = confirmation('1000003', 12);
    const doc = await erp.postConfirmation(item);
    const root = `${sim.url}/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV`;
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    const token = await fetch(`${root}/`, { method: 'HEAD', headers: { Authorization: basic, 'X-CSRF-Token': 'Fetch' } });
    const cookie = token.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const query = `ConfirmationGroup='${doc.confirmationGroup}'&ConfirmationCount='${doc.confirmationCount}'`;
    const res = await fetch(`${root}/CancelProdnOrdConf?${query}`, {
      method: 'POST',
      headers: { Authorization: basic, Accept: 'application/json', 'X-CSRF-Token': token.headers.get('x-csrf-token') ?? '', Cookie: cookie },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { d: { IsReversal: boolean } }).d.IsReversal).toBe(true);
    const totals = await erp.readOrderTotals('1000003');
    expect(totals.confirmations).toEqual([expect.objectContaining({ eventId: item.eventId, cancelled: true })]);
    expect(totals.operations[0]?.confirmedYieldQty).toBe(0);
    expect(sim.counts().total).toBe(1);
  });

  it('POST /sim/faults sets the knobs over HTTP and names every bad one', async () => {
    const { sim, erp } = await setUp();
    const bad = await fetch(`${sim.url}/sim/faults`, { method: 'POST', body: JSON.stringify({ throttleRate: 5, typo: true }) });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: string };
    expect(error).toContain('throttleRate');
    expect(error).toContain('typo');
    const good = await fetch(`${sim.url}/sim/faults`, { method: 'POST', body: JSON.stringify({ script: ['server-error'] }) });
    expect(good.status).toBe(200);
    expect(((await (await fetch(`${sim.url}/sim/faults`)).json()) as { script: string[] }).script).toEqual(['server-error']);
    expect((await rejection(erp.postConfirmation(confirmation('1000001')))).details.status).toBe(500);
    expect(((await (await fetch(`${sim.url}/sim/faults`)).json()) as { script: string[] }).script).toEqual([]);
  });

  it('latency delays the answer and is logged', async () => {
    const { sim, erp } = await setUp({ faults: { latencyMs: 150 } });
    const started = performance.now();
    await erp.probe();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(sim.requests.at(-1)).toMatchObject({ fault: 'latency', status: 200 });
  });

  it('seeded mixed faults: with read-back before re-send, every event ends up in the ERP exactly once', async () => {
    const { sim, erp } = await setUp({
      faults: { seed: 5, serverErrorRate: 0.1, throttleRate: 0.1, throttleRetryAfterS: 0, resetAfterCommitRate: 0.1, csrfExpiryRate: 0.1 },
    });
    // Reads meet the random faults too: a read-back is repeated until the ERP answers it.
    const findPersistently = async (eventId: string): Promise<ErpDocument | null> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await erp.findConfirmation(eventId);
        } catch (error) {
          if (attempt > 20 || (error as ErpError).kind !== 'transient') throw error;
        }
      }
    };
    const pending = Array.from({ length: 150 }, () => confirmation('1000001', 1));
    const kinds = new Set<string>();
    for (let round = 0; pending.length > 0 && round < 100; round++) {
      const batch = pending.splice(0, 10);
      const outcomes = await erp.postConfirmations(batch).catch(async (e: unknown) => {
        const error = e as ErpError;
        kinds.add(error.kind);
        // Ambiguous: whatever the ERP has is posted; only what it lacks goes back to the queue. Transient: all back.
        const found = error.kind === 'ambiguous' ? await Promise.all(batch.map((b) => findPersistently(b.eventId))) : batch.map(() => null);
        return found.map((doc) => (doc === null ? undefined : { ok: true as const, document: doc }));
      });
      outcomes.forEach((o, i) => {
        if (o === undefined || !o.ok) pending.push(batch[i] as PostableConfirmation);
      });
    }
    expect(pending).toEqual([]);
    expect([...kinds].sort()).toEqual(['ambiguous', 'transient']);
    const counts = sim.counts();
    expect(counts.total).toBe(150);
    expect(Object.keys(counts.byKey)).toHaveLength(150);
    expect(counts.duplicates).toEqual({});
  });

  it('duplicates are visible in the counts (SAP does not reject a repeated key)', async () => {
    const { sim, erp } = await setUp();
    const item = confirmation('1000001');
    await erp.postConfirmation(item);
    await erp.postConfirmation(item);
    const res = await fetch(`${sim.url}/sim/counts`);
    const counts = (await res.json()) as { duplicates: Record<string, number>; total: number };
    expect(counts.total).toBe(2);
    expect(counts.duplicates).toEqual({ [item.eventId]: 2 });
  });
});
