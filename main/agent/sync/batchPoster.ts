// Posts one planned batch in one request and records every outcome: posted with its ERP document, rejected as an
// exception carrying the ERP's words, certainly not posted (ready again), or unknown (stays `sending` until the
// ERP is read back by our key). Each step is one transaction, so a crash leaves each event in one of those states.
import { randomUUID } from 'node:crypto';
import { ErpError, type ErpAdapter, type PostableConfirmation, type PostOutcome } from '../../../connectors/erp/index.js';
import type { RuleViolation } from '../../../domain/index.js';
import { dissolvePosting, finishPosting, moveEventFrom, openPosting, type WritableDb } from '../../../local-store/index.js';
import { inTransaction } from './transaction.js';
import type { Logger } from '../logger.js';
import { summedConfirmation, type PlannedPosting } from './planner.js';

export interface BatchOutcome {
  readonly posted: readonly PlannedPosting[];
  readonly rejected: readonly PlannedPosting[];
  /** Postings certainly not posted (per item transient): their orders wait out a retry. */
  readonly retryOrders: readonly { readonly orderId: string; readonly error: ErpError }[];
  /** Left `sending`: the outcome is unknown until read-back. */
  readonly unknown: number;
  /** The request failed as a whole (none posted, or unknown which): the ERP's availability decides what next. */
  readonly requestFailure?: unknown;
}

export interface Sent { readonly planned: PlannedPosting; readonly key: string; readonly aggregated: boolean }

/** The reasons an ERP rejection leaves on an event: the ERP's own words and code. */
export function erpRejection(error: ErpError): RuleViolation[] {
  return [{ code: error.details.erpCode ? `ERP:${error.details.erpCode}` : 'ERP_REJECTED', message: error.message, fields: [] }];
}

/** Any error that is not known to have happened before sending may have been posted: treat it as ambiguous. */
export function asErpError(error: unknown): ErpError {
  if (error instanceof ErpError) return error;
  return new ErpError(error instanceof Error ? error.message : String(error), 'ambiguous');
}

/** A batch marked `sending` (committed before its request leaves), with the items the request carries. */
export interface PreparedBatch {
  readonly sent: readonly Sent[];
  readonly items: readonly PostableConfirmation[];
}

/** The request's answer: one outcome per item, or the failure of the request as a whole. Never rejects. */
export type BatchAnswer = { readonly outcomes: PostOutcome[] } | { readonly failure: ErpError };

/** Marks every posting `sending` (aggregates: recorded with their links); in the caller's transaction if one is open. */
export function prepareBatch(db: WritableDb, batch: readonly PlannedPosting[]): PreparedBatch {
  const at = Date.now();
  const sent: Sent[] = inTransaction(db, () => batch.map((planned) => {
    if (planned.events.length === 1) {
      const event = planned.events[0]!;
      moveEventFrom(db, event.eventId, 'ready', { to: 'sending', at, actor: 'system', reason: 'posting to the ERP' });
      return { planned, key: event.eventId, aggregated: false };
    }
    // The aggregate's own id is what the ERP stores and what read-back looks for after a crash.
    const postingId = randomUUID();
    openPosting(db, { postingId, body: summedConfirmation(planned.events), eventIds: planned.events.map((e) => e.eventId) }, at);
    return { planned, key: postingId, aggregated: true };
  }));
  const items = sent.map((s) => ({ eventId: s.key, correlationId: s.planned.events[0]!.correlationId, confirmation: summedConfirmation(s.planned.events) }));
  return { sent, items };
}

/** Sends one prepared batch; call only once its `sending` is committed. */
export async function sendBatch(erp: ErpAdapter, prepared: PreparedBatch): Promise<BatchAnswer> {
  try {
    const outcomes = await erp.postConfirmations(prepared.items);
    if (outcomes.length !== prepared.items.length) throw new ErpError(`the ERP adapter answered ${outcomes.length} outcomes for ${prepared.items.length} postings`, 'ambiguous');
    return { outcomes };
  } catch (error) {
    return { failure: asErpError(error) };
  }
}

/** Records a request's answer for every posting of the batch, in one transaction (or the caller's). */
export function applyAnswer(db: WritableDb, logger: Logger, prepared: PreparedBatch, answer: BatchAnswer): BatchOutcome {
  const { sent } = prepared;
  if ('failure' in answer) {
    const failure = answer.failure;
    // transient: certainly none posted. business for the whole request (e.g. not authorised): nothing was
    // booked either; retried after the backoff with the connection shown in error. ambiguous: read back first.
    if (failure.kind !== 'ambiguous') inTransaction(db, () => sent.forEach((s) => backToReady(db, s, `not posted: ${failure.message}`)));
    return { posted: [], rejected: [], retryOrders: [], unknown: failure.kind === 'ambiguous' ? sent.length : 0, requestFailure: failure };
  }
  const outcomes = answer.outcomes;
  const done = Date.now();
  const posted: PlannedPosting[] = [];
  const retryOrders: { orderId: string; error: ErpError }[] = [];
  const rejected: PlannedPosting[] = [];
  let unknown = 0;
  inTransaction(db, () => sent.forEach((s, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) {
      const document = outcome.document.document;
      if (s.aggregated) finishPosting(db, s.key, { to: 'posted', at: done, actor: 'erp', reason: `posted, summed into posting ${s.key}`, erpDocument: document });
      else moveEventFrom(db, s.key, 'sending', { to: 'posted', at: done, actor: 'erp', reason: 'posted', erpDocument: document });
      posted.push(s.planned);
      // One line per event, with its correlation id: the trail from the MQTT message to the ERP document.
      if (logger.isLevelEnabled('info')) {
        for (const event of s.planned.events) {
          logger.info({ correlationId: event.correlationId, eventId: event.eventId, erpDocument: document, ...(s.aggregated ? { postingId: s.key } : {}) }, 'confirmation posted to the ERP');
        }
      }
      return;
    }
    const error = outcome.error;
    if (error.kind === 'business') {
      const change = { to: 'exception' as const, at: done, actor: 'erp', reason: 'rejected by the ERP', reasons: erpRejection(error) };
      if (s.aggregated) finishPosting(db, s.key, change);
      else moveEventFrom(db, s.key, 'sending', change);
      rejected.push(s.planned);
      for (const event of s.planned.events) {
        logger.child({ correlationId: event.correlationId, eventId: event.eventId }).warn({ erpCode: error.details.erpCode }, `ERP rejected the confirmation: ${error.message}`);
      }
    } else if (error.kind === 'transient') {
      backToReady(db, s, `not posted: ${error.message}`);
      retryOrders.push({ orderId: s.planned.events[0]!.orderId, error });
    } else {
      unknown++;
    }
  }));
  logger.debug({ postings: sent.length, posted: posted.length, rejected: rejected.length, unknown }, 'batch posted to the ERP');
  return { posted, rejected, retryOrders, unknown };
}

function backToReady(db: WritableDb, sent: Sent, reason: string): void {
  if (sent.aggregated) dissolvePosting(db, sent.key, Date.now(), reason);
  else moveEventFrom(db, sent.key, 'sending', { to: 'ready', at: Date.now(), actor: 'system', reason });
}

