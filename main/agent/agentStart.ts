// Start-up order around the store's integrity check (issue 4: API ready within 2 s with a million buffered
// events, of which quick_check alone takes about 1.4 s). The store opens, the agent builds everything and its
// API answers while quick_check runs on a worker thread (local-store/backgroundCheck.ts); intake (MQTT, OPC UA,
// Sparkplug), the ERP sync, enterprise publish, counters, capacity and maintenance start only once it passed.
// Until then brokers keep their unacknowledged messages and OPC UA counters are read on the next value, so
// nothing is lost by waiting.
//
// If the check finds damage: the agent is stopped (nothing of intake had started), its connection closed while
// the worker still holds the file (so nothing is checkpointed into it), the damaged file moved aside and the
// newest backup restored (integrity.ts, the same recovery as at start), and a new agent starts on the restored
// file behind the same API object (switchingApi.ts).
import {
  isCorruption, openStoreCheckingInBackground, recoverDamagedStore, shortenFindings, type StoreOpening, type WritableDb,
} from '../../local-store/index.js';
import type { ServedApi } from './apiDispatch.js';
import type { Logger } from './logger.js';
import type { IntegrityCheckState } from './maintenance.js';
import { SwitchingApi } from './switchingApi.js';

/** What one agent instance is told by the start-up order. */
export interface StartGate {
  /** Its API answers from now on (the store is open; nothing of intake has started). */
  apiReady(api: ServedApi): void;
  /** True once the check passed (at once when it ran while opening); false: release what started and resolve null. */
  checkPassed(): Promise<boolean>;
  /** For Health.store while the check runs. */
  integrityCheck(): IntegrityCheckState;
}

export interface RunningAgent {
  readonly db: WritableDb;
  stop(): Promise<void>;
}

export interface CheckedStartOptions {
  readonly file: string;
  readonly backupDir: string;
  readonly logger: Logger;
  /** Builds one agent on the opened store; resolves null when checkPassed() said false (the store stays open). */
  start(store: StoreOpening, gate: StartGate): Promise<RunningAgent | null>;
}

export interface CheckedAgent {
  readonly api: ServedApi;
  /** The current agent's connection (a new one after a recovery). */
  readonly db: WritableDb;
  stop(): Promise<void>;
}

interface Run {
  readonly store: StoreOpening;
  state: IntegrityCheckState;
  readonly decide: (passed: boolean) => void;
  readonly api: Promise<ServedApi>;
  readonly agent: Promise<RunningAgent | null>;
}

function launch(store: StoreOpening, start: CheckedStartOptions['start']): Run {
  let decide!: (passed: boolean) => void;
  const decided = new Promise<boolean>((resolve) => {
    decide = resolve;
  });
  let apiReady!: (api: ServedApi) => void;
  const api = new Promise<ServedApi>((resolve) => {
    apiReady = resolve;
  });
  const state: IntegrityCheckState = store.check ? { state: 'checking' } : { state: 'passed' };
  const status: { state: IntegrityCheckState } = { state };
  if (!store.check) decide(true);
  const agent = start(store, { apiReady, checkPassed: () => decided, integrityCheck: () => status.state });
  return {
    store, decide, api, agent,
    get state() {
      return status.state;
    },
    set state(next: IntegrityCheckState) {
      status.state = next;
    },
  };
}

const released = new WeakMap<Run, Promise<void>>();

/**
 * Stops the run's agent (or tells it not to start), then closes its connection, then the worker's: the agent's
 * connection must not be the last one, or closing it would checkpoint into a file that may be damaged. Once per run.
 */
function release(run: Run): Promise<void> {
  let done = released.get(run);
  if (!done) {
    done = releaseOnce(run);
    released.set(run, done);
  }
  return done;
}

async function releaseOnce(run: Run): Promise<void> {
  run.decide(false);
  const agent = await run.agent.catch(() => null);
  if (agent) await agent.stop();
  if (run.store.db.open) run.store.db.close();
  await run.store.check?.release();
}

/** Launches an agent and waits for its API; on failure releases what it opened and rethrows. */
async function launchUntilReady(store: StoreOpening, start: CheckedStartOptions['start']): Promise<{ run: Run; api: ServedApi }> {
  const run = launch(store, start);
  const endedFirst = run.agent.then(() => {
    throw new Error('the agent stopped before its API was ready');
  });
  // Settles (rejects) also when the agent ends long after its API opened: handled here so that is no unhandled rejection.
  endedFirst.catch(() => undefined);
  try {
    const api = await Promise.race([run.api, endedFirst]);
    return { run, api };
  } catch (error) {
    await release(run);
    throw error;
  }
}

export async function startCheckedAgent(options: CheckedStartOptions): Promise<CheckedAgent> {
  const { file, backupDir, logger } = options;
  const api = new SwitchingApi();
  const opening = openStoreCheckingInBackground(file, { backupDir });
  let first: { run: Run; api: ServedApi };
  try {
    first = await launchUntilReady(opening, options.start);
  } catch (error) {
    // A damaged page met while the agent was being built, before the check said so: recover now, as at start.
    if (!opening.check || !isCorruption(error)) throw error;
    logger.error({ err: error }, 'the buffer file turned out damaged while the agent started; restoring the newest backup');
    first = await launchUntilReady({ ...recoverDamagedStore(file, shortenFindings((error as Error).message), { backupDir }), check: null }, options.start);
  }
  let current = first.run;
  let stopping = false;
  api.use(first.api);
  // An agent that fails after its API opened (a source that cannot start once intake begins) is no longer awaited
  // by anyone: say so in the log and in every API answer, rather than run half-started.
  const watch = (run: Run): void => {
    run.agent.catch((error: Error) => {
      if (stopping) return;
      logger.fatal({ err: error }, `the agent could not start: ${error.message}`);
      api.fail(`the agent could not start: ${error.message}`);
    });
  };
  watch(current);

  const afterCheck = async (run: Run): Promise<void> => {
    const check = run.store.check;
    if (!check) {
      api.allowCommands();
      return;
    }
    const outcome = await check.outcome;
    if (stopping) return;
    if (outcome.kind === 'sound') {
      run.state = { state: 'passed' };
      await check.release();
      logger.info({ checkMs: Math.round(outcome.ms) }, 'store integrity check passed; starting intake');
      run.decide(true);
      api.allowCommands();
      return;
    }
    if (outcome.kind === 'failed') {
      // Says nothing about the file; starting intake on it unchecked is not what issue 4 promises. Health says so.
      run.state = { state: 'failed', error: outcome.error };
      await check.release();
      logger.error({ error: outcome.error }, 'the store integrity check could not run; intake, sync and publish are not started');
      api.refuseCommands(`the integrity check of the buffer could not run: ${outcome.error}`);
      return;
    }
    logger.error({ problem: outcome.problem }, 'the store integrity check found the buffer file damaged; stopping to restore the newest backup');
    api.suspend();
    await release(run);
    const recovered = recoverDamagedStore(file, outcome.problem, { backupDir });
    if (stopping) {
      recovered.db.close();
      return;
    }
    const next = await launchUntilReady({ ...recovered, check: null }, options.start);
    current = next.run;
    watch(current);
    api.use(next.api);
    api.allowCommands();
  };
  const checked = afterCheck(current).catch((error: Error) => {
    logger.fatal({ err: error }, `the buffer could not be recovered: ${error.message}`);
    api.fail(`the buffer could not be recovered: ${error.message}`);
  });

  return {
    api: api.api,
    get db() {
      return current.store.db;
    },
    async stop() {
      stopping = true;
      await release(current);
      await checked;
      // A recovery under way when stop came may have started a new agent meanwhile.
      await release(current);
    },
  };
}
