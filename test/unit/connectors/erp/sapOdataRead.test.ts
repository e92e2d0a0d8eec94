// Reads of the SAP OData adapter: released orders (ERP-CONTRACT B) mapped to the domain, and the read-back of
// a confirmation by PlantDesk's event id (A.7).
import { describe, expect, it } from 'vitest';
import { createSapODataAdapter } from '../../../../connectors/erp/sapOdata.js';
import { BASE_URL, EVENT_ID } from './fixtures.js';
import { fakeFetch, json } from './fakeFetch.js';

function setup(sapClient?: string) {
  const fake = fakeFetch();
  const erp = createSapODataAdapter({ baseUrl: `${BASE_URL}/`, fetchImpl: fake.fetchImpl, ...(sapClient ? { sapClient } : {}) });
  return { fake, erp };
}

function sapOrder(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __metadata: { type: 'API_PRODUCTION_ORDER_2_SRV.A_ProductionOrder_2Type' },
    ManufacturingOrder: id,
    ProductionPlant: '1010',
    Material: 'FG-100',
    TotalQuantity: '5000.000',
    ProductionUnit: 'PC',
    OrderIsReleased: 'X',
    OrderIsTechnicallyCompleted: '',
    MfgOrderConfirmedYieldQty: '120.500',
    to_ProductionOrderOperation: {
      results: [
        { ManufacturingOrderOperation: '0010', WorkCenter: 'WC-L1', OperationUnit: 'PC', OpPlannedTotalQuantity: '5000.000', OpTotalConfirmedYieldQty: '120.500' },
        { ManufacturingOrderOperation: '0020', WorkCenter: 'WC-PK', OperationUnit: '', OpPlannedTotalQuantity: '5000', OpTotalConfirmedYieldQty: '0.000' },
      ],
    },
    to_ProductionOrderComponent: { results: [] },
    ...overrides,
  };
}

describe('fetchReleasedOrders', () => {
  it('queries A_ProductionOrder_2 with the B filter and expand, percent-encoded', async () => {
    const { fake, erp } = setup('100');
    fake.reply(json(200, { d: { results: [] } }));
    await erp.fetchReleasedOrders('1010');
    const [req] = fake.requests;
    expect(req?.method).toBe('GET');
    expect(`${req?.url.origin}${req?.url.pathname}`).toBe(`${BASE_URL}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2`);
    expect(req?.url.searchParams.get('$filter')).toBe("ProductionPlant eq '1010' and OrderIsReleased eq 'X'");
    expect(req?.url.searchParams.get('$expand')).toBe('to_ProductionOrderOperation,to_ProductionOrderComponent');
    expect(req?.url.searchParams.get('$format')).toBe('json');
    expect(req?.url.searchParams.get('sap-client')).toBe('100');
    expect(req?.url.search).toContain('%20eq%20');
    expect(req?.url.search).not.toContain('+');
    expect(req?.headers.get('accept')).toBe('application/json');
    expect(req?.headers.has('x-csrf-token')).toBe(false);
  });

  it('escapes a quote in the plant so it cannot end the literal', async () => {
    const { fake, erp } = setup();
    fake.reply(json(200, { d: { results: [] } }));
    await erp.fetchReleasedOrders("10'0");
    expect(fake.requests[0]?.url.searchParams.get('$filter')).toBe("ProductionPlant eq '10''0' and OrderIsReleased eq 'X'");
  });

  it('maps orders and operations, decimals from strings, the unit falling back to the order', async () => {
    const { fake, erp } = setup();
    fake.reply(json(200, { d: { results: [sapOrder('1000001'), sapOrder('1000009', { OrderIsTechnicallyCompleted: 'X' })] } }));
    const orders = await erp.fetchReleasedOrders('1010');
    expect(orders[0]).toEqual({
      orderId: '1000001',
      plant: '1010',
      material: 'FG-100',
      quantity: 5000,
      unit: 'PC',
      released: true,
      technicallyCompleted: false,
      confirmedYieldQty: 120.5,
      operations: [
        { operation: '0010', workCenter: 'WC-L1', unit: 'PC', plannedQty: 5000, confirmedYieldQty: 120.5 },
        { operation: '0020', workCenter: 'WC-PK', unit: 'PC', plannedQty: 5000, confirmedYieldQty: 0 },
      ],
    });
    expect(orders[1]?.technicallyCompleted).toBe(true);
  });

  it('follows server paging (__next) on our own base URL, not the host the ERP names', async () => {
    const { fake, erp } = setup('100');
    const next = 'https://internal-host:44300/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2?$skiptoken=100&sap-client=100';
    fake.reply(json(200, { d: { results: [sapOrder('1')], __next: next } }), json(200, { d: { results: [sapOrder('2')] } }));
    const orders = await erp.fetchReleasedOrders('1010');
    expect(orders.map((o) => o.orderId)).toEqual(['1', '2']);
    expect(fake.requests[1]?.url.toString()).toBe(`${BASE_URL}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2?$skiptoken=100&sap-client=100`);
  });

  it('data it cannot read is a transient error that says where', async () => {
    const { fake, erp } = setup();
    fake.reply(json(200, { d: { results: [sapOrder('1', { TotalQuantity: 'lots' })] } }));
    const error = await erp.fetchReleasedOrders('1010').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient' });
    expect((error as Error).message).toContain('d.results.0.TotalQuantity');
  });

  it('an HTML page instead of JSON is a transient error', async () => {
    const { fake, erp } = setup();
    fake.reply(new Response('<html>login</html>', { status: 200 }));
    await expect(erp.fetchReleasedOrders('1010')).rejects.toMatchObject({ kind: 'transient', message: expect.stringContaining('not JSON') });
  });
});

describe('findConfirmation', () => {
  it('filters ProdnOrdConf2 by the guid literal and returns the first document', async () => {
    const { fake, erp } = setup('100');
    fake.reply(json(200, { d: { results: [{ ConfirmationGroup: '0000000012', ConfirmationCount: '00000003', IsReversal: false }] } }));
    const doc = await erp.findConfirmation(EVENT_ID.toUpperCase());
    expect(doc).toEqual({ document: '0000000012/00000003', confirmationGroup: '0000000012', confirmationCount: '00000003' });
    const [req] = fake.requests;
    expect(req?.method).toBe('GET');
    expect(req?.url.pathname).toBe('/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2');
    expect(req?.url.searchParams.get('$filter')).toBe(`ExternalSystemConfirmation eq guid'${EVENT_ID}'`);
    expect(req?.url.searchParams.get('$format')).toBe('json');
    expect(req?.url.searchParams.get('sap-client')).toBe('100');
  });

  it('returns null when nothing carries the event id', async () => {
    const { fake, erp } = setup();
    fake.reply(json(200, { d: { results: [] } }));
    expect(await erp.findConfirmation(EVENT_ID)).toBeNull();
  });

  it('skips a cancellation record carrying the same key and returns the original posting', async () => {
    const { fake, erp } = setup();
    fake.reply(
      json(200, {
        d: {
          results: [
            { ConfirmationGroup: '12', ConfirmationCount: '4', IsReversal: true },
            { ConfirmationGroup: '12', ConfirmationCount: '3', IsReversal: false, IsReversed: true },
          ],
        },
      }),
    );
    expect((await erp.findConfirmation(EVENT_ID))?.document).toBe('12/3');
  });

  it('refuses a non-GUID id without querying', async () => {
    const { fake, erp } = setup();
    await expect(erp.findConfirmation("' or 1 eq 1")).rejects.toMatchObject({ kind: 'business' });
    expect(fake.requests).toHaveLength(0);
  });
});
