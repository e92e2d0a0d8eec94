// One transaction for a batch of status changes (one fsync), joining the caller's if one is open.
import type { WritableDb } from '../../../local-store/index.js';

export function inTransaction<R>(db: WritableDb, fn: () => R): R {
  return db.inTransaction ? fn() : db.transaction(fn)();
}
