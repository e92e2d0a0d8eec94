// CSRF token and session cookies for SAP Gateway's modifying requests (ERP-CONTRACT A.4): fetched once,
// cached, renewed once when the ERP answers 403 "X-CSRF-Token: Required".

/** Session cookies from Set-Cookie; one ERP origin only, so Domain and Path are not tracked. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  absorb(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // Gateway logs a session off by sending the cookie again with an expiry in the past.
      if (attributes.some(isExpiry)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Value for the Cookie request header; undefined when the jar is empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  clear(): void {
    this.cookies.clear();
  }
}

function isExpiry(attribute: string): boolean {
  const [key = '', value = ''] = attribute.split('=', 2).map((s) => s.trim());
  if (/^max-age$/i.test(key)) return Number(value) <= 0;
  if (/^expires$/i.test(key)) {
    const at = Date.parse(value);
    return !Number.isNaN(at) && at <= Date.now();
  }
  return false;
}

/**
 * Sends `HEAD {serviceRoot}/` (or without the slash) with `X-CSRF-Token: Fetch` and the jar's cookies, and
 * returns the answer's headers. Transport failures throw ErpError; HTTP statuses are for the caller to read.
 */
export type TokenProbe = (trailingSlash: boolean) => Promise<Headers>;

export class CsrfToken {
  private token: string | undefined;
  private pending: Promise<string | undefined> | undefined;

  constructor(
    private readonly probe: TokenProbe,
    readonly cookies: CookieJar = new CookieJar(),
  ) {}

  /** The cached token, fetching one first if there is none. Undefined when the ERP hands out none. */
  async get(): Promise<string | undefined> {
    return this.token ?? this.fetchShared();
  }

  /**
   * Replaces `stale` with a fresh token and session. If another request already renewed it meanwhile, its
   * token is used instead, so concurrent posts do not throw away each other's fresh sessions.
   */
  async renew(stale: string | undefined): Promise<string | undefined> {
    if (this.pending) return this.pending;
    if (this.token !== stale) return this.token;
    this.token = undefined;
    // A fresh session: an expired session cookie sent along could be the very reason the token was refused.
    this.cookies.clear();
    return this.fetchShared();
  }

  private fetchShared(): Promise<string | undefined> {
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string | undefined> {
    // The SAP Cloud SDK's order (A.4): with the trailing slash first (on-premise needs it), then without.
    const token = tokenOf(await this.probe(true)) ?? tokenOf(await this.probe(false));
    this.token = token;
    return token;
  }
}

function tokenOf(headers: Headers): string | undefined {
  const value = headers.get('x-csrf-token')?.trim();
  return value === undefined || value === '' || /^(required|fetch)$/i.test(value) ? undefined : value;
}
