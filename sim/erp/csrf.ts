// CSRF protection as SAP Gateway does it (ERP-CONTRACT A.4): a token fetched with `X-CSRF-Token: fetch` is
// bound to the session cookie set with it; modifying requests must bring both back.
import { randomBytes } from 'node:crypto';

export interface CsrfFetchResult {
  readonly token: string;
  /** Set-Cookie values: the session cookie and sap-usercontext, as an ABAP server sends them. */
  readonly setCookies: readonly string[];
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // sap-usercontext's value itself contains "=", so only the first one separates name and value.
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

export class CsrfSessions {
  /** Session id -> token. Clearing it is how tokens "expire": the session is gone with them. */
  private readonly tokens = new Map<string, string>();

  constructor(
    /** e.g. SAP_SESSIONID_SIM_100 */
    readonly cookieName: string,
    private readonly sapClient: string,
  ) {}

  /** Returns the session's token when the request already carries a live session, else opens a new one. */
  fetch(cookieHeader: string | undefined): CsrfFetchResult {
    let sessionId = parseCookies(cookieHeader).get(this.cookieName);
    let token = sessionId === undefined ? undefined : this.tokens.get(sessionId);
    if (sessionId === undefined || token === undefined) {
      sessionId = randomBytes(24).toString('base64url');
      // SAP tokens look like 24 base64 characters ending in "==": keep that shape so quoting bugs show up.
      token = randomBytes(16).toString('base64');
      this.tokens.set(sessionId, token);
    }
    return {
      token,
      setCookies: [
        `${this.cookieName}=${sessionId}; path=/; HttpOnly`,
        `sap-usercontext=sap-client=${this.sapClient}; path=/`,
      ],
    };
  }

  isValid(cookieHeader: string | undefined, tokenHeader: string | undefined): boolean {
    if (tokenHeader === undefined || tokenHeader === '') return false;
    const sessionId = parseCookies(cookieHeader).get(this.cookieName);
    return sessionId !== undefined && this.tokens.get(sessionId) === tokenHeader;
  }

  expireAll(): void {
    this.tokens.clear();
  }
}
