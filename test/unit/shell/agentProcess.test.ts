// Agent supervision: restart backoff with the exit reason recorded, and a clean, bounded stop.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forks } from './fakeElectron.js';
import { AgentSupervisor } from '../../../main/shell/agentProcess.js';

vi.mock('electron', () => import('./fakeElectron.js'));

function latest() {
  const child = forks.at(-1);
  if (child === undefined) throw new Error('no fork');
  return child;
}

describe('AgentSupervisor', () => {
  const log = vi.fn();
  beforeEach(() => {
    vi.useFakeTimers();
    forks.length = 0;
    log.mockReset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forks the agent entry with the passed-through args', () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', args: ['--config', 'plant.yaml', '--data', '/var/pd'], log });
    agent.start();
    expect(forks).toHaveLength(1);
    expect(latest().modulePath).toBe('/app/utilityEntry.js');
    expect(latest().args).toEqual(['--config', 'plant.yaml', '--data', '/var/pd']);
    expect(agent.state).toBe('running');
    expect(agent.post({ type: 'subscribe', stream: 'onDashboard' })).toBe(true);
    expect(latest().posted).toEqual([{ type: 'subscribe', stream: 'onDashboard' }]);
  });

  it('restarts after 1, 2, 4, 8, 16, 30, 30 s and records why', () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log });
    const exits: (number | null)[] = [];
    agent.on('exit', (exit) => exits.push(exit.restartInMs));
    agent.start();
    const delays: number[] = [];
    for (let crash = 0; crash < 7; crash += 1) {
      latest().emit('spawn');
      vi.advanceTimersByTime(500); // a crash shortly after start
      latest().emit('exit', 3);
      expect(agent.state).toBe('restarting');
      expect(agent.post({ type: 'subscribe', stream: 'onDashboard' })).toBe(false);
      const before = forks.length;
      const delay = agent.lastExit?.restartInMs ?? -1;
      vi.advanceTimersByTime(delay - 1);
      expect(forks.length).toBe(before); // not a millisecond early
      vi.advanceTimersByTime(1);
      expect(forks.length).toBe(before + 1);
      delays.push(delay);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(exits).toEqual(delays);
    expect(agent.lastExit).toMatchObject({ code: 3, uptimeMs: 500, reason: 'agent exited with code 3 after 1 s' });
    expect(log).toHaveBeenLastCalledWith('PlantDesk: agent exited with code 3 after 1 s; restarting in 30000 ms');
  });

  it('starts the backoff afresh after 60 s of uptime, and says why it is down meanwhile', () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log });
    agent.start();
    latest().emit('exit', 1);
    vi.advanceTimersByTime(1000);
    latest().emit('exit', 1);
    expect(agent.lastExit?.restartInMs).toBe(2000);
    vi.advanceTimersByTime(2000);
    vi.advanceTimersByTime(60_000);
    latest().emit('exit', 139);
    expect(agent.lastExit?.restartInMs).toBe(1000);
    expect(agent.unavailableReason()).toBe('agent restarting (agent exited with code 139 after 60 s; next start in 1 s)');
  });

  it('includes a fatal V8 error in the reason', () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log });
    agent.start();
    latest().emit('error', 'FatalError', 'v8::ToLocalChecked', '{}');
    latest().emit('exit', 134);
    expect(agent.lastExit?.reason).toBe('agent exited with code 134 after 0 s (FatalError at v8::ToLocalChecked)');
  });

  it('does not restart after a configuration error (exit code 2) and shows the agent\'s last words', () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log });
    agent.start();
    latest().emit('message', { type: 'fatal', reason: 'plant.yaml line 4: opcua.endpoint: invalid URL' });
    latest().emit('exit', 2);
    vi.advanceTimersByTime(120_000);
    expect(forks).toHaveLength(1);
    expect(agent.state).toBe('failed');
    expect(agent.lastExit?.restartInMs).toBeNull();
    expect(agent.unavailableReason()).toBe(
      'agent stopped: the configuration is invalid; fix it and restart PlantDesk ' +
        '(agent exited with code 2 after 0 s (plant.yaml line 4: opcua.endpoint: invalid URL))',
    );
  });

  it('stops on request: posts shutdown, resolves on exit and does not restart', async () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log });
    agent.start();
    const child = latest();
    const stopped = agent.stop();
    expect(child.posted).toEqual([{ type: 'shutdown' }]);
    expect(agent.state).toBe('stopping');
    child.emit('exit', 0);
    await stopped;
    expect(agent.state).toBe('stopped');
    expect(agent.lastExit?.restartInMs).toBeNull();
    vi.advanceTimersByTime(120_000);
    expect(forks).toHaveLength(1);
    expect(child.killed).toBe(false);
  });

  it('kills an agent that does not stop within 5 s', async () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log });
    agent.start();
    const child = latest();
    let done = false;
    const stopped = agent.stop().then(() => (done = true));
    vi.advanceTimersByTime(4999);
    expect(child.killed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(child.killed).toBe(true);
    child.emit('exit', 9);
    await stopped;
    expect(done).toBe(true);
    expect(forks).toHaveLength(1);
  });

  it('cancels a pending restart when stopped meanwhile', async () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log });
    agent.start();
    latest().emit('exit', 1);
    await agent.stop();
    vi.advanceTimersByTime(60_000);
    expect(forks).toHaveLength(1);
    expect(agent.state).toBe('stopped');
  });
});
