// The ERP simulator's $batch (ERP-CONTRACT A.5) over real HTTP: retrieve parts, changesets of confirmations,
// all-or-nothing rollback of a failing changeset, and CSRF on the outer request.
import { randomUUID } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';

let erp: ErpSimulator;
let service: string;
let session: { token: string; cookie: string };

beforeAll(async () => {
  erp = await startErpSimulator();
  service = `${erp.url}/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV`;
  const res = await fetch(`${service}/`, { method: 'HEAD', headers: { 'X-CSRF-Token': 'fetch' } });
  session = {
    token: res.headers.get('x-csrf-token') ?? '',
    cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '),
  };
});

afterAll(async () => {
  await erp.stop();
});

function confirmation(orderId: string, yieldQty: string): string {
  return JSON.stringify({
    OrderID: orderId, OrderOperation: '0010', ConfirmationUnit: 'PC', ConfirmationYieldQuantity: yieldQty,
    ExternalSystemConfirmation: randomUUID(),
  });
}

function postPart(body: string, contentId: string): string {
  return [
    'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${contentId}`, '',
    'POST ProdnOrdConf2 HTTP/1.1', 'Content-Type: application/json', 'Accept: application/json', '', body,
  ].join('\r\n');
}

function batchBody(changesetBodies: string[], withRead = true): string {
  const read = [
    '--batch_1', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
    "GET ProdnOrdConf2?$filter=OrderID%20eq%20'1000001' HTTP/1.1", 'Accept: application/json', '', '',
  ];
  const changeset = [
    '--batch_1', 'Content-Type: multipart/mixed; boundary=changeset_1', '',
    ...changesetBodies.map((body, i) => `--changeset_1\r\n${postPart(body, String(i + 1))}`),
    '--changeset_1--',
  ];
  return [...(withRead ? read : []), ...changeset, '--batch_1--', ''].join('\r\n');
}

function postBatch(body: string, auth = session): Promise<Response> {
  return fetch(`${service}/$batch`, {
    method: 'POST',
    headers: { 'Content-Type': 'multipart/mixed; boundary=batch_1', 'X-CSRF-Token': auth.token, Cookie: auth.cookie },
    body,
  });
}

/** JSON bodies of the embedded responses, in order (every one of ours is a single-line JSON object). */
function embeddedJson(text: string): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any -- loose OData JSON
  return text.split(/\r\n/).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

async function operationYield(): Promise<string> {
  const res = await fetch(`${erp.url}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2('1000002')/to_ProductionOrderOperation`, {
    headers: { Accept: 'application/json' },
  });
  return (await res.json()).d.results[0].OpTotalConfirmedYieldQty;
}

describe('$batch (A.5)', () => {
  it('answers a read and a changeset of two creates with 202 and one response part per operation', async () => {
    const before = erp.received.length;
    const res = await postBatch(batchBody([confirmation('1000001', '10'), confirmation('1000002', '20')]));
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=\S+/);
    const text = await res.text();
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(1);
    expect(text.match(/HTTP\/1\.1 201 Created/g)).toHaveLength(2);
    expect(text).toMatch(/Content-Type: multipart\/mixed; boundary=changeset_/);
    const [read, first, second] = embeddedJson(text);
    expect(Array.isArray(read.d.results)).toBe(true);
    expect(first.d).toMatchObject({ OrderID: '1000001', ConfirmationYieldQuantity: '10.000' });
    expect(second.d).toMatchObject({ OrderID: '1000002', ConfirmationYieldQuantity: '20.000' });
    expect(erp.received.length).toBe(before + 2);
  });

  it('rolls back the whole changeset when one create fails, answering with that error', async () => {
    const before = erp.received.length;
    const yieldBefore = await operationYield();
    const res = await postBatch(batchBody([confirmation('1000002', '7'), confirmation('9999999', '1')], false));
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text).toMatch(/HTTP\/1\.1 400 Bad Request/);
    expect(text).not.toMatch(/201 Created/);
    const [error] = embeddedJson(text);
    expect(error.error.message.value).toBe('Order 9999999 does not exist');
    expect(erp.received.length).toBe(before);
    expect(await operationYield()).toBe(yieldBefore);
  });

  it('needs the CSRF token on the outer request and rejects a body that is not multipart', async () => {
    const forbidden = await postBatch(batchBody([confirmation('1000001', '1')]), { token: 'nope', cookie: session.cookie });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('x-csrf-token')).toBe('Required');
    const malformed = await fetch(`${service}/$batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.token, Cookie: session.cookie },
      body: '{}',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.message.value).toMatch(/multipart\/mixed/);
  });
});
