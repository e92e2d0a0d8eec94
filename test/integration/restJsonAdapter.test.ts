// The REST JSON adapter against the REST simulator over real HTTP (docs/REST-ERP-CONTRACT.md): Idempotency-Key
// repeat answered with the first document, business errors in the ERP's words, Retry-After, reset after commit
// resolved by read-back, order totals with a cancelled record, released orders, probe, auth.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ErpError, type ErpAdapter, type PostableConfirmation } from '../../connectors/erp/adapter.js';
import { createErpAdapter } from '../../connectors/erp/createErpAdapter.js';
import { DEMO_PLANT } from '../../sim/demoData.js';
import { startRestErpSimulator, type RestErpSimulator, type RestErpSimulatorOptions } from '../../sim/erp/index.js';

const TOKEN = 'rest-test-token';

function confirmation(orderId: string, yieldQty = 10): PostableConfirmation {
  const eventId = randomUUID();
  return {
    eventId,
    correlationId: `corr-${eventId}`,
    confirmation: { kind: 'confirmation', plant: DEMO_PLANT, line: 'L1', orderId, operation: '0010', yieldQty, scrapQty: 2, unit: 'PC', final: false, end: '2025-05-04T13:45:10.000Z' },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ErpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ErpError);
  return error as ErpError;
}

let sim: RestErpSimulator | undefined;

async function setUp(options: RestErpSimulatorOptions = {}): Promise<{ sim: RestErpSimulator; erp: ErpAdapter }> {
  sim = await startRestErpSimulator({ bearerToken: TOKEN, ...options });
  return { sim, erp: createErpAdapter({ kind: 'rest-json', baseUrl: sim.url, bearerToken: TOKEN, timeoutMs: 3_000 }) };
}

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('REST JSON adapter against the REST simulator', () => {
  it('is chosen by kind, posts one event per request and a repeat of the key gets the first document back', async () => {
    const { sim, erp } = await setUp();
    expect(erp).toMatchObject({ kind: 'rest-json', maxBatch: 1 });
    const item = confirmation('1000001');
    const first = await erp.postConfirmation(item);
    expect(first.document).toMatch(/^CNF-\d{6}$/);
    const again = await erp.postConfirmations([item]);
    expect(again).toEqual([{ ok: true, document: first }]);
    expect(sim.counts()).toMatchObject({ total: 1, byKey: { [item.eventId]: 1 }, duplicates: {} });
    expect(sim.requests.map((r) => r.status)).toEqual([201, 200]);
  });

  it('business errors carry the ERP words and code; nothing is stored', async () => {
    const { sim, erp } = await setUp({ faults: { postingPeriodClosedBefore: '2025-06-01' } });
    const [closed] = await erp.postConfirmations([confirmation('1000001')]);
    expect(closed?.ok === false && closed.error).toMatchObject({
      kind: 'business',
      message: 'Posting period 2025/05 is closed in company code 1010',
      details: { status: 422, erpCode: 'M7/053' },
    });
    const unknown = await rejection(erp.postConfirmation(confirmation('9999999')));
    expect(unknown).toMatchObject({ kind: 'business', details: { status: 404, erpCode: 'order_not_found' } });
    expect(unknown.message).toContain('Order 9999999');
    const completed = await rejection(erp.postConfirmation(confirmation('1000009')));
    expect(completed.message).toBe('Order 1000009 is technically completed');
    expect(sim.counts().total).toBe(0);
  });

  it('429 and 503 are transient with Retry-After; the whole request rejects', async () => {
    const { erp } = await setUp({ faults: { script: ['throttle', 'maintenance'], throttleRetryAfterS: 12 } });
    const throttled = await rejection(erp.postConfirmations([confirmation('1000001')]));
    expect(throttled).toMatchObject({ kind: 'transient', details: { status: 429, retryAfterS: 12 } });
    const maintenance = await rejection(erp.postConfirmation(confirmation('1000001')));
    expect(maintenance).toMatchObject({ kind: 'transient', details: { status: 503, retryAfterS: 12 } });
  });

  it('a reset after commit is ambiguous; read-back finds it and a re-send is answered from the first, no duplicate', async () => {
    const { sim, erp } = await setUp({ faults: { script: ['reset-after-commit'] } });
    const item = confirmation('1000002');
    expect((await rejection(erp.postConfirmation(item))).kind).toBe('ambiguous');
    const found = await erp.findConfirmation(item.eventId);
    expect(found?.document).toMatch(/^CNF-/);
    expect(await erp.postConfirmation(item)).toEqual(found);
    expect(await erp.findConfirmation(randomUUID())).toBeNull();
    expect(sim.counts()).toMatchObject({ total: 1, duplicates: {} });
  });

  it('random faults with a seed: 5xx are transient and never store; the same seed gives the same faults', async () => {
    const run = async (): Promise<string[]> => {
      const { sim, erp } = await setUp({ faults: { seed: 42, serverErrorRate: 0.5 } });
      const results: string[] = [];
      for (let i = 0; i < 12; i++) {
        const item = confirmation('1000003', 1);
        results.push(await erp.postConfirmation(item).then(() => 'ok', (e: unknown) => (e as ErpError).kind));
      }
      expect(sim.counts().total).toBe(results.filter((r) => r === 'ok').length);
      await sim.stop();
      return results;
    };
    const stopped = async (): Promise<string[]> => {
      const results = await run();
      sim = undefined;
      return results;
    };
    const first = await stopped();
    const second = await stopped();
    expect(first).toEqual(second);
    expect(first).toContain('transient');
    expect(first).toContain('ok');
  });

  it('readOrderTotals shows a record cancelled in the ERP and totals without it', async () => {
    const { sim, erp } = await setUp();
    const kept = confirmation('1000003', 30);
    const cancelled = confirmation('1000003', 8);
    await erp.postConfirmation(kept);
    await erp.postConfirmation(cancelled);
    const res = await fetch(`${sim.url}/sim/cancel`, { method: 'POST', body: JSON.stringify({ key: cancelled.eventId }) });
    expect(res.status).toBe(200);
    const totals = await erp.readOrderTotals('1000003');
    expect(totals.operations).toEqual([{ operation: '0010', confirmedYieldQty: 30 }]);
    expect(totals.confirmations.map((c) => [c.eventId, c.cancelled])).toEqual([[kept.eventId, false], [cancelled.eventId, true]]);
  });

  it('reads released orders and probes health; a wrong token is a transient 401', async () => {
    const { sim, erp } = await setUp();
    const orders = await erp.fetchReleasedOrders(DEMO_PLANT);
    expect(orders.map((o) => o.orderId).sort()).toEqual(['1000001', '1000002', '1000003']);
    expect(orders[0]?.operations[0]).toMatchObject({ operation: '0010', unit: 'PC' });
    await expect(erp.probe()).resolves.toBeUndefined();
    const wrong = createErpAdapter({ kind: 'rest-json', baseUrl: sim.url, bearerToken: 'wrong' });
    expect(await rejection(wrong.postConfirmation(confirmation('1000001')))).toMatchObject({ kind: 'transient', details: { status: 401 } });
  });

  it('OAuth2 client credentials: token cached, renewed once after expiry', async () => {
    sim = await startRestErpSimulator({ oauth2: { clientId: 'pd', clientSecret: 'sec' } });
    const erp = createErpAdapter({ kind: 'rest-json', baseUrl: sim.url, oauth2: { tokenUrl: `${sim.url}/oauth/token`, clientId: 'pd', clientSecret: 'sec' } });
    await erp.postConfirmation(confirmation('1000001'));
    sim.expireAccessTokens();
    await erp.postConfirmation(confirmation('1000001'));
    expect(sim.counts().total).toBe(2);
    expect(sim.requests.map((r) => r.status)).toEqual([201, 401, 201]);
  });
});
