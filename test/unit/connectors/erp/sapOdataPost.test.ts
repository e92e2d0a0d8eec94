// Posting a confirmation (ERP-CONTRACT A.3, A.4): the body SAP receives, the CSRF token and session cookies,
// exactly one renewal on 403 "Required", and the document read from the 201.
import { describe, expect, it } from 'vitest';
import { ErpError } from '../../../../connectors/erp/adapter.js';
import { formatEdmDecimal, postingDateLiteral } from '../../../../connectors/erp/odataJson.js';
import { createSapODataAdapter } from '../../../../connectors/erp/sapOdata.js';
import { BASE_URL, EVENT_ID, confirmation } from './fixtures.js';
import { created, csrfRequired, fakeFetch, tokenResponse } from './fakeFetch.js';

const SERVICE = '/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV';

function setup(options: { sapClient?: string; username?: string; password?: string } = {}) {
  const fake = fakeFetch();
  const erp = createSapODataAdapter({ baseUrl: BASE_URL, fetchImpl: fake.fetchImpl, ...options });
  return { fake, erp };
}

const bodyOf = (body: string | undefined): Record<string, unknown> => JSON.parse(body ?? 'null') as Record<string, unknown>;

describe('request body', () => {
  it('has the A.3 shape', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('tok-1'), created());
    await erp.postConfirmation(confirmation());
    expect(bodyOf(fake.requests[1]?.body)).toEqual({
      OrderID: '1000001',
      Sequence: '0',
      OrderOperation: '0010',
      ConfirmationUnit: 'PC',
      ConfirmationYieldQuantity: '95',
      ConfirmationScrapQuantity: '5',
      IsFinalConfirmation: false,
      FinalConfirmationType: '',
      PostingDate: '/Date(1735689600000)/',
      ExternalSystemConfirmation: EVENT_ID,
      ConfirmationText: `PD:${EVENT_ID}`,
    });
  });

  it('marks a final confirmation with IsFinalConfirmation and FinalConfirmationType X', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('tok-1'), created());
    await erp.postConfirmation(confirmation({ final: true }));
    expect(bodyOf(fake.requests[1]?.body)).toMatchObject({ IsFinalConfirmation: true, FinalConfirmationType: 'X' });
  });

  it('sends quantities as decimal strings without float noise', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('tok-1'), created());
    await erp.postConfirmation(confirmation({ yieldQty: 0.1 + 0.2, scrapQty: 12.5 }));
    expect(bodyOf(fake.requests[1]?.body)).toMatchObject({ ConfirmationYieldQuantity: '0.3', ConfirmationScrapQuantity: '12.5' });
  });

  it('keeps ConfirmationText within 40 characters', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('tok-1'), created());
    await erp.postConfirmation(confirmation());
    const text = bodyOf(fake.requests[1]?.body)['ConfirmationText'] as string;
    expect(text.length).toBeLessThanOrEqual(40);
    expect(text.startsWith('PD:3f2c9a1e')).toBe(true);
  });

  it('refuses a non-GUID event id as business without sending anything', async () => {
    const { fake, erp } = setup();
    const error = await erp.postConfirmation({ ...confirmation(), eventId: "x' or 1 eq 1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpError);
    expect((error as ErpError).kind).toBe('business');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a quantity that does not fit Decimal(13,3) as business', async () => {
    const { erp } = setup();
    await expect(erp.postConfirmation(confirmation({ yieldQty: 1e11 }))).rejects.toMatchObject({ kind: 'business' });
  });
});

describe('formatEdmDecimal', () => {
  it.each([
    [95, '95'],
    [0, '0'],
    [12.5, '12.5'],
    [0.1 + 0.2, '0.3'],
    [1 / 3, '0.333'],
    [2 / 3, '0.667'],
    [1.0004, '1'],
    [0.0001, '0'],
    [1234567.125, '1234567.125'],
    [9_999_999_999.999, '9999999999.999'],
    [-2.5, '-2.5'],
  ])('%d -> %s', (value, expected) => {
    expect(formatEdmDecimal(value)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 1e10])('%d does not fit', (value) => {
    expect(formatEdmDecimal(value)).toBeUndefined();
  });
});

describe('postingDateLiteral', () => {
  it('is the UTC midnight of the day', () => {
    expect(postingDateLiteral('2025-01-01T00:00:00Z')).toBe('/Date(1735689600000)/');
    expect(postingDateLiteral('2025-01-01T23:59:59.999Z')).toBe('/Date(1735689600000)/');
    expect(postingDateLiteral('2025-01-02T00:00:00Z')).toBe('/Date(1735776000000)/');
  });
});

describe('CSRF token and session', () => {
  it('fetches the token with HEAD on the service root and sends it with the cookies', async () => {
    const { fake, erp } = setup({ sapClient: '100' });
    fake.reply(tokenResponse('tok-1', ['SAP_SESSIONID_S4H_100=abc; path=/; HttpOnly', 'sap-usercontext=sap-client=100; path=/']), created());
    const doc = await erp.postConfirmation(confirmation());
    expect(doc).toEqual({ document: '0000000012/00000003', confirmationGroup: '0000000012', confirmationCount: '00000003' });

    const [head, post] = fake.requests;
    expect(head?.method).toBe('HEAD');
    expect(head?.url.pathname).toBe(`${SERVICE}/`);
    expect(head?.url.searchParams.get('sap-client')).toBe('100');
    expect(head?.headers.get('x-csrf-token')).toBe('Fetch');

    expect(post?.method).toBe('POST');
    expect(post?.url.pathname).toBe(`${SERVICE}/ProdnOrdConf2`);
    expect(post?.url.searchParams.get('sap-client')).toBe('100');
    expect(post?.headers.get('x-csrf-token')).toBe('tok-1');
    expect(post?.headers.get('cookie')).toBe('SAP_SESSIONID_S4H_100=abc; sap-usercontext=sap-client=100');
    expect(post?.headers.get('content-type')).toBe('application/json');
    expect(post?.headers.get('accept')).toBe('application/json');
  });

  it('retries the token fetch without the trailing slash when none came back', async () => {
    const { fake, erp } = setup();
    fake.reply(new Response(null, { status: 404 }), tokenResponse('tok-2'), created());
    await erp.postConfirmation(confirmation());
    expect(fake.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([`HEAD ${SERVICE}/`, `HEAD ${SERVICE}`, `POST ${SERVICE}/ProdnOrdConf2`]);
    expect(fake.requests[2]?.headers.get('x-csrf-token')).toBe('tok-2');
  });

  it('caches the token across posts', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('tok-1'), created('1', '1'), created('1', '2'));
    await erp.postConfirmation(confirmation());
    await erp.postConfirmation(confirmation());
    expect(fake.requests.map((r) => r.method)).toEqual(['HEAD', 'POST', 'POST']);
    expect(fake.requests[2]?.headers.get('x-csrf-token')).toBe('tok-1');
  });

  it('on 403 "Required" fetches a new token with a fresh session and retries once', async () => {
    const { fake, erp } = setup();
    fake.reply(
      tokenResponse('old', ['SAP_SESSIONID_S4H_100=old; path=/']),
      csrfRequired(),
      tokenResponse('new', ['SAP_SESSIONID_S4H_100=new; path=/']),
      created(),
    );
    const doc = await erp.postConfirmation(confirmation());
    expect(doc.document).toBe('0000000012/00000003');
    expect(fake.requests.map((r) => r.method)).toEqual(['HEAD', 'POST', 'HEAD', 'POST']);
    expect(fake.requests[2]?.headers.get('cookie')).toBeNull();
    expect(fake.requests[3]?.headers.get('x-csrf-token')).toBe('new');
    expect(fake.requests[3]?.headers.get('cookie')).toBe('SAP_SESSIONID_S4H_100=new');
    expect(fake.requests[3]?.body).toBe(fake.requests[1]?.body);
  });

  it('gives up after exactly one retry when the fresh token is refused too', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('a'), csrfRequired(), tokenResponse('b'), csrfRequired());
    fake.fallback = created();
    await expect(erp.postConfirmation(confirmation())).rejects.toMatchObject({ kind: 'transient', details: { status: 403 } });
    expect(fake.requests.map((r) => r.method)).toEqual(['HEAD', 'POST', 'HEAD', 'POST']);
  });

  it('concurrent posts share one token fetch', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('tok-1'), created('1', '1'), created('1', '2'));
    await Promise.all([erp.postConfirmation(confirmation()), erp.postConfirmation(confirmation())]);
    expect(fake.requests.filter((r) => r.method === 'HEAD')).toHaveLength(1);
  });

  it('drops a cookie the ERP expires', async () => {
    const { fake, erp } = setup();
    fake.reply(
      tokenResponse('tok-1', ['A=1; path=/', 'B=2; path=/']),
      new Response(JSON.stringify({ d: { ConfirmationGroup: '1', ConfirmationCount: '1' } }), {
        status: 201,
        headers: { 'Set-Cookie': 'B=; Max-Age=0; path=/' },
      }),
      created(),
    );
    await erp.postConfirmation(confirmation());
    await erp.postConfirmation(confirmation());
    expect(fake.requests[2]?.headers.get('cookie')).toBe('A=1');
  });
});

describe('authentication', () => {
  it('sends Basic auth on every request when a user is configured', async () => {
    const { fake, erp } = setup({ username: 'PLANTDESK', password: 'sëcret:1' });
    fake.reply(tokenResponse('tok-1'), created());
    await erp.postConfirmation(confirmation());
    const expected = `Basic ${Buffer.from('PLANTDESK:sëcret:1', 'utf8').toString('base64')}`;
    expect(fake.requests.map((r) => r.headers.get('authorization'))).toEqual([expected, expected]);
  });

  it('sends no Authorization header without credentials', async () => {
    const { fake, erp } = setup();
    fake.reply(tokenResponse('tok-1'), created());
    await erp.postConfirmation(confirmation());
    expect(fake.requests.every((r) => !r.headers.has('authorization'))).toBe(true);
  });
});
