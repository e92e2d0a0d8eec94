// The tray's words and icon for each agent state, with the restart reason from the real supervisor.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { forks } from './fakeElectron.js';
import { AgentSupervisor } from '../../../main/shell/agentProcess.js';
import { trayStatus } from '../../../main/shell/trayStatus.js';

vi.mock('electron', () => import('./fakeElectron.js'));

describe('trayStatus', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    forks.length = 0;
  });

  it('follows the agent from running to restarting (with why and when) to failed', () => {
    const agent = new AgentSupervisor({ modulePath: '/app/utilityEntry.js', log: () => {} });
    expect(trayStatus(agent)).toMatchObject({ icon: 'off', label: 'PlantDesk: agent starting' });
    agent.start();
    expect(trayStatus(agent)).toEqual({ icon: 'ok', label: 'PlantDesk: agent running', tooltip: 'PlantDesk: agent running' });

    forks[0]!.emit('message', { type: 'fatal', reason: 'disk I/O error' });
    forks[0]!.emit('exit', 1);
    const restarting = trayStatus(agent);
    expect(restarting.icon).toBe('warn');
    expect(restarting.label).toBe('PlantDesk: agent restarting (agent exited with code 1 after 0 s (disk I/O error); next start in 1 s)');

    vi.advanceTimersByTime(1_000);
    forks[1]!.emit('message', { type: 'fatal', reason: 'plant.yaml:3: plant: is required' });
    forks[1]!.emit('exit', 2);
    const failed = trayStatus(agent);
    expect(failed.icon).toBe('error');
    expect(failed.label).toContain('the configuration is invalid');
    expect(failed.label).toContain('plant.yaml:3: plant: is required');
    vi.useRealTimers();
  });

  it('keeps the tooltip within the 127 characters Windows shows and the whole reason in the menu', () => {
    const reason = `agent restarting (${'x'.repeat(200)})`;
    const status = trayStatus({ state: 'restarting', unavailableReason: () => reason });
    expect(status.tooltip).toHaveLength(127);
    expect(status.tooltip.endsWith('…')).toBe(true);
    expect(status.label).toBe(`PlantDesk: ${reason}`);
  });
});
