// The one BrowserWindow, locked down per Electron's security checklist: isolated, sandboxed, no Node,
// a CSP, no permissions, no new windows, no navigation away from the app's own page.
import { BrowserWindow, type Session, type WebContents } from 'electron';
import { isAppUrl } from './appPaths.js';

/** Same policy as the renderer's <meta> tag; the tag is what protects file:// pages where webRequest does not reach. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** CSP on every response and a flat "no" to every permission (camera, notifications, serial, ...). */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Drop any policy already present so ours is the only one, whatever its case.
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** No popups, no webviews, no navigation except to the app's own page (e.g. a reload). */
export function guardWebContents(contents: WebContents, appUrl: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly appUrl: string;
}

export function createMainWindow(options: Readonly<MainWindowOptions>): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'PlantDesk',
    // Shown once painted, so the supervisor never sees a white flash on the control-room screen.
    show: false,
    // Written out here, not built by a helper, so Electronegativity (which reads this call) sees every flag.
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click would ask for a new window; the window open handler denies it anyway, this stops it earlier.
      disableBlinkFeatures: 'Auxclick',
      preload: options.preloadPath,
    },
  });
  hardenSession(window.webContents.session);
  guardWebContents(window.webContents, options.appUrl);
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.appUrl).catch((error: unknown) => {
    console.error(`PlantDesk: could not load ${options.appUrl}: ${String(error)}`);
  });
  return window;
}
