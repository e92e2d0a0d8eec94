// The window's security settings: flags, CSP, permissions, popups and navigation.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow } from './fakeElectron.js';
import { CONTENT_SECURITY_POLICY, createMainWindow } from '../../../main/shell/window.js';

vi.mock('electron', () => import('./fakeElectron.js'));

const appUrl = 'file:///opt/plantdesk/build/renderer/index.html';

describe('createMainWindow', () => {
  let window: BrowserWindow;
  beforeEach(() => {
    window = createMainWindow({ preloadPath: '/opt/plantdesk/build/node/main/shell/preload.cjs', appUrl }) as unknown as BrowserWindow;
  });

  it('uses exactly the secure web preferences', () => {
    expect(window.options.webPreferences).toEqual({
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
      disableBlinkFeatures: 'Auxclick',
      preload: '/opt/plantdesk/build/node/main/shell/preload.cjs',
    });
    expect(window.loadedUrl).toBe(appUrl);
  });

  it('adds the CSP header, replacing any other policy', () => {
    const listener = window.webContents.session.headersListener;
    expect(listener).not.toBeNull();
    let response: unknown;
    listener?.({ responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] } }, (r) => (response = r));
    expect(response).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('denies every permission request and check', () => {
    const { permissionRequestHandler, permissionCheckHandler } = window.webContents.session;
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'serial']) {
      const callback = vi.fn();
      (permissionRequestHandler as (...args: unknown[]) => void)(window.webContents, permission, callback, {});
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect((permissionCheckHandler as (...args: unknown[]) => unknown)(window.webContents, permission, 'file:///', {})).toBe(false);
    }
  });

  it('denies window.open', () => {
    expect(window.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(window.webContents.windowOpenHandler?.({ url: appUrl })).toEqual({ action: 'deny' });
  });

  it('prevents navigation away from the app and allows the app page itself', () => {
    const contents = window.webContents;
    expect(contents.navigate('https://evil.example')).toBe(true);
    expect(contents.navigate('file:///etc/passwd')).toBe(true);
    // Prefix tricks a startsWith check would let through.
    expect(contents.navigate(`${appUrl}.evil.html`)).toBe(true);
    expect(contents.navigate('file:///opt/plantdesk/build/renderer/index.html/../../../../etc/passwd')).toBe(true);
    expect(contents.navigate('not a url')).toBe(true);
    expect(contents.navigate(appUrl)).toBe(false);
    expect(contents.navigate(`${appUrl}#/exceptions`)).toBe(false);
  });

  it('refuses to attach webviews', () => {
    let prevented = false;
    window.webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    expect(prevented).toBe(true);
  });
});
