// OAuth2 client credentials: the token request's shape, caching until shortly before expiry, one renewal after a
// 401 shared by concurrent requests, and plain messages when the token endpoint refuses.
import { describe, expect, it } from 'vitest';
import { oauth2ClientCredentials } from '../../../../connectors/erp/oauth2.js';
import { fakeFetch, json } from './fakeFetch.js';

const TOKEN_URL = 'https://auth.example.com/oauth/token';

function setUp(clock = { now: 1_000_000 }) {
  const fake = fakeFetch();
  let issued = 0;
  fake.fallback = () => json(200, { access_token: `t${++issued}`, token_type: 'bearer', expires_in: 600 });
  const auth = oauth2ClientCredentials({ tokenUrl: TOKEN_URL, clientId: 'plant desk', clientSecret: 'a:b', timeoutMs: 1000, fetchImpl: fake.fetchImpl, now: () => clock.now });
  return { fake, auth, clock };
}

describe('oauth2ClientCredentials', () => {
  it('asks with grant_type client_credentials and form-encoded basic credentials', async () => {
    const { fake, auth } = setUp();
    expect(await auth.authorization()).toBe('Bearer t1');
    const req = fake.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.body).toBe('grant_type=client_credentials');
    expect(req?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const basic = Buffer.from(req?.headers.get('authorization')?.slice(6) ?? '', 'base64').toString();
    expect(basic).toBe('plant%20desk:a%3Ab');
  });

  it('caches the token until 30 s before it expires', async () => {
    const { fake, auth, clock } = setUp();
    await auth.authorization();
    clock.now += 569_000;
    expect(await auth.authorization()).toBe('Bearer t1');
    clock.now += 2_000;
    expect(await auth.authorization()).toBe('Bearer t2');
    expect(fake.requests).toHaveLength(2);
  });

  it('after a 401 fetches one new token, even when two requests report the same refused one', async () => {
    const { fake, auth } = setUp();
    const refused = await auth.authorization();
    const [a, b] = await Promise.all([auth.refresh(refused), auth.refresh(refused)]);
    expect([a, b]).toEqual([true, true]);
    expect(await auth.authorization()).toBe('Bearer t2');
    expect(fake.requests).toHaveLength(2);
  });

  it('a refused client is transient with the endpoint’s words; a body without a token says what is missing', async () => {
    const { fake, auth } = setUp();
    fake.reply(json(401, { error: 'invalid_client', error_description: 'Bad credentials' }), json(200, { token_type: 'bearer' }));
    await expect(auth.authorization()).rejects.toMatchObject({ kind: 'transient', message: expect.stringContaining('invalid_client (Bad credentials)') });
    await expect(auth.authorization()).rejects.toMatchObject({ kind: 'transient', message: expect.stringContaining('access_token') });
  });
});
