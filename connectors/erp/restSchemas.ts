// The JSON shapes of docs/REST-ERP-CONTRACT.md on PlantDesk's side: the request body built from a canonical
// confirmation and zod schemas of the answers, so a wrong answer is reported by field, not as a crash.
import { z } from 'zod';
import type { PostableConfirmation } from './adapter.js';

export function toRestBody(item: PostableConfirmation): Record<string, unknown> {
  const c = item.confirmation;
  return {
    eventId: item.eventId,
    correlationId: item.correlationId,
    plant: c.plant,
    line: c.line,
    orderId: c.orderId,
    operation: c.operation,
    ...(c.workCenter === undefined ? {} : { workCenter: c.workCenter }),
    ...(c.material === undefined ? {} : { material: c.material }),
    yieldQty: c.yieldQty,
    scrapQty: c.scrapQty,
    unit: c.unit,
    final: c.final,
    ...(c.start === undefined ? {} : { start: c.start }),
    end: c.end,
  };
}

const quantity = z.number().finite();

export const restDocument = z.object({
  document: z.string().min(1),
  eventId: z.string().nullish(),
  cancelled: z.boolean().optional(),
});

const record = z.object({
  document: z.string().min(1),
  operation: z.string(),
  yieldQty: quantity,
  scrapQty: quantity,
  unit: z.string(),
  eventId: z.string().nullable(),
  cancelled: z.boolean(),
});

export const restTotals = z.object({
  orderId: z.string(),
  operations: z.array(z.object({ operation: z.string(), confirmedYieldQty: quantity })),
  confirmations: z.array(record),
});

const operation = z.object({
  operation: z.string().min(1),
  workCenter: z.string().default(''),
  unit: z.string(),
  plannedQty: quantity,
  confirmedYieldQty: quantity,
});

export const restOrders = z.object({
  orders: z.array(
    z.object({
      orderId: z.string().min(1),
      plant: z.string(),
      material: z.string().default(''),
      quantity,
      unit: z.string(),
      released: z.boolean(),
      technicallyCompleted: z.boolean(),
      confirmedYieldQty: quantity,
      operations: z.array(operation),
    }),
  ),
});
