// What the tray says about the agent, as pure data: the words and which icon. Kept apart from tray.ts so the
// wording is tested without Electron.
import type { AgentState } from './agentProcess.js';

export type TrayIconName = 'ok' | 'warn' | 'error' | 'off';

export interface TrayStatus {
  readonly icon: TrayIconName;
  /** The first, disabled line of the tray menu: the whole reason, so a supervisor can read it out to IT. */
  readonly label: string;
  /** Hover text; Windows cuts tooltips at 127 characters, so it is shortened here with an ellipsis instead. */
  readonly tooltip: string;
}

/** The part of AgentSupervisor the tray reads. */
export interface AgentStatusSource {
  readonly state: AgentState;
  unavailableReason(): string | null;
}

const TOOLTIP_MAX = 127;
const LABEL_MAX = 300;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function trayStatus(agent: AgentStatusSource): TrayStatus {
  let icon: TrayIconName;
  let text: string;
  switch (agent.state) {
    case 'running':
      icon = 'ok';
      text = 'agent running';
      break;
    case 'idle':
      icon = 'off';
      text = 'agent starting';
      break;
    case 'restarting':
      icon = 'warn';
      text = agent.unavailableReason() ?? 'agent restarting';
      break;
    case 'failed':
      icon = 'error';
      text = agent.unavailableReason() ?? 'agent stopped';
      break;
    case 'stopping':
      icon = 'off';
      text = 'agent stopping';
      break;
    case 'stopped':
      icon = 'off';
      text = 'agent stopped';
      break;
  }
  const line = `PlantDesk: ${text}`;
  return { icon, label: clip(line, LABEL_MAX), tooltip: clip(line, TOOLTIP_MAX) };
}
