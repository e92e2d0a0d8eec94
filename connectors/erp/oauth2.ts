// OAuth2 client credentials grant (RFC 6749 section 4.4) for ERPs behind an API gateway or SAP BTP: one token
// shared by all requests, cached until shortly before it expires, fetched again once when the ERP answers 401.
import { z } from 'zod';
import { ErpError } from './adapter.js';
import type { ErpAuth } from './auth.js';
import { transportError } from './httpFailure.js';
import { decodeJson } from './odataJson.js';

export interface OAuth2Options {
  /** Token endpoint, e.g. https://tenant.authentication.eu10.hana.ondemand.com/oauth/token. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Optional space-separated scopes. */
  readonly scope?: string;
  readonly timeoutMs: number;
  readonly fetchImpl: typeof fetch;
  readonly now?: () => number;
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

/** Renew this long before the stated expiry, so a token never expires between our check and the ERP's. */
const EXPIRY_MARGIN_MS = 30_000;
/** A token without expires_in is kept this long; a 401 replaces it earlier if needed. */
const DEFAULT_LIFETIME_MS = 3_600_000;

export function oauth2ClientCredentials(options: OAuth2Options): ErpAuth {
  const now = options.now ?? Date.now;
  let cached: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const action = 'get an access token from the OAuth2 token endpoint';
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope !== undefined) form.set('scope', options.scope);
    // RFC 6749 2.3.1: client id and secret form-encoded, then sent as HTTP basic credentials.
    const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
    let res: Response;
    let body: string;
    try {
      res = await options.fetchImpl(options.tokenUrl, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      body = await res.text();
    } catch (error) {
      // Asking for a token changes nothing in the ERP: never ambiguous.
      throw transportError(error, { action, endpoint: options.tokenUrl, timeoutMs: options.timeoutMs, modifying: false });
    }
    if (res.status !== 200) {
      const said = oauthErrorText(body);
      // Credentials are configuration, not a record's fault: the queue waits (transient) with this message.
      throw new ErpError(
        `The OAuth2 token endpoint ${options.tokenUrl} refused PlantDesk's client credentials (HTTP ${res.status})${said}; check clientId and clientSecret.`,
        'transient',
        { status: res.status },
      );
    }
    const decoded = decodeJson(tokenAnswer, body);
    if (!decoded.ok) {
      throw new ErpError(`The OAuth2 token endpoint ${options.tokenUrl} answered without a usable token (${decoded.problem}).`, 'transient', { status: res.status });
    }
    const lifetimeMs = decoded.data.expires_in === undefined ? DEFAULT_LIFETIME_MS : decoded.data.expires_in * 1000;
    const value = `Bearer ${decoded.data.access_token}`;
    cached = { value, expiresAt: now() + Math.max(0, lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2)) };
    return value;
  }

  function shared(): Promise<string> {
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  return {
    async authorization() {
      if (cached !== undefined && now() < cached.expiresAt) return cached.value;
      return shared();
    },
    async refresh(refused) {
      // Another request may already have replaced the refused token; use that one rather than fetch again.
      if (cached !== undefined && cached.value !== refused && now() < cached.expiresAt) return true;
      cached = undefined;
      await shared();
      return true;
    },
  };
}

function oauthErrorText(body: string): string {
  const parsed = decodeJson(z.object({ error: z.string(), error_description: z.string().optional() }), body);
  if (!parsed.ok) return '';
  return `: ${parsed.data.error}${parsed.data.error_description === undefined ? '' : ` (${parsed.data.error_description})`}`;
}
