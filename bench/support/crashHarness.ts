// The crash harness (issue 4; RELIABILITY.md "Kill at random points"): the agent (`plantdesk console`, a child
// process) ingests QoS 1 confirmations from a real mosquitto while a separate MQTT client keeps publishing them,
// and posts them to the ERP simulator. It is killed with SIGKILL at random moments after it is ready (intake,
// commit, PUBACK, the ERP post) and restarted, again and again. Then it is left to drain and stopped cleanly, and
// the harness counts what the promises forbid: acknowledged messages not stored, messages stored twice,
// confirmations the ERP received twice, and PRAGMA integrity_check failures (every N kills, on the file as the
// kill left it, and at the end). Used by test/integration/crash.test.ts (200 kills) and bench/crash.ts (1,000).
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startErpSimulator, type ErpSimulator } from '../../sim/erp/index.js';
import { startMosquitto, type Mosquitto } from '../../test/helpers/mosquitto.js';
import { killAgent, startAgentProcess, type AgentProcess } from './agentProcess.js';
import { ConfirmationPublisher } from './confirmationPublisher.js';

export interface CrashHarnessOptions {
  /** SIGKILLs (each followed by a restart). */
  readonly iterations: number;
  /**
   * The kill comes this long after the agent said it is ready: uniform in [min, max] ms; default [0, 400]. Early kills
   * land while it connects and takes the broker's backlog, later ones in the steady intake and the ERP posts.
   */
  readonly killDelayMs?: readonly [number, number];
  /** PRAGMA integrity_check on the killed file every N kills (and always at the end); default 10. */
  readonly integrityEvery?: number;
  /**
   * Confirmations per second the publisher sends (QoS 1); default 40. The sync engine posts one at a time (about
   * 70 a second here between kills), so more would leave a backlog the final drain has to post.
   */
  readonly publishPerS?: number;
  /** How long the last agent may take to store and post everything; default 120 s. */
  readonly drainTimeoutMs?: number;
  /** After the run, this many plain starts (SIGTERM, start again) on the same file: the baseline of recovery; default 0. */
  readonly cleanStarts?: number;
  /** Progress lines (every 50 kills and the phases). */
  readonly onProgress?: (line: string) => void;
}

/** What a run found. Every count but the kill coverage must be 0 (clean_exit true). */
export interface CrashReport {
  readonly iterations: number;
  /** Messages the broker acknowledged to the publisher. */
  readonly acked: number;
  /** Raw rows of the run's messages in the store at the end. */
  readonly stored: number;
  /** Acknowledged but not stored. */
  readonly lost: number;
  /** Extra raw rows per idempotency key, plus extra events per raw row. */
  readonly duplicates: number;
  /** Distinct confirmations (ExternalSystemConfirmation) the ERP received. */
  readonly erp_posted: number;
  /** Confirmations the ERP received more than once (each extra receipt counts). */
  readonly erp_duplicates: number;
  /** Events still not posted after the drain, or posted but unknown to the ERP. */
  readonly erp_unposted: number;
  readonly integrity_checks: number;
  /** integrity_check not "ok", a file that would not open, or a file the agent moved aside as damaged. */
  readonly integrity_failures: number;
  /** Restart (spawn) to ready, ms. */
  readonly recovery_ms_mean: number;
  readonly recovery_ms_median: number;
  readonly recovery_ms_max: number;
  /** Kill coverage: kills that left acknowledged messages not yet stored (intake under way). */
  readonly kills_during_intake: number;
  /** Messages committed whose PUBACK a kill prevented: the broker redelivered them and the agent found them stored. */
  readonly redelivered_already_stored: number;
  /** Kills that left events `sending` (between the commit of `sending` and that of `posted`). */
  readonly kills_during_send: number;
  /** Of those, kills after the ERP had the confirmation: the read-back path had to find it. */
  readonly kills_after_erp_received: number;
  /** Median of the plain starts after a clean stop (cleanStarts), ms; null without them. */
  readonly clean_start_ms_median: number | null;
  /** The last agent stopped with exit code 0 on SIGTERM. */
  readonly clean_exit: boolean;
  readonly seconds: number;
  /** First findings, for the failure message. */
  readonly problems: readonly string[];
}

const SOURCE = 'crash-mes';
const KEY_PREFIX = `mqtt:${SOURCE}:crash-`;

function agentConfig(brokerUrl: string, erpUrl: string): string {
  return [
    'plant: "1010"',
    'log:',
    // debug: the agent says when a redelivered message was already stored (a kill between commit and PUBACK).
    '  level: debug',
    'mqtt:',
    `  - name: ${SOURCE}`,
    `    url: ${brokerUrl}`,
    '    clientId: plantdesk-crash',
    '    topics:',
    '      - filter: crash/+/confirmation',
    '        type: confirmation',
    'erp:',
    '  kind: sap-odata',
    `  baseUrl: ${erpUrl}`,
    '  sapClient: "100"',
    '  postIntervalMs: 50',
    '  timeoutMs: 5000',
    '',
  ].join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function runCrashHarness(options: CrashHarnessOptions): Promise<CrashReport> {
  const { iterations, killDelayMs = [0, 400], integrityEvery = 10, publishPerS = 40, drainTimeoutMs = 120_000, cleanStarts = 0, onProgress = () => undefined } = options;
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'pd-crash-'));
  const dbFile = join(dataDir, 'plantdesk.db');
  const configFile = join(dataDir, 'plant.yaml');
  let broker: Mosquitto | undefined;
  let erp: ErpSimulator | undefined;
  let publisher: ConfirmationPublisher | undefined;
  let agent: AgentProcess | undefined;
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < 20) problems.push(text);
  };
  let integrityChecks = 0;
  let integrityFailures = 0;
  const checkIntegrity = (when: string): void => {
    integrityChecks++;
    try {
      const db = new Database(dbFile, { readonly: true });
      try {
        const result = db.pragma('integrity_check', { simple: true });
        if (result !== 'ok') {
          integrityFailures++;
          problem(`integrity_check ${when}: ${String(result)}`);
        }
      } finally {
        db.close();
      }
    } catch (error) {
      integrityFailures++;
      problem(`integrity_check ${when}: ${(error as Error).message}`);
    }
  };

  try {
    broker = await startMosquitto();
    erp = await startErpSimulator({ port: 0 });
    writeFileSync(configFile, agentConfig(broker.url, erp.url));
    let redeliveredStored = 0;
    const onLine = (line: string): void => {
      if (line.includes('redelivered message already stored')) redeliveredStored++;
    };
    const start = (): Promise<AgentProcess> => startAgentProcess(['--config', configFile, '--data', dataDir, '--port', '0'], { onLine });
    agent = await start();
    publisher = await ConfirmationPublisher.start(broker.url, 'crash/L1/confirmation', publishPerS);

    const recoveries: number[] = [];
    let killsDuringIntake = 0;
    let killsDuringSend = 0;
    let killsAfterErpReceived = 0;
    for (let kill = 1; kill <= iterations; kill++) {
      await sleep(killDelayMs[0] + Math.random() * (killDelayMs[1] - killDelayMs[0]));
      const ackedAtKill = publisher.acked;
      await killAgent(agent);
      // What the kill interrupted, read from the file as the kill left it (read-only: closing never checkpoints).
      const db = new Database(dbFile, { readonly: true });
      try {
        const stored = (db.prepare('SELECT COUNT(*) AS n FROM raw_message').get() as { n: number }).n;
        if (stored < ackedAtKill) killsDuringIntake++;
        const sending = (db.prepare("SELECT event_id AS id FROM event WHERE status = 'sending'").all() as { id: string }[]).map((r) => r.id);
        if (sending.length > 0) {
          killsDuringSend++;
          const received = new Set(erp.received.map((c) => c.externalSystemConfirmation));
          if (sending.some((id) => received.has(id))) killsAfterErpReceived++;
        }
      } finally {
        db.close();
      }
      if (kill % integrityEvery === 0) checkIntegrity(`after kill ${kill}`);
      agent = await start();
      recoveries.push(agent.readyMs);
      if (kill % 50 === 0) onProgress(`crash: ${kill}/${iterations} kills, ${publisher.acked} acked, recovery median ${Math.round(median(recoveries))} ms, ${Math.round((performance.now() - started) / 1000)} s`);
    }

    // Drain: no more messages; the last agent stores what the broker still holds and posts everything.
    await publisher.stop();
    const acked = publisher.ackedSeqs();
    onProgress(`crash: draining ${acked.length} acknowledged messages`);
    const deadline = Date.now() + drainTimeoutMs;
    for (;;) {
      const db = new Database(dbFile, { readonly: true });
      const { stored, pending } = db.prepare(`SELECT (SELECT COUNT(*) FROM raw_message) AS stored,
          (SELECT COUNT(*) FROM event WHERE status IN ('mapped', 'ready', 'sending')) AS pending`).get() as { stored: number; pending: number };
      db.close();
      if ((stored >= acked.length && pending === 0) || Date.now() > deadline) break;
      await sleep(200);
    }
    agent.child.kill('SIGTERM');
    const exitCode = await agent.exited;
    if (exitCode !== 0) problem(`the last agent exited with ${exitCode} on SIGTERM:\n${agent.output().slice(-2000)}`);
    checkIntegrity('at the end');
    const damaged = readdirSync(dataDir).filter((f) => f.includes('.damaged-'));
    if (damaged.length > 0) {
      integrityFailures += damaged.length;
      problem(`the agent found the file damaged at start and moved it aside: ${damaged.join(', ')}`);
    }

    // The baseline of recovery: the same agent started on the same file after a clean stop.
    const cleanStartMs: number[] = [];
    for (let i = 0; i < cleanStarts; i++) {
      agent = await start();
      cleanStartMs.push(agent.readyMs);
      agent.child.kill('SIGTERM');
      await agent.exited;
    }

    // Every acknowledged message stored once, with one event; every event posted once.
    const db = new Database(dbFile, { readonly: true });
    let stored: number;
    let lost: number;
    let duplicates: number;
    let erpUnposted: number;
    const received = erp.received;
    const receipts = new Map<string, number>();
    for (const confirmation of received) {
      const id = confirmation.externalSystemConfirmation ?? '(none)';
      receipts.set(id, (receipts.get(id) ?? 0) + 1);
    }
    try {
      const keys = new Set((db.prepare('SELECT idempotency_key AS k FROM raw_message WHERE idempotency_key LIKE ?').all(`${KEY_PREFIX}%`) as { k: string }[]).map((r) => r.k));
      stored = keys.size;
      const missing = acked.filter((seq) => !keys.has(`${KEY_PREFIX}${seq}`));
      lost = missing.length;
      if (lost > 0) problem(`acknowledged but not stored: ${missing.slice(0, 10).join(', ')}${lost > 10 ? ', ...' : ''}`);
      const rawDuplicates = (db.prepare('SELECT COALESCE(SUM(n - 1), 0) AS d FROM (SELECT COUNT(*) AS n FROM raw_message GROUP BY idempotency_key HAVING n > 1)').get() as { d: number }).d;
      const eventDuplicates = (db.prepare('SELECT COALESCE(SUM(n - 1), 0) AS d FROM (SELECT COUNT(*) AS n FROM event GROUP BY raw_id HAVING n > 1)').get() as { d: number }).d;
      duplicates = rawDuplicates + eventDuplicates;
      if (duplicates > 0) problem(`stored twice: ${rawDuplicates} raw rows, ${eventDuplicates} events`);
      const events = db.prepare("SELECT event_id AS id, status FROM event WHERE kind = 'confirmation'").all() as { id: string; status: string }[];
      const notPosted = events.filter((e) => e.status !== 'posted');
      const postedUnknown = events.filter((e) => e.status === 'posted' && !receipts.has(e.id));
      erpUnposted = notPosted.length + postedUnknown.length;
      if (notPosted.length > 0) problem(`not posted after the drain: ${notPosted.length} (${[...new Set(notPosted.map((e) => e.status))].join(', ')})`);
      if (postedUnknown.length > 0) problem(`posted but the ERP has no such confirmation: ${postedUnknown.length}`);
      const ours = new Set(events.map((e) => e.id));
      const strangers = [...receipts.keys()].filter((id) => !ours.has(id));
      if (strangers.length > 0) problem(`the ERP received confirmations of no stored event: ${strangers.slice(0, 5).join(', ')}`);
    } finally {
      db.close();
    }
    const erpDuplicates = [...receipts.values()].reduce((sum, n) => sum + n - 1, 0);
    if (erpDuplicates > 0) problem(`the ERP received ${erpDuplicates} confirmations more than once`);

    return {
      iterations, acked: acked.length, stored, lost, duplicates, erp_posted: receipts.size, erp_duplicates: erpDuplicates, erp_unposted: erpUnposted,
      integrity_checks: integrityChecks, integrity_failures: integrityFailures,
      recovery_ms_mean: Math.round(recoveries.reduce((a, b) => a + b, 0) / Math.max(1, recoveries.length)),
      recovery_ms_median: Math.round(median(recoveries)), recovery_ms_max: Math.round(Math.max(0, ...recoveries)),
      clean_start_ms_median: cleanStarts > 0 ? Math.round(median(cleanStartMs)) : null,
      kills_during_intake: killsDuringIntake, redelivered_already_stored: redeliveredStored, kills_during_send: killsDuringSend, kills_after_erp_received: killsAfterErpReceived,
      clean_exit: exitCode === 0, seconds: Math.round((performance.now() - started) / 1000), problems,
    };
  } finally {
    if (agent && agent.child.exitCode === null && agent.child.signalCode === null) await killAgent(agent);
    await publisher?.stop().catch(() => undefined);
    await erp?.stop();
    await broker?.stop();
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  }
}
