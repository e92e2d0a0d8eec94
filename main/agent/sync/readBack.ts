// Events left `sending` (a crash between post and commit, or an ambiguous failure) are resolved by reading the
// ERP back by the key it stores, before anything is sent again: found = posted with that document; not found =
// certainly not in the ERP, ready again. An aggregated posting is looked up once, by its own id, for all its events.
import type { ErpAdapter } from '../../../connectors/erp/index.js';
import { dissolvePosting, finishPosting, listEventsByStatus, moveEvent, postingOfEvent, type WritableDb } from '../../../local-store/index.js';
import type { Logger } from '../logger.js';

/** Read-backs at once: a batch left unknown is resolved without one round trip per event in a row. */
const PARALLEL_READS = 8;
const PAGE = 500;

export interface ReadBackResult {
  readonly found: number;
  readonly missing: number;
}

/** Resolves every `sending` event; throws (leaving the rest `sending`) when the ERP cannot be read. */
export async function resolveSending(db: WritableDb, erp: ErpAdapter, logger: Logger, stopped: () => boolean): Promise<ReadBackResult> {
  let found = 0;
  let missing = 0;
  for (;;) {
    const pending = listEventsByStatus(db, 'sending', PAGE);
    if (pending.length === 0 || stopped()) break;
    // One lookup per key: an aggregated posting's events share its id.
    const keys = new Map<string, { aggregated: boolean; eventIds: string[] }>();
    for (const event of pending) {
      const posting = postingOfEvent(db, event.eventId);
      const key = posting?.postingId ?? event.eventId;
      const entry = keys.get(key) ?? { aggregated: posting !== undefined, eventIds: [] };
      entry.eventIds.push(event.eventId);
      keys.set(key, entry);
    }
    const queue = [...keys.entries()];
    let failure: unknown;
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next && failure === undefined; next = queue.shift()) {
        const [key, entry] = next;
        let document;
        try {
          document = await erp.findConfirmation(key);
        } catch (error) {
          // The first failure stops every reader: the rest stay `sending` for the next attempt.
          failure ??= error;
          return;
        }
        const at = Date.now();
        if (document) {
          if (entry.aggregated) finishPosting(db, key, { to: 'posted', at, actor: 'erp', reason: 'found in the ERP by read-back', erpDocument: document.document });
          else moveEvent(db, key, { to: 'posted', at, actor: 'erp', reason: 'found in the ERP by read-back', erpDocument: document.document });
          found += entry.eventIds.length;
        } else {
          const reason = 'not found in the ERP by read-back; will be sent again';
          if (entry.aggregated) dissolvePosting(db, key, at, reason);
          else moveEvent(db, key, { to: 'ready', at, actor: 'system', reason });
          missing += entry.eventIds.length;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, queue.length) }, worker));
    if (failure !== undefined) throw failure;
  }
  if (found + missing > 0) logger.info({ found, missing }, 'unknown outcomes resolved by reading the ERP back');
  return { found, missing };
}
