// Quitting the desktop app: the shell sends {type:'shutdown'} to the agent's utility process (AgentSupervisor.stop),
// and the agent must commit, close SQLite and exit 0. Runs the real compiled utilityEntry.js with a real SQLite
// file; only Electron's parentPort is replaced by Node's IPC (support/parentPortShim.mjs).
import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/consoleProcess.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'plantdesk-shutdown-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const entry = path.join(REPO_ROOT, 'build/node/main/console/utilityEntry.js');
const shim = pathToFileURL(path.join(import.meta.dirname, 'support/parentPortShim.mjs')).href;

interface Agent {
  readonly child: ChildProcess;
  readonly messages: unknown[];
  output(): string;
  readonly exited: Promise<number | string>;
}

function startAgent(name: string): { agent: Agent; dataDir: string } {
  const dataDir = path.join(scratch, name);
  const config = path.join(scratch, `${name}.yaml`);
  // An ERP nobody answers: the agent starts, buffers and keeps retrying, which is all this test needs.
  writeFileSync(config, 'plant: "1010"\nerp:\n  kind: sap-odata\n  baseUrl: http://127.0.0.1:9\n');
  const child = fork(entry, ['--config', config, '--data', dataDir], { execArgv: ['--import', shim], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const messages: unknown[] = [];
  child.on('message', (message) => messages.push(message));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { agent: { child, messages, output: () => output, exited }, dataDir };
}

async function ready(agent: Agent): Promise<void> {
  const started = Date.now();
  while (!agent.messages.some((m) => (m as { type?: string }).type === 'ready')) {
    if (Date.now() - started > 30_000) throw new Error(`agent not ready:\n${agent.output()}`);
    if (agent.child.exitCode !== null) throw new Error(`agent exited ${agent.child.exitCode}:\n${agent.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('quitting the desktop app', () => {
  it('the agent closes SQLite cleanly on {type:shutdown}: exit 0, WAL checkpointed and removed, database intact', async () => {
    const { agent, dataDir } = startAgent('clean');
    await ready(agent);
    const db = path.join(dataDir, 'plantdesk.db');
    expect(existsSync(`${db}-wal`)).toBe(true); // the running agent writes through the WAL
    const asked = Date.now();
    agent.child.send({ type: 'shutdown' });
    expect(await agent.exited).toBe(0);
    const stopMs = Date.now() - asked;
    expect(stopMs).toBeLessThan(5_000); // the shell kills an agent that takes longer (AgentSupervisor.stop)
    expect(agent.output()).toContain('agent stopped; database closed');
    expect(existsSync(`${db}-wal`)).toBe(false);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    console.log(`shutdown to exit: ${stopMs} ms`);
  });

  it('control: a killed agent leaves its WAL behind, so the check above can fail', async () => {
    const { agent, dataDir } = startAgent('killed');
    await ready(agent);
    agent.child.kill('SIGKILL');
    expect(await agent.exited).toBe('SIGKILL');
    expect(existsSync(path.join(dataDir, 'plantdesk.db-wal'))).toBe(true);
  });
});
