// PRAGMA quick_check on a worker thread, so the agent can open its API while a large buffer is checked (about
// 1.4 s per million events). The worker opens its own read-only connection: a reader in WAL mode sees one
// consistent snapshot while the agent's connection writes, and closing it never checkpoints.
//
// The worker keeps its connection open until release(): while it does, the agent's own connection closes
// without checkpointing (SQLite checkpoints on close only as the last connection), so a damaged file and its WAL
// can be moved aside as they were (integrity.ts). Release only after the agent's connection is closed.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { configureAndMigrate, defaultBackupDir, schemaVersion } from './database.js';
import { isCorruption, openStore, shortenFindings, type OpenedStore, type OpenStoreOptions } from './integrity.js';
import { MIGRATIONS } from './migrations/index.js';

export type CheckOutcome =
  | { readonly kind: 'sound'; readonly ms: number }
  /** quick_check found damage, or SQLite called the file corrupt or not a database. */
  | { readonly kind: 'damaged'; readonly problem: string; readonly ms: number }
  /** The check could not run (unreadable file, I/O error, the worker died): says nothing about the file. */
  | { readonly kind: 'failed'; readonly error: string; readonly ms: number };

export interface BackgroundCheck {
  readonly outcome: Promise<CheckOutcome>;
  /** Lets the worker close its connection and waits for it to exit; stops a check still running. Idempotent. */
  release(): Promise<void>;
}

// The worker runs plain CommonJS given as text: the same code then serves the compiled agent and the tests, which
// run the TypeScript sources (a worker cannot load a .ts file). better-sqlite3 is passed as a resolved path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const started = performance.now();
let db;
try {
  db = new Database(workerData.file, { readonly: true });
  const findings = db.pragma('quick_check(10)').map((row) => row.quick_check);
  parentPort.postMessage({ findings, ms: performance.now() - started });
} catch (error) {
  parentPort.postMessage({ error: { code: error.code, message: error.message }, ms: performance.now() - started });
}
parentPort.once('message', () => {
  if (db && db.open) db.close();
});
`;

interface WorkerReply {
  readonly findings?: string[];
  readonly error?: { readonly code?: string; readonly message: string };
  readonly ms: number;
}

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

export function startBackgroundCheck(file: string): BackgroundCheck {
  const started = performance.now();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: driverPath, file } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let answered = false;
  const outcome = new Promise<CheckOutcome>((resolve) => {
    worker.once('message', (reply: WorkerReply) => {
      answered = true;
      resolve(classify(reply));
    });
    worker.once('error', (error) => resolve({ kind: 'failed', error: error.message, ms: performance.now() - started }));
    void exited.then(() => resolve({ kind: 'failed', error: 'the integrity check stopped before it finished', ms: performance.now() - started }));
  });
  let released: Promise<void> | undefined;
  return {
    outcome,
    release() {
      released ??= (async () => {
        worker.postMessage('release');
        // A check still running is stopped (it ends at its next step back into JavaScript).
        if (!answered) await worker.terminate();
        await exited;
      })();
      return released;
    },
  };
}

function classify(reply: WorkerReply): CheckOutcome {
  if (reply.error) {
    const message = `${reply.error.code ?? 'error'}: ${reply.error.message}`;
    return isCorruption(reply.error) ? { kind: 'damaged', problem: shortenFindings(reply.error.message), ms: reply.ms } : { kind: 'failed', error: message, ms: reply.ms };
  }
  const findings = reply.findings ?? [];
  if (findings.length === 1 && findings[0] === 'ok') return { kind: 'sound', ms: reply.ms };
  return { kind: 'damaged', problem: shortenFindings(findings.join('; ')), ms: reply.ms };
}

export interface StoreOpening extends OpenedStore {
  /** The check still running on a worker; null when the store was checked (or created) while opening. */
  readonly check: BackgroundCheck | null;
}

/**
 * Opens the store for the agent with its integrity check on a worker thread. Three cases keep the check before
 * anything else, as openStore does: a new file (nothing to check), a file whose schema is behind (a migration
 * writes into the file, and its pre-migration copy of a damaged file would be a damaged backup; an upgrade is
 * rare and copies the whole file anyway), and a file too damaged to open (SQLite refuses it at once).
 */
export function openStoreCheckingInBackground(file: string, options: OpenStoreOptions = {}): StoreOpening {
  const backupDir = options.backupDir ?? defaultBackupDir(file);
  if (!existsSync(file)) return { ...openStore(file, { ...options, backupDir }), check: null };
  let version: number;
  try {
    version = readSchemaVersion(file);
  } catch (error) {
    if (isCorruption(error)) return { ...openStore(file, { ...options, backupDir }), check: null };
    throw error;
  }
  if (version !== MIGRATIONS.length) return { ...openStore(file, { ...options, backupDir }), check: null };
  let opened;
  try {
    opened = configureAndMigrate(new Database(file), file, { ...options, backupDir });
  } catch (error) {
    if (isCorruption(error)) return { ...openStore(file, { ...options, backupDir }), check: null };
    throw error;
  }
  return { ...opened, recovery: null, checkMs: 0, check: startBackgroundCheck(file) };
}

/** user_version through a read-only connection: closing it never checkpoints a WAL into a file not yet checked. */
function readSchemaVersion(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return schemaVersion(db);
  } finally {
    db.close();
  }
}
