// The SAP ERP simulator over real HTTP: released orders (B), CSRF (A.4), confirmation create (A.3),
// read-back (A.7) and error JSON (A.8), as the ERP adapter will meet them.
/* eslint-disable @typescript-eslint/no-explicit-any -- OData JSON bodies are inspected field by field; typing each response would only restate the assertions. */
import { randomUUID } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';

let erp: ErpSimulator;
let orderService: string;
let confService: string;

beforeAll(async () => {
  erp = await startErpSimulator();
  orderService = `${erp.url}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV`;
  confService = `${erp.url}/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV`;
});

afterAll(async () => {
  await erp.stop();
});

interface Session {
  readonly token: string;
  readonly cookie: string;
}

const JSON_HEADERS = { Accept: 'application/json' };

async function fetchToken(path = `${confService}/`): Promise<Session> {
  const res = await fetch(path, { method: 'HEAD', headers: { 'X-CSRF-Token': 'fetch' } });
  expect(res.status).toBe(200);
  const token = res.headers.get('x-csrf-token');
  expect(token).toBeTruthy();
  // Send back "name=value" of every Set-Cookie, as a cookie jar would.
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { token: token ?? '', cookie };
}

function postConfirmation(session: Session | undefined, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...JSON_HEADERS, 'Content-Type': 'application/json' };
  if (session) {
    headers['X-CSRF-Token'] = session.token;
    headers.Cookie = session.cookie;
  }
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${confService}/ProdnOrdConf2?sap-client=100`, { method: 'POST', headers, body: payload });
}

function confirmation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    OrderID: '1000001',
    Sequence: '0',
    OrderOperation: '0010',
    ConfirmationUnit: 'PC',
    ConfirmationYieldQuantity: '95',
    ConfirmationScrapQuantity: '5',
    PostingDate: '/Date(1735689600000)/',
    ExternalSystemConfirmation: randomUUID(),
    ...overrides,
  };
}

async function getJson(url: string): Promise<{ status: number; body: any; contentType: string | null }> {
  const res = await fetch(url, { headers: JSON_HEADERS });
  return { status: res.status, body: await res.json(), contentType: res.headers.get('content-type') };
}

function expectGatewayError(body: any, code: string, message: string): void {
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual({ lang: 'en', value: message });
  expect(body.error.innererror.transactionid).toMatch(/^[0-9A-F]{32}$/);
  expect(body.error.innererror.timestamp).toMatch(/^\d{14}\.\d{7}$/);
  expect(body.error.innererror.application.service_namespace).toBe('/SAP/');
  expect(body.error.innererror.errordetails[0]).toMatchObject({ code, message, severity: 'error' });
}

async function operationYield(orderId: string): Promise<{ op: string; order: string }> {
  const { body } = await getJson(`${orderService}/A_ProductionOrder_2('${orderId}')?$expand=to_ProductionOrderOperation`);
  return { op: body.d.to_ProductionOrderOperation.results[0].OpTotalConfirmedYieldQty, order: body.d.MfgOrderConfirmedYieldQty };
}

describe('released production orders (B)', () => {
  it('returns only released orders of the plant, with operations and components expanded', async () => {
    const filter = encodeURIComponent("ProductionPlant eq '1010' and OrderIsReleased eq 'X'");
    const { status, body, contentType } = await getJson(
      `${orderService}/A_ProductionOrder_2?$filter=${filter}&$expand=to_ProductionOrderOperation,to_ProductionOrderComponent&$format=json`,
    );
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/json/);
    const orders = body.d.results;
    expect(orders.map((o: any) => o.ManufacturingOrder)).toEqual(['1000001', '1000002', '1000003']);
    const first = orders[0];
    expect(first).toMatchObject({
      Material: 'FG-100', ProductionPlant: '1010', Plant: '1010', ProductionUnit: 'PC', TotalQuantity: '5000.000',
      OrderIsReleased: 'X', OrderIsTechnicallyCompleted: '', ManufacturingOrderType: 'PP01',
    });
    expect(first.MfgOrderPlannedStartDate).toMatch(/^\/Date\(\d+\)\/$/);
    expect(first.to_ProductionOrderOperation.results).toHaveLength(1);
    expect(first.to_ProductionOrderOperation.results[0]).toMatchObject({
      ManufacturingOrder: '1000001', ManufacturingOrderSequence: '0', ManufacturingOrderOperation: '0010',
      WorkCenter: 'WC-L1', OperationUnit: 'PC', OpPlannedTotalQuantity: '5000.000',
    });
    expect(Array.isArray(first.to_ProductionOrderComponent.results)).toBe(true);
  });

  it('honours the plant in the filter and reports the completed order as technically completed', async () => {
    const other = await getJson(`${orderService}/A_ProductionOrder_2?$filter=${encodeURIComponent("ProductionPlant eq '2020'")}`);
    expect(other.body.d.results).toEqual([]);
    const teco = await getJson(`${orderService}/A_ProductionOrder_2?$filter=${encodeURIComponent("OrderIsTechnicallyCompleted eq 'X'")}`);
    expect(teco.body.d.results.map((o: any) => [o.ManufacturingOrder, o.OrderIsReleased])).toEqual([['1000009', '']]);
    expect(teco.body.d.results[0].to_ProductionOrderOperation.__deferred.uri).toContain("A_ProductionOrder_2('1000009')");
  });

  it('reads one order by key and answers 404 for an unknown one', async () => {
    const found = await getJson(`${orderService}/A_ProductionOrder_2('1000002')`);
    expect(found.status).toBe(200);
    expect(found.body.d.ManufacturingOrder).toBe('1000002');
    const missing = await getJson(`${orderService}/A_ProductionOrder_2('4711')`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message.value).toContain('4711');
  });

  it('rejects a filter it does not support with 400 and the Gateway error shape', async () => {
    const res = await getJson(`${orderService}/A_ProductionOrder_2?$filter=${encodeURIComponent("ProductionPlant ne '1010'")}`);
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('/IWBEP/CM_MGW_RT/004');
    expect(res.body.error.innererror.errordetails[0].severity).toBe('error');
  });

  it('refuses to answer a client that did not ask for JSON', async () => {
    const res = await fetch(`${orderService}/A_ProductionOrder_2`);
    expect(res.status).toBe(406);
  });
});

describe('CSRF token (A.4)', () => {
  it('rejects a POST without token with 403 and X-CSRF-Token: Required', async () => {
    const res = await postConfirmation(undefined, confirmation());
    expect(res.status).toBe(403);
    expect(res.headers.get('x-csrf-token')).toBe('Required');
    expect(await res.text()).toBe('CSRF Token required');
  });

  it('issues a token bound to session cookies and accepts a POST carrying both', async () => {
    const before = erp.received.length;
    const res = await fetch(confService, { headers: { 'X-CSRF-Token': 'fetch', ...JSON_HEADERS } });
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => /^SAP_SESSIONID_SIM_100=[^;]+; path=\/; HttpOnly$/.test(c))).toBe(true);
    expect(cookies).toContain('sap-usercontext=sap-client=100; path=/');
    const session = { token: res.headers.get('x-csrf-token') ?? '', cookie: cookies.map((c) => c.split(';')[0]).join('; ') };

    const first = await postConfirmation(session, confirmation());
    expect(first.status).toBe(201);
    const created = (await first.json()).d;
    expect(created.ConfirmationGroup).toMatch(/^\d{10}$/);
    expect(created.ConfirmationCount).toMatch(/^\d{8}$/);
    expect(created).toMatchObject({ OrderID: '1000001', OrderOperation: '0010', ConfirmationYieldQuantity: '95.000' });

    const second = (await (await postConfirmation(session, confirmation())).json()).d;
    expect(second.ConfirmationGroup).toBe(created.ConfirmationGroup);
    expect(Number(second.ConfirmationCount)).toBe(Number(created.ConfirmationCount) + 1);
    expect(erp.received.length).toBe(before + 2);
  });

  it('rejects a token presented with another session cookie', async () => {
    const a = await fetchToken();
    const b = await fetchToken();
    expect(a.token).not.toBe(b.token);
    const res = await postConfirmation({ token: a.token, cookie: b.cookie }, confirmation());
    expect(res.status).toBe(403);
    expect(res.headers.get('x-csrf-token')).toBe('Required');
  });

  it('expireTokens() invalidates issued tokens until the client fetches again', async () => {
    const session = await fetchToken(confService); // no trailing slash works too
    expect((await postConfirmation(session, confirmation())).status).toBe(201);
    erp.expireTokens();
    const expired = await postConfirmation(session, confirmation());
    expect(expired.status).toBe(403);
    expect(expired.headers.get('x-csrf-token')).toBe('Required');
    const renewed = await fetchToken();
    expect((await postConfirmation(renewed, confirmation())).status).toBe(201);
  });
});

describe('confirmation create, validation and read-back (A.3, A.7, A.8)', () => {
  let session: Session;
  beforeAll(async () => {
    session = await fetchToken();
  });

  it('rejects an unknown order with 400 and the A.8 error JSON, storing nothing', async () => {
    const before = erp.received.length;
    const res = await postConfirmation(session, confirmation({ OrderID: '9999999' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectGatewayError(await res.json(), 'RU/103', 'Order 9999999 does not exist');
    expect(erp.received.length).toBe(before);
  });

  it('rejects a technically completed order, an unknown operation and a unit mismatch', async () => {
    const teco = await postConfirmation(session, confirmation({ OrderID: '1000009' }));
    expect(teco.status).toBe(400);
    expectGatewayError(await teco.json(), 'RU/137', 'Order 1000009 is technically completed');

    const op = await postConfirmation(session, confirmation({ OrderOperation: '0020' }));
    expect(op.status).toBe(400);
    expectGatewayError(await op.json(), 'RU/104', 'Operation 0020 does not exist in order 1000001');

    const unit = await postConfirmation(session, confirmation({ OrderID: '1000002', ConfirmationUnit: 'KG' }));
    expect(unit.status).toBe(400);
    const body = await unit.json();
    expectGatewayError(body, 'RU/505', 'Unit KG is not allowed for order 1000002 (unit PC)');
    expect(body.error.innererror.errordetails[0].propertyref).toBe('A_ProdnOrdConf2/ConfirmationUnit');
  });

  it('rejects quantities that are not decimal strings and properties the entity does not have', async () => {
    for (const bad of [{ ConfirmationYieldQuantity: 'abc' }, { ConfirmationYieldQuantity: 95 }, { ConfirmationScrapQuantity: '1.2345' }, { OrderId: '1000001' }]) {
      const res = await postConfirmation(session, confirmation(bad));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await res.json()).error.code).toBe('/IWBEP/CM_MGW_RT/022');
    }
  });

  it('adds the yield to the operation and the order', async () => {
    const before = await operationYield('1000003');
    const res = await postConfirmation(session, confirmation({ OrderID: '1000003', ConfirmationYieldQuantity: '12.5', ConfirmationScrapQuantity: '0' }));
    expect(res.status).toBe(201);
    const after = await operationYield('1000003');
    expect(Number(after.op) - Number(before.op)).toBeCloseTo(12.5, 3);
    expect(Number(after.order) - Number(before.order)).toBeCloseTo(12.5, 3);
    expect(after.op).toBe('12.500');
  });

  it('finds exactly the posted record by its ExternalSystemConfirmation GUID, by order/operation and by key', async () => {
    const guid = randomUUID();
    const mine = (await (await postConfirmation(session, confirmation({ OrderID: '1000002', ExternalSystemConfirmation: guid }))).json()).d;
    await postConfirmation(session, confirmation({ OrderID: '1000002' }));

    const byGuid = await getJson(`${confService}/ProdnOrdConf2?$filter=${encodeURIComponent(`ExternalSystemConfirmation eq guid'${guid.toUpperCase()}'`)}`);
    expect(byGuid.status).toBe(200);
    expect(byGuid.body.d.results).toHaveLength(1);
    expect(byGuid.body.d.results[0]).toMatchObject({
      ConfirmationGroup: mine.ConfirmationGroup, ConfirmationCount: mine.ConfirmationCount, ExternalSystemConfirmation: guid,
    });
    expect(erp.received.filter((r) => r.externalSystemConfirmation === guid)).toHaveLength(1);

    const byOrder = await getJson(`${confService}/ProdnOrdConf2?$filter=${encodeURIComponent("OrderID eq '1000002' and OrderOperation eq '0010'")}&$select=ConfirmationGroup,ConfirmationCount,ExternalSystemConfirmation`);
    expect(byOrder.body.d.results).toHaveLength(2);
    expect(Object.keys(byOrder.body.d.results[0]).sort()).toEqual(['ConfirmationCount', 'ConfirmationGroup', 'ExternalSystemConfirmation', '__metadata']);

    const byKey = await getJson(`${confService}/ProdnOrdConf2(ConfirmationGroup='${mine.ConfirmationGroup}',ConfirmationCount='${mine.ConfirmationCount}')`);
    expect(byKey.status).toBe(200);
    expect(byKey.body.d.ExternalSystemConfirmation).toBe(guid);
    const missing = await getJson(`${confService}/ProdnOrdConf2(ConfirmationGroup='${mine.ConfirmationGroup}',ConfirmationCount='99999999')`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message.value).toContain('99999999');
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const res = await postConfirmation(session, '{"OrderID": "1000001",');
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('/IWBEP/CM_MGW_RT/020');
    const after = await getJson(`${orderService}/A_ProductionOrder_2('1000001')`);
    expect(after.status).toBe(200);
  });
});

describe('protocol edges', () => {
  it('answers unknown paths and services with 404 Gateway error JSON', async () => {
    for (const path of ['/nope', '/sap/opu/odata/sap/NO_SUCH_SRV/X', `/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/NoSuchSet`]) {
      const res = await getJson(`${erp.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(typeof res.body.error.message.value).toBe('string');
    }
  });

  it('survives hostile requests and keeps serving', async () => {
    const session = await fetchToken();
    const badEncoding = await fetch(`${orderService}/A_ProductionOrder_2('%E0%A4%A')`, { headers: JSON_HEADERS });
    expect(badEncoding.status).toBe(400);
    const badKey = await fetch(`${orderService}/A_ProductionOrder_2('1000001`, { headers: JSON_HEADERS });
    expect(badKey.status).toBeGreaterThanOrEqual(400);
    expect(badKey.status).toBeLessThan(500);
    for (const body of ['[]', 'null', '"text"', '{"OrderID":{"nested":true}}', '{"to_ProdnOrdConfMatlDocItm":5,"OrderID":"1000001","OrderOperation":"0010"}']) {
      const res = await postConfirmation(session, body);
      expect(res.status, body).toBe(400);
      expect((await res.json()).error).toBeDefined();
    }
    const huge = await postConfirmation(session, JSON.stringify({ ConfirmationText: 'x'.repeat(5 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const after = await getJson(`${orderService}/A_ProductionOrder_2('1000001')`);
    expect(after.status).toBe(200);
  });

  it('rejects another sap-client with 400', async () => {
    const res = await getJson(`${orderService}/A_ProductionOrder_2?sap-client=200`);
    expect(res.status).toBe(400);
    expect(res.body.error.message.value).toContain('200');
  });

  it('requires basic auth when credentials are configured', async () => {
    const secured = await startErpSimulator({ username: 'PLANTDESK', password: 's3cret' });
    try {
      const path = `${secured.url}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2`;
      const anonymous = await fetch(path, { headers: JSON_HEADERS });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
      const wrong = await fetch(path, { headers: { ...JSON_HEADERS, Authorization: `Basic ${Buffer.from('PLANTDESK:nope').toString('base64')}` } });
      expect(wrong.status).toBe(401);
      const ok = await fetch(path, { headers: { ...JSON_HEADERS, Authorization: `Basic ${Buffer.from('PLANTDESK:s3cret').toString('base64')}` } });
      expect(ok.status).toBe(200);
    } finally {
      await secured.stop();
    }
  });
});
