// What the router hands to a simulated OData service and what it gets back; services stay free of node:http
// so each one reads as the contract section it implements.
import type { IncomingHttpHeaders } from 'node:http';
import { ERROR_CODES, ODataError, type ServiceIdentity } from './odataError.js';
import { parseKeyPredicate, type Literal } from './odataFilter.js';

/** One path segment after the service root, e.g. A_ProductionOrder_2('1000001') -> name + key. */
export interface Segment {
  readonly name: string;
  readonly key: ReadonlyMap<string, Literal> | undefined;
}

export interface SimRequest {
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly params: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Absolute URL of the service root, used for __metadata.uri and __deferred links. */
  readonly serviceUrl: string;
  /** The authenticated user, or a fixed technical user when auth is off. */
  readonly user: string;
}

export interface SimReply {
  readonly status: number;
  /** Serialised as JSON; omitted for bodiless answers. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A non-JSON payload (the multipart $batch response); takes the place of body. */
  readonly raw?: { readonly contentType: string; readonly text: string };
}

export interface SimService {
  readonly identity: ServiceIdentity;
  handle(request: SimRequest): SimReply;
}

/** Percent-decodes the path segments below the service root. */
export function decodePath(parts: readonly string[]): string[] {
  // A trailing slash (".../API_..._SRV/") addresses the service root, as SAP Cloud SDK's token fetch expects.
  const meaningful = parts.at(-1) === '' ? parts.slice(0, -1) : parts;
  return meaningful.map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new ODataError(400, ERROR_CODES.invalidQuery, `Invalid percent-encoding in path segment ${part}`);
    }
  });
}

const SEGMENT = /^([A-Za-z_$][A-Za-z0-9_]*)(?:\((.*)\))?$/s;

/** Splits the decoded path below the service root; throws 404 for segments that are not OData syntax. */
export function parseSegments(parts: readonly string[]): Segment[] {
  return parts.map((part) => {
    const match = SEGMENT.exec(part);
    if (!match || match[1] === undefined) throw resourceNotFound(part);
    return { name: match[1], key: match[2] === undefined ? undefined : parseKeyPredicate(match[2]) };
  });
}

export function resourceNotFound(segment: string): ODataError {
  return new ODataError(404, ERROR_CODES.notFound, `Resource not found for segment '${segment}'`);
}

export function requireMethod(request: SimRequest, ...allowed: string[]): void {
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (!allowed.includes(method)) {
    throw new ODataError(405, ERROR_CODES.methodNotAllowed, `Method ${request.method} is not allowed on this resource`, {
      headers: { Allow: allowed.join(', ') },
    });
  }
}

/** Reads a single-property or named key: ('x'), (Name='x'). */
export function keyValue(segment: Segment, name: string): string {
  const literal = segment.key?.get(name) ?? (segment.key?.size === 1 ? segment.key.get('') : undefined);
  if (literal === undefined || literal.kind !== 'string') {
    throw new ODataError(400, ERROR_CODES.invalidQuery, `Invalid key predicate for ${segment.name}: expected ${name}='...'`);
  }
  return literal.value;
}

/** OData V2 JSON for a navigation property that was not expanded. */
export function deferred(uri: string): unknown {
  return { __deferred: { uri } };
}

export function serviceDocument(entitySets: readonly string[]): SimReply {
  return { status: 200, body: { d: { EntitySets: entitySets } } };
}
