// The baseline of bench/drain.ts: the simulator's own maximum for confirmations, measured with a bare HTTP client
// (node:http, keep-alive, a CSRF token fetched once) that posts ready-made $batch requests of the same size and
// body as the adapter's, `inFlight` at a time, and only checks the status. No SQLite, no engine, no parsing.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { buildBatch } from '../../connectors/erp/sapBatch.js';
import { CONFIRMATION_SERVICE, confirmationBody } from '../../connectors/erp/sapConfirmations.js';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function send(agent: Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Confirmations posted per second with batches of `batchSize`, `inFlight` requests at a time. */
export async function bareBatchRate(baseUrl: string, events: number, batchSize: number, inFlight: number, orders: readonly string[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  // Bodies built before the clock starts: the client's own cost is only the HTTP exchange.
  const requests: { contentType: string; body: string }[] = [];
  for (let first = 0; first < events; first += batchSize) {
    const bodies = Array.from({ length: Math.min(batchSize, events - first) }, (_, i) => JSON.stringify(confirmationBody({
      eventId: randomUUID(), correlationId: randomUUID(),
      confirmation: { kind: 'confirmation', plant: '1010', line: 'L1', orderId: orders[(first + i) % orders.length]!, operation: '0010', workCenter: 'WC-L1', material: 'FG-100',
        yieldQty: 10, scrapQty: 1, unit: 'PC', final: false, start: '2026-11-24T10:00:00.000Z', end: '2026-11-24T10:01:00.000Z' },
    })));
    requests.push(buildBatch('ProdnOrdConf2', bodies));
  }
  // The token after the bodies: building a million takes longer than the server keeps an idle connection open.
  const service = new URL(`${baseUrl}${CONFIRMATION_SERVICE}/`);
  const head = await send(agent, service, 'HEAD', { 'X-CSRF-Token': 'Fetch', 'sap-client': '100' });
  const token = String(head.headers['x-csrf-token'] ?? '');
  const cookie = ([] as string[]).concat(head.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const batchUrl = new URL(`${baseUrl}${CONFIRMATION_SERVICE}/$batch?sap-client=100`);
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < requests.length; i = next++) {
      const { contentType, body } = requests[i]!;
      const answer = await send(agent, batchUrl, 'POST', { 'Content-Type': contentType, 'X-CSRF-Token': token, Cookie: cookie, 'sap-client': '100', Accept: 'multipart/mixed' }, body);
      if (answer.status !== 202) throw new Error(`baseline: $batch answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return events / seconds;
}
