// node:http plumbing for the simulator: bounded body reading, basic auth, content negotiation and writing
// JSON, text or bodiless replies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { ERROR_CODES, ODataError } from './odataError.js';

/** Large enough for any realistic confirmation batch, small enough that a 10 MB junk message is refused. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Reads the whole body. An oversized one is drained and discarded, then refused with 413: answering while
 * the client is still sending would reset its connection and look like a network fault, not a rejection.
 */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => {
      if (size <= MAX_BODY_BYTES) resolve(Buffer.concat(chunks));
      else reject(new ODataError(413, ERROR_CODES.payloadTooLarge, `Request body exceeds ${MAX_BODY_BYTES} bytes`));
    });
    request.on('error', reject);
  });
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The user name when the Authorization header carries the expected basic credentials, else undefined. */
export function basicAuthUser(header: string | undefined, username: string, password: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match || match[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  // SAP user names are case-insensitive; passwords are not.
  const userOk = sameText(user.toUpperCase(), username.toUpperCase());
  const passwordOk = sameText(decoded.slice(colon + 1), password);
  return userOk && passwordOk ? user : undefined;
}

/**
 * SAP Gateway answers Atom XML unless the client asks for JSON; the simulator only speaks JSON, so a client
 * that forgot to ask is told (406) instead of getting a format a real system would not have sent.
 */
export function checkJsonRequested(accept: string | undefined, format: string | null): void {
  if (format !== null) {
    if (format !== 'json') throw new ODataError(400, ERROR_CODES.invalidQuery, `$format=${format} is not supported: use $format=json`);
    return;
  }
  if (!/\bapplication\/json\b/i.test(accept ?? '')) {
    throw new ODataError(406, ERROR_CODES.notAcceptable, 'Send Accept: application/json (or $format=json): this system would answer with Atom XML');
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string | string[]>>, headOnly = false): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(payload.length),
    DataServiceVersion: '2.0',
  });
  response.end(headOnly ? undefined : payload);
}

export function sendRaw(response: ServerResponse, status: number, contentType: string, text: string, headers: Readonly<Record<string, string | string[]>>): void {
  const payload = Buffer.from(text, 'utf8');
  response.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': String(payload.length) });
  response.end(payload);
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string | string[]>>): void {
  sendRaw(response, status, 'text/plain; charset=utf-8', text, headers);
}
