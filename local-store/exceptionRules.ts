// Exceptions by rule code, through event_exception_rule (migration 0006): the console's "what is wrong, how
// often" and "show me every UNIT_MISMATCH" without reading the JSON reasons of every exception.
import type { ReadableDb } from './database.js';
import { getEvent, type StoredEvent } from './events.js';
import { statement } from './statements.js';

export interface RuleCount {
  readonly rule: string;
  readonly count: number;
}

/** Open exceptions per rule code, by code. An event with two violations counts under both. */
export function countExceptionsByRule(db: ReadableDb): RuleCount[] {
  return (statement(db, 'SELECT rule, COUNT(*) AS count FROM event_exception_rule GROUP BY rule ORDER BY rule').all() as RuleCount[]);
}

/** The oldest open exceptions that violate `rule`, in the order they arrived. */
export function listExceptionsByRule(db: ReadableDb, rule: string, limit: number): StoredEvent[] {
  const ids = statement(db, `SELECT e.event_id FROM event_exception_rule r JOIN event e ON e.id = r.event_row
    WHERE r.rule = ? ORDER BY r.event_row LIMIT ?`).pluck().all(rule, limit) as string[];
  return ids.flatMap((id) => {
    const event = getEvent(db, id);
    return event ? [event] : [];
  });
}
