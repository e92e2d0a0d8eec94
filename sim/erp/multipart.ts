// multipart/mixed reading and writing for OData V2 $batch (ERP-CONTRACT A.5): parts, their MIME headers and
// the embedded HTTP requests and responses (application/http, binary transfer encoding).
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { ERROR_CODES, ODataError } from './odataError.js';

export interface MimePart {
  /** Lower-case header names. */
  readonly headers: ReadonlyMap<string, string>;
  readonly content: string;
}

export interface EmbeddedRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface EmbeddedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function malformed(message: string): never {
  throw new ODataError(400, ERROR_CODES.malformedBody, `Malformed $batch request: ${message}`);
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!/^multipart\/mixed\b/i.test(contentType ?? '')) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

/** Header block up to the first empty line, then the rest. Lines are already LF-separated. */
function splitHeaders(text: string): { headers: Map<string, string>; rest: string } {
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of head.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) malformed(`invalid header line "${line}"`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, rest: end < 0 ? '' : text.slice(end + 2) };
}

/** Splits a multipart body on its boundary. CRLF and bare LF are both accepted, as lenient servers do. */
export function parseMultipart(body: string, boundary: string): MimePart[] {
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  const parts: MimePart[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}` || trimmed === `--${boundary}--`) {
      if (current !== undefined) {
        const { headers, rest } = splitHeaders(current.join('\n'));
        parts.push({ headers, content: rest.replace(/\n$/, '') });
      }
      closed = trimmed.endsWith('--');
      current = closed ? undefined : [];
      if (closed) break;
    } else if (current !== undefined) {
      current.push(line);
    }
  }
  if (!closed) malformed(`missing closing delimiter --${boundary}--`);
  return parts;
}

/** "POST ProdnOrdConf2 HTTP/1.1", headers, empty line, body. */
export function parseEmbeddedRequest(part: MimePart): EmbeddedRequest {
  if (!/^application\/http\b/i.test(part.headers.get('content-type') ?? '')) {
    malformed('an operation part must have Content-Type: application/http');
  }
  const newline = part.content.indexOf('\n');
  const requestLine = (newline < 0 ? part.content : part.content.slice(0, newline)).trim();
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (!match || match[1] === undefined || match[2] === undefined) malformed(`invalid request line "${requestLine}"`);
  const { headers, rest } = splitHeaders(newline < 0 ? '' : part.content.slice(newline + 1));
  return { method: match[1], target: match[2], headers: Object.fromEntries(headers), body: rest };
}

function formatEmbeddedResponse(response: EmbeddedResponse, partHeaders: Readonly<Record<string, string>>): string {
  const statusText = STATUS_CODES[response.status] ?? 'Unknown';
  const mime = Object.entries({ 'Content-Type': 'application/http', 'Content-Transfer-Encoding': 'binary', ...partHeaders });
  const http = Object.entries({ ...response.headers, 'Content-Length': String(Buffer.byteLength(response.body)) });
  return [
    ...mime.map(([k, v]) => `${k}: ${v}`),
    '',
    `HTTP/1.1 ${response.status} ${statusText}`,
    ...http.map(([k, v]) => `${k}: ${v}`),
    '',
    response.body,
  ].join('\r\n');
}

export type BatchResponseItem =
  | { readonly kind: 'single'; readonly response: EmbeddedResponse; readonly partHeaders?: Readonly<Record<string, string>> }
  | { readonly kind: 'changeset'; readonly responses: readonly { response: EmbeddedResponse; partHeaders: Readonly<Record<string, string>> }[] };

/** The $batch response body and its Content-Type. */
export function formatBatchResponse(items: readonly BatchResponseItem[]): { contentType: string; body: string } {
  const boundary = `batch_${randomUUID()}`;
  const chunks = items.map((item) => {
    if (item.kind === 'single') return formatEmbeddedResponse(item.response, item.partHeaders ?? {});
    const inner = `changeset_${randomUUID()}`;
    const parts = item.responses.map(({ response, partHeaders }) => `--${inner}\r\n${formatEmbeddedResponse(response, partHeaders)}\r\n`);
    return `Content-Type: multipart/mixed; boundary=${inner}\r\n\r\n${parts.join('')}--${inner}--`;
  });
  const body = `${chunks.map((chunk) => `--${boundary}\r\n${chunk}\r\n`).join('')}--${boundary}--\r\n`;
  return { contentType: `multipart/mixed; boundary=${boundary}`, body };
}
