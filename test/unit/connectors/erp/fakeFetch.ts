// A scripted stand-in for fetch: records every request and answers from a queue, so the SAP adapter's
// protocol logic is tested without sockets.

export interface RecordedRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
}

/** One scripted answer: a Response, an error to reject with, or a function of the request. */
export type Reply = Response | Error | ((req: RecordedRequest) => Response | Error | Promise<Response | Error>);

export interface FakeFetch {
  readonly fetchImpl: typeof fetch;
  readonly requests: RecordedRequest[];
  /** Queues answers in order; when the queue is empty, `fallback` answers (default: 500 "unscripted"). */
  reply(...replies: Reply[]): FakeFetch;
  fallback: Reply;
}

export function fakeFetch(): FakeFetch {
  const queue: Reply[] = [];
  const requests: RecordedRequest[] = [];
  const fake: FakeFetch = {
    requests,
    fallback: () => new Response('unscripted request', { status: 500 }),
    reply(...replies) {
      queue.push(...replies);
      return fake;
    },
    fetchImpl: (async (input: string | URL | Request, init?: RequestInit) => {
      const req: RecordedRequest = {
        url: new URL(input instanceof Request ? input.url : String(input)),
        method: init?.method ?? 'GET',
        headers: new Headers(init?.headers),
        body: typeof init?.body === 'string' ? init.body : undefined,
      };
      requests.push(req);
      const next = queue.shift() ?? fake.fallback;
      const answer = typeof next === 'function' ? await next(req) : next;
      if (answer instanceof Error) throw answer;
      return answer;
    }) as typeof fetch,
  };
  return fake;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** Answer to the token fetch: a token plus session cookies. */
export function tokenResponse(token: string, cookies: readonly string[] = ['SAP_SESSIONID_S4H_100=abc; path=/; HttpOnly']): Response {
  const headers = new Headers({ 'X-CSRF-Token': token });
  for (const cookie of cookies) headers.append('Set-Cookie', cookie);
  return new Response(null, { status: 200, headers });
}

export function csrfRequired(): Response {
  return new Response('CSRF Token required', { status: 403, headers: { 'X-CSRF-Token': 'Required' } });
}

export function created(group = '0000000012', count = '00000003'): Response {
  return json(201, { d: { ConfirmationGroup: group, ConfirmationCount: count, OrderID: '1000001' } });
}

/** A socket-level failure as Node's fetch reports it: TypeError('fetch failed') with the system error as cause. */
export function networkError(code: string, message = `${code} (simulated)`): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

export function timeoutError(): Error {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/** A.8 error body; `message` may be given as the object or the array shape. */
export function gatewayError(code: string, message: unknown, details: readonly string[] = []): unknown {
  return {
    error: {
      code,
      message,
      innererror: {
        transactionid: '4FDF3748112322F4E10000000A420C41',
        errordetails: details.map((m) => ({ code, message: m, propertyref: '', severity: 'error' })),
      },
    },
  };
}
