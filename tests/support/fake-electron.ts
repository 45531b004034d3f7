import { EventEmitter } from 'node:events';
import type {
  GlueApp,
  GlueEvent as ElectronEvent,
  GlueWindow,
  RenderProcessGoneDetails,
} from '../../main/electron/main-process';

/**
 * Fakes of Electron's `app`, BrowserWindow and webContents for unit tests of the glue. They are assigned to the
 * glue's types, which are `Pick`s of Electron's own typings, so a signature the glue relies on cannot drift from
 * Electron's; the helper methods emit events with the arguments and in the order Electron documents.
 */
export function electronEvent(): ElectronEvent & { defaultPrevented: boolean } {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeApp extends EventEmitter {
  // Electron's `on` returns the App/WebContents/BrowserWindow itself (`this` of the real class); `any` lets the fake
  // stand in for that while its parameters are still checked against every overload of Electron's signatures.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override on(event: string | symbol, listener: (...args: any[]) => void): any {
    return super.on(event, listener);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override once(event: string | symbol, listener: (...args: any[]) => void): any {
    return super.once(event, listener);
  }

  readonly calls: string[] = [];
  readonly protocolClients: Array<{ scheme: string; path?: string; args?: string[] }> = [];
  appUserModelId: string | undefined;
  quitted = false;
  private lock: boolean;
  private resolveReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));

  constructor(opts: { readonly primary?: boolean } = {}) {
    super();
    this.lock = opts.primary ?? true;
  }

  requestSingleInstanceLock(_additionalData?: Record<string, unknown>): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.lock;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }

  setAsDefaultProtocolClient(scheme: string, path?: string, args?: string[]): boolean {
    this.protocolClients.push({ scheme, ...(path ? { path } : {}), ...(args ? { args } : {}) });
    return true;
  }

  /** Electron's app.quit(): before-quit (cancellable), then will-quit and quit. */
  quit(): void {
    this.calls.push('quit');
    const event = electronEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.emit('will-quit', electronEvent());
    this.quitted = true;
    this.emit('quit', electronEvent(), 0);
  }

  /** The start of a launch, before `ready` (a cold macOS link arrives between these two). */
  launch(): void {
    this.emit('will-finish-launching');
  }

  ready(): void {
    this.emit('ready', electronEvent(), {});
    this.resolveReady();
  }

  openUrl(url: string): ElectronEvent & { defaultPrevented: boolean } {
    const event = electronEvent();
    this.emit('open-url', event, url);
    return event;
  }

  secondInstance(argv: string[], additionalData: unknown = {}): void {
    this.emit('second-instance', electronEvent(), argv, '/home/dana', additionalData);
  }

  activate(hasVisibleWindows: boolean): void {
    this.emit('activate', electronEvent(), hasVisibleWindows);
  }
}

export class FakeWebContents extends EventEmitter {
  // Electron's `on` returns the App/WebContents/BrowserWindow itself (`this` of the real class); `any` lets the fake
  // stand in for that while its parameters are still checked against every overload of Electron's signatures.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override on(event: string | symbol, listener: (...args: any[]) => void): any {
    return super.on(event, listener);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override once(event: string | symbol, listener: (...args: any[]) => void): any {
    return super.once(event, listener);
  }

  readonly loaded: string[] = [];
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  reloads = 0;
  destroyed = false;

  reload(): void {
    this.reloads += 1;
  }

  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  /** A main-frame navigation starting (a reload) or a same-document one (a hash route change). */
  startNavigation(details: { isMainFrame: boolean; isSameDocument: boolean; url?: string }): void {
    const event = Object.assign(electronEvent(), {
      url: details.url ?? 'app://renderer/index.html',
      isSameDocument: details.isSameDocument,
      isMainFrame: details.isMainFrame,
      frame: null,
      initiator: undefined,
    });
    this.emit('did-start-navigation', event, event.url, details.isSameDocument, details.isMainFrame, 1, 1);
  }

  failLoad(errorCode: number, errorDescription: string, validatedURL: string, isMainFrame = true): void {
    this.emit('did-fail-load', electronEvent(), errorCode, errorDescription, validatedURL, isMainFrame, 1, 1);
  }

  goneAway(reason: RenderProcessGoneDetails['reason']): void {
    const details: RenderProcessGoneDetails = { reason, exitCode: reason === 'clean-exit' ? 0 : 139 };
    this.emit('render-process-gone', electronEvent(), details);
  }
}

export class FakeWindow extends EventEmitter {
  // Electron's `on` returns the App/WebContents/BrowserWindow itself (`this` of the real class); `any` lets the fake
  // stand in for that while its parameters are still checked against every overload of Electron's signatures.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override on(event: string | symbol, listener: (...args: any[]) => void): any {
    return super.on(event, listener);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override once(event: string | symbol, listener: (...args: any[]) => void): any {
    return super.once(event, listener);
  }

  readonly webContents = new FakeWebContents();
  destroyed = false;
  visible = false;
  minimized = false;
  focused = 0;

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.minimized = false;
  }

  show(): void {
    this.visible = true;
  }

  focus(): void {
    this.focused += 1;
  }

  /** The user closes the window: close, then closed, then it is destroyed. */
  close(): void {
    this.emit('close', electronEvent());
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

/** Compile-time proof that the fakes fit the glue's Electron-typed slices. */
export const asGlueApp = (app: FakeApp): GlueApp => app;
export const asGlueWindow = (window: FakeWindow): GlueWindow => window;
