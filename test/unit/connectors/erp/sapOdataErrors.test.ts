// Error classification of the SAP OData adapter: every failure lands in the right kind (transient, business,
// ambiguous) with the ERP's words, because the sync engine retries, escalates or reads back on that alone.
import { describe, expect, it } from 'vitest';
import { ErpError } from '../../../../connectors/erp/adapter.js';
import type { ErpFailureKind } from '../../../../connectors/erp/adapter.js';
import { parseRetryAfter } from '../../../../connectors/erp/httpFailure.js';
import { createSapODataAdapter } from '../../../../connectors/erp/sapOdata.js';
import { BASE_URL, confirmation } from './fixtures.js';
import { fakeFetch, gatewayError, json, networkError, timeoutError, tokenResponse } from './fakeFetch.js';
import type { Reply } from './fakeFetch.js';

async function failure(promise: Promise<unknown>): Promise<ErpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErpError);
  return error as ErpError;
}

/** Posts once with a token already granted, the POST answered by `reply`. */
async function postFailure(reply: Reply): Promise<ErpError> {
  const fake = fakeFetch().reply(tokenResponse('tok-1'), reply);
  const erp = createSapODataAdapter({ baseUrl: BASE_URL, fetchImpl: fake.fetchImpl });
  return failure(erp.postConfirmation(confirmation()));
}

async function getFailure(reply: Reply): Promise<ErpError> {
  const fake = fakeFetch().reply(reply);
  const erp = createSapODataAdapter({ baseUrl: BASE_URL, fetchImpl: fake.fetchImpl });
  return failure(erp.fetchReleasedOrders('1010'));
}

const text = (status: number, body = '', headers: Record<string, string> = {}): Response =>
  new Response(body, { status, headers: { 'Content-Type': 'text/plain', ...headers } });

describe('classification matrix', () => {
  const cases: ReadonlyArray<readonly [string, () => Reply, ErpFailureKind, ErpFailureKind]> = [
    // name, reply, kind for the POST, kind for a GET
    ['connection refused', () => networkError('ECONNREFUSED'), 'transient', 'transient'],
    ['DNS failure', () => networkError('ENOTFOUND'), 'transient', 'transient'],
    ['connect timeout', () => networkError('UND_ERR_CONNECT_TIMEOUT'), 'transient', 'transient'],
    ['every address refused', () => new TypeError('fetch failed', { cause: new AggregateError([networkError('ECONNREFUSED').cause]) }), 'transient', 'transient'],
    ['a port fetch blocks', () => new TypeError('fetch failed', { cause: new Error('bad port') }), 'transient', 'transient'],
    ['reset after sending', () => networkError('ECONNRESET'), 'ambiguous', 'transient'],
    ['socket closed by the other side', () => networkError('UND_ERR_SOCKET', 'other side closed'), 'ambiguous', 'transient'],
    ['timeout', () => timeoutError(), 'ambiguous', 'transient'],
    ['HTTP 500', () => text(500, 'boom'), 'transient', 'transient'],
    ['HTTP 503', () => text(503), 'transient', 'transient'],
    ['HTTP 502 from a proxy', () => text(502), 'ambiguous', 'transient'],
    ['HTTP 504 from a proxy', () => text(504), 'ambiguous', 'transient'],
    ['HTTP 429', () => text(429), 'transient', 'transient'],
    ['HTTP 401', () => text(401), 'transient', 'transient'],
    ['HTTP 403 without CSRF header', () => text(403, 'no authorization'), 'transient', 'transient'],
    ['HTTP 423 locked', () => text(423), 'transient', 'transient'],
    ['HTTP 302 to a login page', () => new Response(null, { status: 302, headers: { Location: '/login' } }), 'transient', 'transient'],
    ['HTTP 400 with error JSON', () => json(400, gatewayError('RU/103', { lang: 'en', value: 'Order 9999999 does not exist' })), 'business', 'business'],
    ['HTTP 404 without JSON', () => text(404, '<html>not found</html>'), 'business', 'business'],
  ];

  it.each(cases)('%s: POST -> %s', async (_name, reply, postKind) => {
    expect((await postFailure(reply())).kind).toBe(postKind);
  });

  it.each(cases)('%s: GET -> never ambiguous', async (_name, reply, _postKind, getKind) => {
    expect((await getFailure(reply())).kind).toBe(getKind);
  });

  it('a 201 whose body cannot be read is ambiguous: the confirmation was posted', async () => {
    const error = await postFailure(text(201, 'not json'));
    expect(error.kind).toBe('ambiguous');
    expect(error.details.status).toBe(201);
  });

  it('a failed token fetch is transient: nothing was posted yet', async () => {
    const fake = fakeFetch().reply(timeoutError());
    const erp = createSapODataAdapter({ baseUrl: BASE_URL, fetchImpl: fake.fetchImpl });
    expect((await failure(erp.postConfirmation(confirmation()))).kind).toBe('transient');
    expect(fake.requests.map((r) => r.method)).toEqual(['HEAD']);
  });

  it('401 on the token fetch stops before posting, with the credentials message', async () => {
    const fake = fakeFetch().reply(text(401));
    const erp = createSapODataAdapter({ baseUrl: BASE_URL, fetchImpl: fake.fetchImpl });
    const error = await failure(erp.postConfirmation(confirmation()));
    expect(error).toMatchObject({ kind: 'transient', message: 'ERP rejected the credentials (HTTP 401)', details: { status: 401 } });
    expect(fake.requests).toHaveLength(1);
  });

  it('a real AbortSignal timeout after sending a POST is ambiguous, and on a GET transient', async () => {
    // Stands in for an ERP that got the request and never answers: only the adapter's own signal ends it.
    const waitForAbort = (init?: RequestInit): Promise<Response> =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    let calls = 0;
    const fetchImpl = (async (_input: string | URL | Request, init?: RequestInit) => {
      calls += 1;
      if (init?.method === 'HEAD') return tokenResponse('tok');
      return waitForAbort(init);
    }) as typeof fetch;
    const erp = createSapODataAdapter({ baseUrl: BASE_URL, timeoutMs: 30, fetchImpl });
    const posted = await failure(erp.postConfirmation(confirmation()));
    expect(posted.kind).toBe('ambiguous');
    expect(posted.message).toMatch(/did not answer within/);
    expect((await failure(erp.fetchReleasedOrders('1010'))).kind).toBe('transient');
    expect(calls).toBe(3);
  });
});

describe('messages and details', () => {
  it('business: the ERP message from the object shape, and its code', async () => {
    const error = await postFailure(json(400, gatewayError('RU/137', { lang: 'en', value: 'Order 1000009 is technically completed' })));
    expect(error).toMatchObject({ kind: 'business', message: 'Order 1000009 is technically completed', details: { status: 400, erpCode: 'RU/137' } });
  });

  it('business: the ERP message from the array shape', async () => {
    const body = gatewayError('RU/505', [{ lang: 'de', value: 'Einheit nicht erlaubt' }, { lang: 'en', value: 'Unit KG is not allowed' }]);
    const error = await postFailure(json(400, body));
    expect(error).toMatchObject({ kind: 'business', message: 'Unit KG is not allowed', details: { erpCode: 'RU/505' } });
  });

  it('adds the first error detail when it says something else, and skips one that repeats the message', async () => {
    const body = gatewayError('/IWBEP/CM_MGW_RT/022', { lang: 'en', value: 'Posting period closed' }, [
      'Posting period closed',
      'Posting period 001/2025 is not open for company code 1010',
      'a third detail',
    ]);
    const error = await postFailure(json(400, body));
    expect(error.message).toBe('Posting period closed (Posting period 001/2025 is not open for company code 1010)');
  });

  it('business without JSON: the HTTP status in plain words', async () => {
    const error = await postFailure(new Response('<html/>', { status: 404, statusText: 'Not Found' }));
    expect(error).toMatchObject({ kind: 'business', details: { status: 404 } });
    expect(error.message).toBe('ERP rejected the request to post the confirmation (HTTP 404 Not Found).');
  });

  it('transient connection refused names the address', async () => {
    const error = await getFailure(networkError('ECONNREFUSED'));
    expect(error.message).toContain(BASE_URL);
    expect(error.message).toContain('refused');
  });

  it('503 keeps the ERP message and the Retry-After', async () => {
    const body = gatewayError('/IWFND/CM_BEC/076', { lang: 'en', value: 'System is in maintenance' });
    const error = await postFailure(json(503, body, { 'Retry-After': '120' }));
    expect(error).toMatchObject({ kind: 'transient', details: { status: 503, retryAfterS: 120 } });
    expect(error.message).toContain('System is in maintenance');
  });

  it('429 carries retryAfterS from seconds', async () => {
    const error = await getFailure(text(429, '', { 'Retry-After': '60' }));
    expect(error.details).toEqual({ status: 429, retryAfterS: 60 });
    expect(error.message).toContain('wait 60 s');
  });

  it('429 carries retryAfterS from an HTTP date', async () => {
    const at = new Date(Date.now() + 90_000).toUTCString();
    const error = await getFailure(text(429, '', { 'Retry-After': at }));
    expect(error.details.retryAfterS).toBeGreaterThanOrEqual(88);
    expect(error.details.retryAfterS).toBeLessThanOrEqual(90);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  it.each([
    ['60', 60],
    [' 0 ', 0],
    ['Wed, 01 Jan 2025 12:01:30 GMT', 90],
    ['Wed, 01 Jan 2025 11:00:00 GMT', 0],
    ['1.5', undefined],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
  ] as const)('%j -> %j', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it('absent header -> undefined', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
