// Turns a non-2xx answer of SAP Gateway into ErpError: which failures wait and retry (transient), which a
// supervisor must fix (business), and the ERP's own words from the A.8 error JSON for the message.
import { z } from 'zod';
import { ErpError } from './adapter.js';
import { parseRetryAfter } from './httpFailure.js';

const langValue = z.object({ lang: z.string().optional(), value: z.string() });

/** A.8: error.message is {lang,value} in Gateway's output, but parsers in the field also meet an array of them. */
const gatewayError = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.union([langValue, z.array(langValue), z.string()]).optional(),
    innererror: z
      .object({
        errordetails: z
          .array(z.object({ code: z.string().optional(), message: z.string().optional(), severity: z.string().optional() }))
          .optional(),
      })
      .optional(),
  }),
});

export interface GatewayErrorText {
  readonly message?: string;
  readonly erpCode?: string;
}

/** The ERP's message and code from an A.8 body; empty when the body is not that JSON. */
export function parseGatewayError(body: string): GatewayErrorText {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {};
  }
  const parsed = gatewayError.safeParse(json);
  if (!parsed.success) return {};
  const { code, message, innererror } = parsed.data.error;
  const main = mainMessage(message);
  // Gateway often repeats the main text in errordetails, or puts the specific reason only there.
  const detail = innererror?.errordetails?.map((d) => d.message?.trim()).find((m) => m !== undefined && m !== '' && m !== main);
  const text = main === undefined ? detail : detail === undefined ? main : `${main} (${detail})`;
  return { ...(text === undefined ? {} : { message: text }), ...(code === undefined || code === '' ? {} : { erpCode: code }) };
}

function mainMessage(message: z.infer<typeof gatewayError>['error']['message']): string | undefined {
  if (message === undefined) return undefined;
  if (typeof message === 'string') return message.trim() || undefined;
  const entries = Array.isArray(message) ? message : [message];
  const preferred = entries.find((m) => m.lang?.toLowerCase().startsWith('en')) ?? entries[0];
  return preferred?.value.trim() || undefined;
}

export interface FailedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * Classification of an HTTP failure. `modifying` is true for a POST: only there can an intermediary's
 * 502/504 hide a create the ERP already committed.
 */
export function responseError(res: FailedResponse, action: string, modifying: boolean): ErpError {
  const { status } = res;
  const erp = parseGatewayError(res.body);
  const said = erp.message === undefined ? '' : ` The ERP said: ${erp.message}`;
  const details = { status, ...(erp.erpCode === undefined ? {} : { erpCode: erp.erpCode }) };
  const retryAfterS = parseRetryAfter(res.headers.get('retry-after'));
  const withRetry = retryAfterS === undefined ? details : { ...details, retryAfterS };

  if (status === 401) {
    // Not business: the record is fine and the supervisor cannot fix a password by editing it. Kept
    // transient, the records wait in the queue, the health view shows this message, and they drain once
    // IT fixes the credentials; a business kind would flood the exception list with correct records.
    return new ErpError('ERP rejected the credentials (HTTP 401)', 'transient', details);
  }
  if (status === 403) {
    // Same reasoning as 401: a missing role or a CSRF session that would not renew is configuration.
    return new ErpError(`ERP refused access for PlantDesk's user (HTTP 403) when trying to ${action}; check its authorizations.${said}`, 'transient', details);
  }
  if (status === 429) {
    const wait = retryAfterS === undefined ? '' : ` and asked PlantDesk to wait ${retryAfterS} s`;
    return new ErpError(`ERP is busy (HTTP 429, too many requests)${wait}.`, 'transient', withRetry);
  }
  if (status === 408 || status === 423) {
    // 408: the ERP gave up reading the request; 423: the order is locked by someone else for now.
    return new ErpError(`ERP could not ${action} right now (HTTP ${status} ${res.statusText}); PlantDesk will try again.${said}`, 'transient', withRetry);
  }
  if (modifying && (status === 502 || status === 504)) {
    // A proxy in front of the ERP stopped waiting; the ERP behind it may still have committed the create.
    return new ErpError(
      `A gateway in front of the ERP gave up waiting (HTTP ${status}) after PlantDesk sent the request to ${action}. It may have been posted: PlantDesk checks the ERP before sending it again.`,
      'ambiguous',
      withRetry,
    );
  }
  if (status >= 500) {
    const kind = status === 503 ? 'is unavailable (HTTP 503), for example for maintenance' : `had an internal error (HTTP ${status})`;
    return new ErpError(`ERP ${kind}; PlantDesk will try again.${said}`, 'transient', withRetry);
  }
  if (status >= 400) {
    const text = erp.message ?? `ERP rejected the request to ${action} (HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}).`;
    return new ErpError(text, 'business', details);
  }
  // 1xx/3xx: redirects are not followed (a POST must not silently turn into a GET); usually a login page.
  const where = res.headers.get('location');
  return new ErpError(
    `ERP answered HTTP ${status}${where === null ? '' : ` pointing to ${where}`} instead of handling the request to ${action}; check the ERP address and login settings.`,
    'transient',
    details,
  );
}
