// POST <service>/$batch (ERP-CONTRACT A.5): retrieve operations and changesets run through the same service
// code as single requests. A changeset is all-or-nothing here (the OData V2 rule); whether SAP's
// confirmation service really rolls back is UNCONFIRMED, so adapters must read back either way.
import { checkJsonRequested } from './httpUtil.js';
import {
  boundaryOf, formatBatchResponse, parseEmbeddedRequest, parseMultipart,
  type BatchResponseItem, type EmbeddedRequest, type EmbeddedResponse, type MimePart,
} from './multipart.js';
import { ERROR_CODES, ODataError, errorBody } from './odataError.js';
import { decodePath, parseSegments, requireMethod, type SimReply, type SimRequest, type SimService } from './service.js';

/** Takes a snapshot of the ERP data and returns the function that restores it. */
export type Snapshot = () => () => void;

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8', DataServiceVersion: '2.0' };

function badBatch(message: string): never {
  throw new ODataError(400, ERROR_CODES.malformedBody, `Malformed $batch request: ${message}`);
}

function contentIdOf(part: MimePart): Record<string, string> {
  const id = part.headers.get('content-id');
  return id === undefined ? {} : { 'Content-ID': id };
}

/** Runs one embedded request; business and protocol errors become its response, like Gateway does. */
function execute(service: SimService, outer: SimRequest, embedded: EmbeddedRequest): EmbeddedResponse {
  try {
    const root = new URL(`${outer.serviceUrl}/`);
    const url = new URL(embedded.target, root);
    if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) {
      badBatch(`${embedded.target} is outside service ${service.identity.serviceId}`);
    }
    const segments = parseSegments(decodePath(url.pathname.slice(root.pathname.length).split('/')));
    if (segments[0]?.name === '$batch') badBatch('$batch cannot be nested');
    const headers = Object.fromEntries(Object.entries(embedded.headers).map(([k, v]) => [k.toLowerCase(), v]));
    if (embedded.method === 'GET') checkJsonRequested(headers.accept, url.searchParams.get('$format'));
    const reply = service.handle({
      ...outer,
      method: embedded.method,
      segments,
      params: url.searchParams,
      headers,
      body: Buffer.from(embedded.body, 'utf8'),
    });
    return { status: reply.status, headers: { ...JSON_TYPE, ...reply.headers }, body: JSON.stringify(reply.body ?? {}) };
  } catch (error) {
    if (!(error instanceof ODataError)) throw error;
    return { status: error.status, headers: { ...JSON_TYPE, ...error.options.headers }, body: JSON.stringify(errorBody(error, service.identity)) };
  }
}

function runChangeset(service: SimService, outer: SimRequest, snapshot: Snapshot, parts: readonly MimePart[]): BatchResponseItem {
  const requests = parts.map((part) => ({ part, request: parseEmbeddedRequest(part) }));
  if (requests.some(({ request }) => request.method === 'GET')) badBatch('a changeset cannot contain retrieve requests');
  const restore = snapshot();
  const responses: { response: EmbeddedResponse; partHeaders: Record<string, string> }[] = [];
  for (const { part, request } of requests) {
    const response = execute(service, outer, request);
    if (response.status >= 400) {
      restore();
      // Gateway answers a failed changeset with the one error response in place of the whole changeset.
      return { kind: 'single', response, partHeaders: contentIdOf(part) };
    }
    responses.push({ response, partHeaders: contentIdOf(part) });
  }
  return { kind: 'changeset', responses };
}

export function handleBatch(service: SimService, request: SimRequest, snapshot: Snapshot): SimReply {
  requireMethod(request, 'POST');
  const contentType = request.headers['content-type'];
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) badBatch(`Content-Type must be multipart/mixed with a boundary, got ${contentType ?? '(none)'}`);
  const items = parseMultipart(request.body.toString('utf8'), boundary).map((part): BatchResponseItem => {
    const changeset = boundaryOf(part.headers.get('content-type'));
    if (changeset !== undefined) return runChangeset(service, request, snapshot, parseMultipart(part.content, changeset));
    const embedded = parseEmbeddedRequest(part);
    if (embedded.method !== 'GET') badBatch(`${embedded.method} must be inside a changeset`);
    return { kind: 'single', response: execute(service, request, embedded), partHeaders: contentIdOf(part) };
  });
  const { contentType: responseType, body } = formatBatchResponse(items);
  return { status: 202, raw: { contentType: responseType, text: body } };
}
