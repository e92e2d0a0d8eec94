// The SAP OData adapter against the independent ERP simulator over real HTTP: released orders, posting with
// CSRF token and session (also after the ERP expired them), business rejections, read-back, ERP down.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpError } from '../../connectors/erp/adapter.js';
import type { ErpAdapter, PostableConfirmation } from '../../connectors/erp/adapter.js';
import { createSapODataAdapter } from '../../connectors/erp/sapOdata.js';
import { DEMO_ORDERS, DEMO_PLANT, DEMO_UNKNOWN_ORDER } from '../../sim/demoData.js';
import { startErpSimulator } from '../../sim/erp/index.js';
import type { ErpSimulator } from '../../sim/erp/index.js';

const USER = 'PLANTDESK';
const PASSWORD = 'integration-secret';

function confirmationFor(orderId: string, yieldQty = 95, eventId = randomUUID()): PostableConfirmation {
  return {
    eventId,
    correlationId: `corr-${eventId}`,
    confirmation: {
      kind: 'confirmation',
      plant: DEMO_PLANT,
      line: 'L1',
      orderId,
      operation: '0010',
      yieldQty,
      scrapQty: 5,
      unit: 'PC',
      final: false,
      end: '2025-03-04T13:45:10.000Z',
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ErpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErpError);
  return error as ErpError;
}

describe('SAP OData adapter against sim/erp', () => {
  let sim: ErpSimulator;
  let erp: ErpAdapter;

  beforeAll(async () => {
    sim = await startErpSimulator({ port: 0, username: USER, password: PASSWORD, sapClient: '100' });
    erp = createSapODataAdapter({ baseUrl: sim.url, sapClient: '100', username: USER, password: PASSWORD, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('reads the three released demo orders of plant 1010 with operation 0010', async () => {
    const orders = await erp.fetchReleasedOrders(DEMO_PLANT);
    const released = DEMO_ORDERS.filter((o) => o.status === 'released');
    expect(orders.map((o) => o.orderId).sort()).toEqual(released.map((o) => o.orderId).sort());
    for (const demo of released) {
      const order = orders.find((o) => o.orderId === demo.orderId);
      expect(order).toMatchObject({
        plant: DEMO_PLANT,
        material: demo.material,
        quantity: demo.quantity,
        unit: demo.unit,
        released: true,
        technicallyCompleted: false,
      });
      expect(order?.operations).toContainEqual(
        expect.objectContaining({ operation: '0010', workCenter: demo.workCenter, unit: demo.unit, plannedQty: demo.quantity }),
      );
    }
  });

  it('posts a confirmation, gets a document back and the ERP has it', async () => {
    const item = confirmationFor('1000001');
    const doc = await erp.postConfirmation(item);
    expect(doc.document).toBe(`${doc.confirmationGroup}/${doc.confirmationCount}`);
    const received = sim.received.find((r) => r.externalSystemConfirmation === item.eventId);
    expect(received).toMatchObject({
      confirmationGroup: doc.confirmationGroup,
      confirmationCount: doc.confirmationCount,
      orderId: '1000001',
      operation: '0010',
      unit: 'PC',
    });
    expect(Number(received?.yieldQuantity)).toBe(95);
    expect(Number(received?.scrapQuantity)).toBe(5);
    expect(received?.entity).toMatchObject({
      PostingDate: `/Date(${Date.parse('2025-03-04T00:00:00Z')})/`,
      ConfirmationText: `PD:${item.eventId}`,
      IsFinalConfirmation: false,
    });
  });

  it('posts again after the ERP expired its tokens (re-fetch on 403 Required)', async () => {
    const wire: string[] = [];
    const recording = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      wire.push(`${init?.method ?? 'GET'} ${res.status}`);
      return res;
    }) as typeof fetch;
    const watched = createSapODataAdapter({ baseUrl: sim.url, sapClient: '100', username: USER, password: PASSWORD, fetchImpl: recording });
    await watched.postConfirmation(confirmationFor('1000002'));
    sim.expireTokens();
    const item = confirmationFor('1000002', 40);
    const doc = await watched.postConfirmation(item);
    expect(wire).toEqual(['HEAD 200', 'POST 201', 'POST 403', 'HEAD 200', 'POST 201']);
    expect(sim.received.filter((r) => r.externalSystemConfirmation === item.eventId)).toEqual([
      expect.objectContaining({ confirmationGroup: doc.confirmationGroup, confirmationCount: doc.confirmationCount }),
    ]);
  });

  it('an unknown order is a business rejection in the simulator’s words', async () => {
    const before = sim.received.length;
    const error = await rejection(erp.postConfirmation(confirmationFor(DEMO_UNKNOWN_ORDER)));
    expect(error.kind).toBe('business');
    expect(error.message).toContain(`Order ${DEMO_UNKNOWN_ORDER} does not exist`);
    expect(error.details.status).toBe(400);
    expect(error.details.erpCode).toBeTruthy();
    expect(sim.received).toHaveLength(before);
  });

  it('a technically completed order is a business rejection', async () => {
    const error = await rejection(erp.postConfirmation(confirmationFor('1000009')));
    expect(error.kind).toBe('business');
    expect(error.message).toContain('technically completed');
  });

  it('finds a posted confirmation by its event id, and null for an unknown one', async () => {
    const item = confirmationFor('1000003', 12.5);
    const posted = await erp.postConfirmation(item);
    expect(await erp.findConfirmation(item.eventId)).toEqual(posted);
    expect(await erp.findConfirmation(randomUUID())).toBeNull();
  });

  it('the released orders show what was confirmed', async () => {
    const item = confirmationFor('1000003', 7);
    await erp.postConfirmation(item);
    const confirmed = sim.received.filter((r) => r.orderId === '1000003').reduce((sum, r) => sum + Number(r.yieldQuantity), 0);
    const order = (await erp.fetchReleasedOrders(DEMO_PLANT)).find((o) => o.orderId === '1000003');
    expect(order?.operations.find((op) => op.operation === '0010')?.confirmedYieldQty).toBe(confirmed);
  });

  it('wrong credentials are transient with a plain message', async () => {
    const wrong = createSapODataAdapter({ baseUrl: sim.url, sapClient: '100', username: USER, password: 'nope' });
    const read = await rejection(wrong.fetchReleasedOrders(DEMO_PLANT));
    expect(read).toMatchObject({ kind: 'transient', message: 'ERP rejected the credentials (HTTP 401)' });
    const post = await rejection(wrong.postConfirmation(confirmationFor('1000001')));
    expect(post).toMatchObject({ kind: 'transient', details: { status: 401 } });
  });
});

describe('SAP OData adapter with the ERP down', () => {
  it('a closed port is transient, for reads and posts alike', async () => {
    const stopped = await startErpSimulator({ port: 0 });
    const url = stopped.url;
    await stopped.stop();
    const erp = createSapODataAdapter({ baseUrl: url, timeoutMs: 5_000 });
    const post = await rejection(erp.postConfirmation(confirmationFor('1000001')));
    expect(post.kind).toBe('transient');
    expect(post.message).toContain('refused');
    expect((await rejection(erp.fetchReleasedOrders(DEMO_PLANT))).kind).toBe('transient');
    expect((await rejection(erp.findConfirmation(randomUUID()))).kind).toBe('transient');
  });
});
