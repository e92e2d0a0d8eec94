// How an ERP adapter authenticates each request: HTTP basic, a fixed bearer token, or OAuth2 client credentials
// (oauth2.ts). The HTTP layer asks for the Authorization value and, after a 401, whether a fresh one may help.

export interface ErpAuth {
  /** The Authorization header value for the next request; undefined when the ERP takes none. */
  authorization(): Promise<string | undefined>;
  /**
   * Called once after the ERP answered 401 to `refused`. True when a new credential was obtained, so repeating
   * the request once is worthwhile (an expired OAuth2 token); false when nothing would change (a wrong password).
   */
  refresh(refused: string | undefined): Promise<boolean>;
}

export const NO_AUTH: ErpAuth = {
  authorization: () => Promise.resolve(undefined),
  refresh: () => Promise.resolve(false),
};

export function basicAuth(username: string, password: string): ErpAuth {
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return { authorization: () => Promise.resolve(value), refresh: () => Promise.resolve(false) };
}

export function bearerAuth(token: string): ErpAuth {
  const value = `Bearer ${token}`;
  return { authorization: () => Promise.resolve(value), refresh: () => Promise.resolve(false) };
}
