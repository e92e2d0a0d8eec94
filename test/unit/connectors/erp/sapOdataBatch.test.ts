// postConfirmations of the SAP adapter without sockets: what goes out in the $batch, and how odd answers are
// classified (every part CSRF-refused, a whole-batch 400, a short answer, a record that cannot be sent).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PostableConfirmation } from '../../../../connectors/erp/adapter.js';
import { createSapODataAdapter } from '../../../../connectors/erp/sapOdata.js';
import { fakeFetch, json, tokenResponse } from './fakeFetch.js';

function item(eventId: string = randomUUID(), yieldQty = 5): PostableConfirmation {
  return {
    eventId,
    correlationId: 'c',
    confirmation: { kind: 'confirmation', plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', yieldQty, scrapQty: 0, unit: 'PC', final: false, end: '2025-03-04T13:45:10.000Z' },
  };
}

function part(status: string, body: string, extra = ''): string {
  return `Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 ${status}\r\nContent-Type: application/json\r\n${extra}\r\n${body}`;
}

function multipart(parts: readonly string[]): Response {
  const body = `${parts.map((p) => `--b\r\n${p}\r\n`).join('')}--b--\r\n`;
  return new Response(body, { status: 202, headers: { 'Content-Type': 'multipart/mixed; boundary=b' } });
}

const created = (group: string): string =>
  `Content-Type: multipart/mixed; boundary=cs\r\n\r\n--cs\r\n${part('201 Created', `{"d":{"ConfirmationGroup":"${group}","ConfirmationCount":"00000001"}}`)}\r\n--cs--`;
const csrfPart = part('403 Forbidden', 'CSRF Token required', 'X-CSRF-Token: Required\r\n');

function adapter() {
  const fake = fakeFetch();
  const erp = createSapODataAdapter({ baseUrl: 'https://s4.test', sapClient: '100', username: 'u', password: 'p', batchSize: 3, fetchImpl: fake.fetchImpl });
  return { fake, erp };
}

describe('SAP postConfirmations', () => {
  it('sends one $batch with a changeset per event and the token and session', async () => {
    const { fake, erp } = adapter();
    fake.reply(tokenResponse('tok'), multipart([created('1'), created('2')]));
    const outcomes = await erp.postConfirmations([item(), item()]);
    expect(outcomes.map((o) => o.ok && o.document.confirmationGroup)).toEqual(['1', '2']);
    const batch = fake.requests[1];
    expect(batch?.url.pathname).toBe('/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV/$batch');
    expect(batch?.url.searchParams.get('sap-client')).toBe('100');
    expect(batch?.headers.get('x-csrf-token')).toBe('tok');
    expect(batch?.headers.get('cookie')).toContain('SAP_SESSIONID');
    expect(batch?.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batch_/);
    expect(batch?.body?.match(/POST ProdnOrdConf2 HTTP\/1\.1/g)).toHaveLength(2);
  });

  it('when every changeset is refused for the token, fetches a new one and sends the batch again once', async () => {
    const { fake, erp } = adapter();
    fake.reply(tokenResponse('old'), multipart([csrfPart, csrfPart]), tokenResponse('new'), multipart([created('1'), created('2')]));
    const outcomes = await erp.postConfirmations([item(), item()]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(fake.requests.map((r) => r.method)).toEqual(['HEAD', 'POST', 'HEAD', 'POST']);
    expect(fake.requests[3]?.headers.get('x-csrf-token')).toBe('new');
  });

  it('a whole-batch 400 gives each item the ERP words as a business failure', async () => {
    const { fake, erp } = adapter();
    fake.reply(tokenResponse('t'), json(400, { error: { code: '/IWBEP/CM_MGW_RT/020', message: { lang: 'en', value: 'Malformed $batch request' } } }));
    const outcomes = await erp.postConfirmations([item(), item()]);
    expect(outcomes).toHaveLength(2);
    for (const o of outcomes) expect(o.ok === false && o.error).toMatchObject({ kind: 'business', message: 'Malformed $batch request' });
  });

  it('an answer with fewer changesets than sent is ambiguous for the whole request', async () => {
    const { fake, erp } = adapter();
    fake.reply(tokenResponse('t'), multipart([created('1')]));
    await expect(erp.postConfirmations([item(), item()])).rejects.toMatchObject({ kind: 'ambiguous', message: expect.stringContaining('1 answers for 2 changesets') });
  });

  it('a record that cannot be expressed fails alone, without being sent; more than maxBatch is refused', async () => {
    const { fake, erp } = adapter();
    fake.reply(tokenResponse('t'), multipart([created('1')]));
    const outcomes = await erp.postConfirmations([item('not-a-guid'), item()]);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { kind: 'business', message: expect.stringContaining('not a GUID') } });
    expect(outcomes[1]?.ok).toBe(true);
    expect(fake.requests[1]?.body?.match(/POST ProdnOrdConf2/g)).toHaveLength(1);
    await expect(erp.postConfirmations([item(), item(), item(), item()])).rejects.toThrow(RangeError);
  });

  it('a 503 for the whole batch is transient with Retry-After', async () => {
    const { fake, erp } = adapter();
    fake.reply(tokenResponse('t'), json(503, {}, { 'Retry-After': '45' }));
    await expect(erp.postConfirmations([item()])).rejects.toMatchObject({ kind: 'transient', details: { status: 503, retryAfterS: 45 } });
  });
});
