// OData V2 $batch for confirmations (ERP-CONTRACT A.5): one changeset per event, so one rejected confirmation
// rolls back only itself. Builds the multipart/mixed request and reads the answer back into one HTTP response
// per changeset, in order. Written from the contract, not shared with sim/erp.
import { randomUUID } from 'node:crypto';

export interface BatchPart {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: string;
}

export interface BatchRequest {
  readonly contentType: string;
  readonly body: string;
}

const CRLF = '\r\n';

/** One changeset per JSON body, each a `POST {entitySet}`. */
export function buildBatch(entitySet: string, bodies: readonly string[]): BatchRequest {
  const batch = `batch_${randomUUID()}`;
  const chunks = bodies.map((json, index) => {
    const changeset = `changeset_${randomUUID()}`;
    return [
      `--${batch}`,
      `Content-Type: multipart/mixed; boundary=${changeset}`,
      '',
      `--${changeset}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      `Content-ID: ${index + 1}`,
      '',
      `POST ${entitySet} HTTP/1.1`,
      'Content-Type: application/json',
      'Accept: application/json',
      `Content-Length: ${Buffer.byteLength(json, 'utf8')}`,
      '',
      json,
      `--${changeset}--`,
      '',
    ].join(CRLF);
  });
  return { contentType: `multipart/mixed; boundary=${batch}`, body: `${chunks.join('')}--${batch}--${CRLF}` };
}

export function boundaryOf(contentType: string | null): string | undefined {
  if (contentType === null || !/^\s*multipart\/mixed\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

interface MimePart {
  readonly headers: Headers;
  readonly content: string;
}

/** Parts between `--boundary` lines up to `--boundary--`; throws when the closing delimiter is missing. */
export function splitMultipart(body: string, boundary: string): MimePart[] {
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  const parts: MimePart[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}` || trimmed === `--${boundary}--`) {
      if (current !== undefined) parts.push(mimePart(current));
      if (trimmed.endsWith('--')) return parts;
      current = [];
    } else {
      current?.push(line);
    }
  }
  throw new Error(`the multipart answer has no closing --${boundary}--`);
}

function mimePart(lines: readonly string[]): MimePart {
  const blank = lines.findIndex((line) => line.trim() === '');
  const headerLines = blank < 0 ? lines : lines.slice(0, blank);
  const content = blank < 0 ? '' : lines.slice(blank + 1).join('\n');
  return { headers: headersOf(headerLines), content: content.replace(/\n$/, '') };
}

function headersOf(lines: readonly string[]): Headers {
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** `HTTP/1.1 201 Created`, headers, blank line, body: an application/http part of the answer. */
function embeddedResponse(part: MimePart): BatchPart {
  const lines = part.content.split('\n');
  const statusLine = lines.findIndex((line) => line.trim() !== '');
  const match = /^HTTP\/1\.[01] (\d{3})\s*(.*)$/.exec(lines[statusLine]?.trim() ?? '');
  if (!match) throw new Error(`an answer part has no HTTP status line (found "${lines[statusLine]?.trim() ?? ''}")`);
  const { headers, content } = mimePart(lines.slice(statusLine + 1));
  return { status: Number(match[1]), statusText: match[2] ?? '', headers, body: content };
}

/**
 * One response per changeset of the request, in order. A successful changeset answers as a nested multipart
 * (here with its one operation); a failed one as a single application/http part carrying the error (S6).
 * Throws with a plain reason when the answer does not have that shape.
 */
export function parseBatchResponse(contentType: string | null, body: string): BatchPart[] {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) throw new Error(`the answer is ${contentType ?? 'without a Content-Type'}, not multipart/mixed`);
  return splitMultipart(body, boundary).map((part) => {
    const inner = boundaryOf(part.headers.get('content-type'));
    if (inner === undefined) return embeddedResponse(part);
    const responses = splitMultipart(part.content, inner).map(embeddedResponse);
    const first = responses[0];
    if (first === undefined) throw new Error('a changeset answer is empty');
    // One operation per changeset: a second answer would mean the ERP split or merged our changesets.
    if (responses.length !== 1) throw new Error(`a changeset answer holds ${responses.length} responses instead of 1`);
    return first;
  });
}
