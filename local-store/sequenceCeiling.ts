// The enterprise stream's high-water mark, kept outside the database file so a restore from backup cannot take it
// back (enterpriseOutbox.ts, "Sequence numbers that never go backwards"). It holds a reservation: a
// sequence is published only when it is at most the mark on disk, and the mark is raised (written, fsynced,
// renamed) a block of RESERVE at a time, so the disk sees one small write per RESERVE messages, not one each.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Sequences reserved per write of the mark: at 20k messages/s about one write every 5 s. */
export const SEQUENCE_RESERVE = 100_000;

/** Next to the database, but not named plantdesk.db*: a hand restore that moves `plantdesk.db*` away keeps it. */
export function sequenceCeilingFile(dbFile: string): string {
  return join(dirname(dbFile), 'enterprise-sequence.json');
}

export class SequenceCeiling {
  private mark: number;

  /** `file` null: kept in memory only (an in-memory database in tests). */
  constructor(private readonly file: string | null) {
    this.mark = file === null ? 0 : readSequenceCeiling(file);
  }

  /** The highest sequence that may have been published by any earlier run. */
  get value(): number {
    return this.mark;
  }

  /** Call before publishing `sequence`: raises the mark on disk first when the sequence is beyond it. */
  reserve(sequence: number): void {
    if (sequence <= this.mark) return;
    const next = sequence + SEQUENCE_RESERVE;
    if (this.file !== null) writeMark(this.file, next);
    this.mark = next;
  }
}

/** The mark on disk; 0 when there is none (publishing never ran here). */
export function readSequenceCeiling(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const parsed = JSON.parse(text) as { reservedUpTo?: unknown };
  if (typeof parsed.reservedUpTo !== 'number' || !Number.isSafeInteger(parsed.reservedUpTo) || parsed.reservedUpTo < 0) {
    throw new Error(`${file}: reservedUpTo is not a whole number; the enterprise sequence cannot be continued safely (restore the file or remove it knowing sequences may repeat)`);
  }
  return parsed.reservedUpTo;
}

function writeMark(file: string, reservedUpTo: number): void {
  const temp = `${file}.partial`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, `${JSON.stringify({ reservedUpTo, at: new Date().toISOString() })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  // The rename is durable only once the directory is synced; not every platform can open one (Windows).
  try {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // best effort
  }
}
