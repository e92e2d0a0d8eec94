// OAuth2 client credentials (RFC 6749 4.4) as an API gateway in front of the ERP does it: POST /oauth/token with
// the client's id and secret (basic auth or form fields) gives a bearer token with expires_in; tokens can be
// expired on demand so a client's refresh after 401 is tested.
import { randomBytes } from 'node:crypto';
import { basicAuthUser } from './httpUtil.js';

export const TOKEN_PATH = '/oauth/token';

export interface OAuthOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default 3600. */
  readonly tokenLifetimeS?: number;
}

export interface TokenReply {
  readonly status: number;
  readonly body: unknown;
}

export class OAuthTokens {
  private readonly tokens = new Map<string, number>();
  /** How many tokens were issued; tests check the client cached them. */
  issued = 0;

  constructor(private readonly options: OAuthOptions) {}

  issue(authorization: string | undefined, form: URLSearchParams, now: number = Date.now()): TokenReply {
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' } };
    }
    const { clientId, clientSecret } = this.options;
    // RFC 6749 2.3.1: the id and secret are form-encoded before they go into the basic credentials.
    const viaBasic = basicAuthUser(authorization, encodeURIComponent(clientId), encodeURIComponent(clientSecret)) !== undefined;
    const viaForm = form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
    if (!viaBasic && !viaForm) return { status: 401, body: { error: 'invalid_client', error_description: 'Bad credentials' } };
    const lifetime = this.options.tokenLifetimeS ?? 3600;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, now + lifetime * 1000);
    this.issued += 1;
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: lifetime } };
  }

  isValid(authorization: string | undefined, now: number = Date.now()): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const expiresAt = match?.[1] === undefined ? undefined : this.tokens.get(match[1]);
    return expiresAt !== undefined && now < expiresAt;
  }

  expireAll(): void {
    this.tokens.clear();
  }
}
