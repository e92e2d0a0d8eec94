// Transport failures of any HTTP-based ERP adapter turned into ErpError: was the request certainly not sent
// (transient), or may the ERP have received it (ambiguous, read back first)? Plus Retry-After parsing.
import { ErpError } from './adapter.js';
import { requestSentOf } from './nodeFetch.js';

/**
 * Error codes raised before a single byte of the request left the machine: name resolution, connect,
 * TLS handshake. Anything else (a reset, "other side closed", a timeout) may come after the ERP read it.
 */
const NOT_SENT_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused (is the ERP running and the address right?)',
  ENOTFOUND: 'the host name could not be found',
  EAI_AGAIN: 'the host name could not be resolved (DNS is not answering)',
  EAI_NONAME: 'the host name could not be found',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  EHOSTDOWN: 'the host is down',
  ENETDOWN: 'the network is down',
  EADDRNOTAVAIL: 'the address is not available',
  UND_ERR_CONNECT_TIMEOUT: 'the connection could not be opened in time',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate issuer is not trusted',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not match the host name',
  ERR_INVALID_URL: 'the configured address is not a valid URL',
  // Not a system code: fetch refuses ports on the WHATWG "bad port" list before connecting.
  BAD_PORT: 'fetch does not allow this port; configure another one',
};

export interface TransportContext {
  /** What was being done, in plain words, e.g. "post the confirmation". */
  readonly action: string;
  readonly endpoint: string;
  readonly timeoutMs: number;
  /** True when repeating the request could change data in the ERP (POST); GET failures are never ambiguous. */
  readonly modifying: boolean;
}

/** Classifies a rejection of fetch() or of reading its body. */
export function transportError(error: unknown, ctx: TransportContext): ErpError {
  const code = errorCode(error);
  const reason = code === undefined ? undefined : NOT_SENT_CODES[code];
  if (reason !== undefined) {
    return new ErpError(`Could not reach the ERP at ${ctx.endpoint} to ${ctx.action}: ${reason}.`, 'transient');
  }
  const timedOut = isTimeout(error);
  const what = timedOut
    ? `The ERP did not answer within ${Math.round(ctx.timeoutMs / 1000)} s`
    : `The connection to the ERP broke (${describe(error, code)})`;
  if (!ctx.modifying) return new ErpError(`${what} while trying to ${ctx.action}; PlantDesk will try again.`, 'transient');
  // nodeFetch knows whether the last byte of the request had left; a request cut off before that cannot have
  // been processed (the ERP never saw a complete request). Unknown (another fetch): assume it may have been.
  if (requestSentOf(error) === false) {
    return new ErpError(`${what} before PlantDesk had finished sending the request to ${ctx.action}; it was not posted and PlantDesk will try again.`, 'transient');
  }
  return new ErpError(
    `${what} after PlantDesk sent the request to ${ctx.action}. It may have been posted: PlantDesk checks the ERP before sending it again.`,
    'ambiguous',
  );
}

/**
 * Retry-After as whole seconds from now: either delta-seconds ("60") or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse also accepts bare numbers and other loose forms; an HTTP date always names a weekday or month.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** Node's fetch wraps the socket error as TypeError('fetch failed', { cause }); the code sits on the cause. */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current.message === 'bad port') return 'BAD_PORT';
    // Happy eyeballs (several addresses tried) reports an AggregateError of the per-address failures.
    current = current instanceof AggregateError ? current.errors[0] : current.cause;
  }
  return undefined;
}

function describe(error: unknown, code: string | undefined): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
