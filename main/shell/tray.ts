// The tray icon: the agent's state at a glance (icon, tooltip, first menu line), and the way back to the window
// or out of the app once the window is closed, since closing the window keeps the agent running.
import { Menu, Tray, nativeImage } from 'electron';
import { TRAY_ICON_DATA_URLS } from './trayIcons.js';
import { trayStatus, type AgentStatusSource } from './trayStatus.js';

export interface StatusTrayOptions {
  readonly agent: AgentStatusSource;
  readonly onShow: () => void;
  readonly onQuit: () => void;
}

export interface StatusTray {
  /** Re-reads the agent's state; call it on every spawn and exit. */
  refresh(): void;
  /** Says once per run, where the OS shows tray messages (Windows), that closing the window did not stop PlantDesk. */
  noteHiddenWindow(): void;
  destroy(): void;
}

export function createStatusTray(options: Readonly<StatusTrayOptions>): StatusTray {
  const { agent, onShow, onQuit } = options;
  const initial = trayStatus(agent);
  const tray = new Tray(nativeImage.createFromDataURL(TRAY_ICON_DATA_URLS[initial.icon]));
  // Double-click on Windows, click elsewhere: both bring the window back.
  tray.on('click', onShow);
  tray.on('double-click', onShow);
  let shown = '';

  const refresh = (): void => {
    if (tray.isDestroyed()) return;
    const status = trayStatus(agent);
    const key = `${status.icon}\n${status.label}`;
    if (key === shown) return;
    shown = key;
    tray.setImage(nativeImage.createFromDataURL(TRAY_ICON_DATA_URLS[status.icon]));
    tray.setToolTip(status.tooltip);
    // Rebuilt on each change: on Linux a menu changed after setContextMenu is not shown updated.
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status.label, enabled: false },
        { type: 'separator' },
        { label: 'Show PlantDesk', click: onShow },
        { label: 'Quit PlantDesk (stops the agent)', click: onQuit },
      ]),
    );
  };
  refresh();
  let noted = false;
  return {
    refresh,
    noteHiddenWindow: () => {
      if (noted || tray.isDestroyed() || process.platform !== 'win32') return;
      noted = true;
      tray.displayBalloon({ title: 'PlantDesk keeps running', content: 'The agent keeps buffering and posting. Open PlantDesk or quit it from this icon.' });
    },
    destroy: () => {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
