// Event ids that sort by creation time: UUID version 7 (RFC 9562 section 5.7), 48 bits of Unix milliseconds
// followed by 74 random bits. event.event_id (UNIQUE) and event_history.event_id are indexed; a random (v4) id
// lands on a random leaf page of each index, so a group-commit transaction of 500 events dirtied (and wrote to
// the WAL) hundreds of pages, more the larger the table. Time-ordered ids append at the right edge of both
// indexes: the SQL of one message went from 25 to 15 µs of CPU (docs/BENCHMARKS.md, store). Still a UUID, so the
// ERP's Edm.Guid field ExternalSystemConfirmation takes it unchanged, and the 74 random bits keep it unique.
import { randomUUID } from 'node:crypto';

// Hundreds of ids share a millisecond at full intake: its formatted prefix is kept rather than made again.
let prefixMs = -1;
let prefix = '';

/** `tttttttt-tttt-7rrr-vrrr-rrrrrrrrrrrr`: the time prefix, then the random part of a v4 UUID (variant kept). */
export function newEventId(now: number = Date.now()): string {
  const ms = Math.max(0, Math.floor(now));
  if (ms !== prefixMs) {
    const time = ms.toString(16).padStart(12, '0').slice(-12);
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    prefixMs = ms;
  }
  // randomUUID draws from Node's cached entropy pool: cheaper than filling and formatting our own bytes.
  // Its slice(15) skips "xxxxxxxx-xxxx-4": 3 + 16 random hex digits with the RFC variant bits in place.
  return prefix + randomUUID().slice(15);
}
