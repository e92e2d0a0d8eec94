// Data behind the REST JSON simulator (docs/REST-ERP-CONTRACT.md): orders from the demo data, postings stored
// once per Idempotency-Key with their first answer for replay, cancellations, totals per operation.
import { z } from 'zod';
import type { DemoOrder } from '../demoData.js';
import type { PostingJudge } from './confirmationCreate.js';

export interface RestRecord {
  readonly document: string;
  readonly eventId: string;
  readonly orderId: string;
  readonly operation: string;
  readonly yieldQty: number;
  readonly scrapQty: number;
  readonly unit: string;
  cancelled: boolean;
}

export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
}

const postingBody = z.object({
  eventId: z.string().min(1),
  orderId: z.string().min(1),
  operation: z.string().min(1),
  yieldQty: z.number().finite().nonnegative(),
  scrapQty: z.number().finite().nonnegative(),
  unit: z.string().min(1),
  final: z.boolean(),
  end: z.iso.datetime({ offset: true }),
});

function error(status: number, code: string, message: string): RestAnswer {
  return { status, body: { error: { code, message } } };
}

export class RestStore {
  private readonly byKey = new Map<string, { readonly request: string; readonly answer: RestAnswer; readonly record: RestRecord }>();
  readonly records: RestRecord[] = [];
  private lastDocument = 0;

  constructor(private readonly orders: readonly DemoOrder[]) {}

  /** POST /confirmations: stores once per key; a repeat gets the first answer (201 becomes 200). */
  post(key: string | undefined, text: string, judge: PostingJudge): RestAnswer {
    if (key === undefined || key.trim() === '') return error(400, 'idempotency_key_missing', 'The Idempotency-Key header is required');
    const earlier = this.byKey.get(key);
    if (earlier !== undefined) {
      if (earlier.request !== text) return error(409, 'idempotency_key_reused', `Idempotency-Key ${key} was used for a different request`);
      return { status: 200, body: earlier.answer.body };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return error(400, 'invalid_json', 'The request body is not JSON');
    }
    const parsed = postingBody.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return error(400, 'invalid_body', `${issue?.path.join('.') ?? 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    const body = parsed.data;
    if (body.eventId !== key) return error(400, 'key_mismatch', `Idempotency-Key ${key} differs from eventId ${body.eventId}`);
    const order = this.orders.find((o) => o.orderId === body.orderId && o.operation === body.operation.padStart(4, '0'));
    if (order === undefined) return error(404, 'order_not_found', `Order ${body.orderId} operation ${body.operation} does not exist`);
    if (order.status === 'completed') return error(422, 'order_technically_completed', `Order ${order.orderId} is technically completed`);
    if (body.unit.toUpperCase() !== order.unit) return error(422, 'unit_not_allowed', `Unit ${body.unit} is not allowed for order ${order.orderId} (unit ${order.unit})`);
    const rejection = judge({
      orderId: order.orderId,
      plant: order.plant,
      postingDate: Date.parse(body.end),
      yieldQty: body.yieldQty,
      unit: order.unit,
      orderQuantity: order.quantity,
      confirmedYield: this.confirmedYield(order.orderId, order.operation),
    });
    if (rejection !== undefined) return error(422, rejection.code, rejection.message);

    this.lastDocument += 1;
    const record: RestRecord = {
      document: `CNF-${String(this.lastDocument).padStart(6, '0')}`,
      eventId: key,
      orderId: order.orderId,
      operation: order.operation,
      yieldQty: body.yieldQty,
      scrapQty: body.scrapQty,
      unit: order.unit,
      cancelled: false,
    };
    this.records.push(record);
    const answer = { status: 201, body: record };
    this.byKey.set(key, { request: text, answer: { status: 201, body: { ...record } }, record });
    return answer;
  }

  find(key: string): RestAnswer {
    const found = this.byKey.get(key);
    return found === undefined ? error(404, 'not_found', `No confirmation with key ${key}`) : { status: 200, body: found.record };
  }

  totals(orderId: string): RestAnswer {
    const operations = this.orders.filter((o) => o.orderId === orderId);
    if (operations.length === 0) return error(404, 'order_not_found', `Order ${orderId} does not exist`);
    return {
      status: 200,
      body: {
        orderId,
        operations: operations.map((o) => ({ operation: o.operation, confirmedYieldQty: this.confirmedYield(orderId, o.operation) })),
        confirmations: this.records.filter((r) => r.orderId === orderId),
      },
    };
  }

  released(plant: string | null): RestAnswer {
    const orders = this.orders
      .filter((o) => o.status === 'released' && (plant === null || o.plant === plant))
      .map((o) => {
        const confirmed = this.confirmedYield(o.orderId, o.operation);
        return {
          orderId: o.orderId, plant: o.plant, material: o.material, quantity: o.quantity, unit: o.unit,
          released: true, technicallyCompleted: false, confirmedYieldQty: confirmed,
          operations: [{ operation: o.operation, workCenter: o.workCenter, unit: o.unit, plannedQty: o.quantity, confirmedYieldQty: confirmed }],
        };
      });
    return { status: 200, body: { orders } };
  }

  cancel(target: { readonly document?: string; readonly key?: string }): { readonly document: string } | { readonly error: string } {
    const record = this.records.find((r) => !r.cancelled && (target.document === undefined || r.document === target.document) && (target.key === undefined || r.eventId === target.key));
    if (record === undefined) return { error: `no uncancelled confirmation ${target.document ?? ''}${target.key ?? ''}` };
    record.cancelled = true;
    return { document: record.document };
  }

  private confirmedYield(orderId: string, operation: string): number {
    return this.records.filter((r) => r.orderId === orderId && r.operation === operation && !r.cancelled).reduce((sum, r) => sum + r.yieldQty, 0);
  }
}
