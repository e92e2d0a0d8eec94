// A hand-written stand-in for the parts of the `electron` module the shell uses; tests load it with
// vi.mock('electron', () => import('./fakeElectron.js')) and read what the shell did to it.
import { EventEmitter } from 'node:events';

type Handler = (...args: never[]) => unknown;

export class FakeSession {
  headersListener: ((details: { responseHeaders?: Record<string, string[]> }, callback: (response: unknown) => void) => void) | null = null;
  permissionRequestHandler: Handler | null = null;
  permissionCheckHandler: Handler | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>): void => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: Handler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Handler): void {
    this.permissionCheckHandler = handler;
  }
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly session = new FakeSession();
  readonly sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  #destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  destroy(): void {
    this.#destroyed = true;
    this.emit('destroyed');
  }
  /** Emits will-navigate the way Electron does and says whether the shell prevented it. */
  navigate(url: string): boolean {
    let prevented = false;
    this.emit('will-navigate', { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
  }
  visible = true;
  #destroyed = false;
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  /** Like the user closing the window: 'close' may be prevented, otherwise the window goes and 'closed' follows. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.#destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

export interface FakeMenuItem {
  readonly label?: string;
  readonly type?: string;
  readonly enabled?: boolean;
  readonly click?: () => void;
}

export const Menu = {
  buildFromTemplate(template: FakeMenuItem[]): { items: FakeMenuItem[] } {
    return { items: template };
  },
};

export const nativeImage = {
  createFromDataURL(dataUrl: string): { dataUrl: string } {
    return { dataUrl };
  },
};

export class Tray extends EventEmitter {
  static readonly created: Tray[] = [];
  /** Set to make the next constructor throw, as Electron does where no status area exists. */
  static failNext: Error | null = null;
  image: { dataUrl: string };
  tooltip = '';
  menu: { items: FakeMenuItem[] } | null = null;
  destroyed = false;
  constructor(image: { dataUrl: string }) {
    super();
    if (Tray.failNext !== null) {
      const error = Tray.failNext;
      Tray.failNext = null;
      throw error;
    }
    this.image = image;
    Tray.created.push(this);
  }
  setImage(image: { dataUrl: string }): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  readonly balloons: { title: string; content: string }[] = [];
  displayBalloon(options: { title: string; content: string }): void {
    this.balloons.push(options);
  }
  setContextMenu(menu: { items: FakeMenuItem[] }): void {
    this.menu = menu;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Clicks the menu item whose label starts with `label`. */
  clickItem(label: string): void {
    const item = this.menu?.items.find((entry) => entry.label?.startsWith(label));
    if (item?.click === undefined) throw new Error(`no menu item ${label}`);
    item.click();
  }
}

export class FakeUtilityProcess extends EventEmitter {
  readonly posted: unknown[] = [];
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: unknown,
  ) {
    super();
  }
  postMessage(message: unknown): void {
    this.posted.push(structuredClone(message));
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

export const forks: FakeUtilityProcess[] = [];
export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options?: unknown): FakeUtilityProcess {
    const child = new FakeUtilityProcess(modulePath, args, options);
    forks.push(child);
    return child;
  },
};

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`); // as Electron does
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke would get back. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  }
}
export const ipcMain = new FakeIpcMain();

class FakeApp extends EventEmitter {
  singleInstance = true;
  quitCalls = 0;
  sandboxEnabled = false;
  ready = false;
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    this.ready = true;
    return Promise.resolve();
  }
  /** Like Electron: before-quit listeners may cancel with preventDefault. */
  quit(): void {
    this.quitCalls += 1;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.emit('will-quit');
  }
}
export const app = new FakeApp();

/** An IPC event as Electron hands it to ipcMain listeners. */
export function ipcEvent(sender: FakeWebContents, frameUrl: string | null): { sender: FakeWebContents; senderFrame: { url: string } | null } {
  return { sender, senderFrame: frameUrl === null ? null : { url: frameUrl } };
}

/** safeStorage as unavailable by default; tests pass their own SafeStorageLike where it matters. */
export const safeStorage = {
  isEncryptionAvailable: (): boolean => false,
  encryptString: (): Buffer => {
    throw new Error('safeStorage unavailable in tests');
  },
  decryptString: (): string => {
    throw new Error('safeStorage unavailable in tests');
  },
  getSelectedStorageBackend: (): string => 'unknown',
};
