// A fetch()-shaped client over node:http(s) that knows one thing fetch() hides: whether the request had been
// fully handed to the network when it failed. That decides transient (not sent) versus ambiguous (maybe posted).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Set on every error nodeFetch rejects with: true once the whole request (headers and body) was written. */
export interface SentMarker {
  readonly requestSent: boolean;
}

// Keep-alive: a drain of a large backlog must not pay a TCP (and TLS) handshake per request.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 });

/** Statuses that carry no body by definition; Response refuses a body for them. */
const NULL_BODY = new Set([101, 204, 205, 304]);

function markSent<T>(error: T, requestSent: boolean): T {
  if (error instanceof Error) Object.assign(error, { requestSent });
  return error;
}

/** True when the error came from nodeFetch after the request was fully sent; undefined when unknown. */
export function requestSentOf(error: unknown): boolean | undefined {
  const sent = (error as Partial<SentMarker> | null)?.requestSent;
  return typeof sent === 'boolean' ? sent : undefined;
}

/**
 * Supports what the ERP adapters use: method, headers (a plain record), a string body, `signal` for the
 * timeout. Redirects are never followed (as fetch's redirect: 'manual'). Errors carry `requestSent`.
 */
export const nodeFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = init?.method ?? 'GET';
  const headers = Object.fromEntries(new Headers(init?.headers).entries());
  const body = typeof init?.body === 'string' ? Buffer.from(init.body, 'utf8') : undefined;
  if (body !== undefined) headers['content-length'] = String(body.length);
  const signal = init?.signal ?? undefined;
  const https = url.protocol === 'https:';

  return new Promise<Response>((resolve, reject) => {
    let sent = false;
    const req = (https ? httpsRequest : httpRequest)(url, { method, headers, agent: https ? httpsAgent : httpAgent });
    const abort = (): void => {
      const reason: unknown = signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
      req.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    };
    if (signal?.aborted) {
      reject(markSent(signal.reason instanceof Error ? signal.reason : new Error('aborted'), false));
      return;
    }
    signal?.addEventListener('abort', abort, { once: true });
    // 'finish': the last byte was handed to the socket. From then on the ERP may have read and committed it.
    req.on('finish', () => {
      sent = true;
    });
    req.on('error', (error) => {
      signal?.removeEventListener('abort', abort);
      reject(markSent(error, sent));
    });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        signal?.removeEventListener('abort', abort);
        reject(markSent(error, true));
      });
      res.on('aborted', () => {
        signal?.removeEventListener('abort', abort);
        reject(markSent(Object.assign(new Error('the connection closed while the answer was arriving'), { code: 'ECONNRESET' }), true));
      });
      res.on('end', () => {
        signal?.removeEventListener('abort', abort);
        const responseHeaders = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
        const status = res.statusCode ?? 0;
        const text = method === 'HEAD' || NULL_BODY.has(status) ? null : Buffer.concat(chunks);
        resolve(new Response(text, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
      });
    });
    req.end(body);
  });
};
