// `plantdesk console` as a child process for the crash harness and the start-up benchmark: spawned from the
// compiled build, ready when it prints its ready line, with the time from spawn to ready and a bounded log.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from the source (bench/support) or the build (build/node/bench/support). */
export const REPO_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'plantdesk.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bin/plantdesk.js not found above bench/support');
    dir = parent;
  }
  return dir;
})();

const READY = /PlantDesk console ready at (http:\/\/\S+)/;
/** Only the newest output is kept: a process that logs for minutes must not grow the harness. */
const KEEP_OUTPUT_CHARS = 64 * 1024;

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Milliseconds from spawn to the ready line. */
  readonly readyMs: number;
  /** The newest output (stdout and stderr), at most 64 KiB. */
  output(): string;
  /** The exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
}

/** Spawns `node bin/plantdesk.js console ARGS` and resolves once it is ready; rejects if it exits first. */
export function startAgentProcess(
  args: readonly string[],
  options: { timeoutMs?: number; nodeArgs?: readonly string[]; onLine?: (line: string) => void } = {},
): Promise<AgentProcess> {
  const { timeoutMs = 30_000, nodeArgs = [], onLine } = options;
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, join(REPO_ROOT, 'bin', 'plantdesk.js'), 'console', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 2 * KEEP_OUTPUT_CHARS) output = output.slice(-KEEP_OUTPUT_CHARS);
  };
  child.stderr?.on('data', append);
  if (onLine) {
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  }
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return new Promise<AgentProcess>((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      append(chunk);
      if (ready) return;
      const match = READY.exec(output);
      if (!match?.[1]) return;
      ready = true;
      clearTimeout(timer);
      resolve({ child, url: match[1], readyMs: performance.now() - started, output: () => output, exited });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`agent exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** SIGKILL and wait for the exit. */
export async function killAgent(agent: AgentProcess): Promise<number | string> {
  agent.child.kill('SIGKILL');
  return agent.exited;
}
