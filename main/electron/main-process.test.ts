import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiMethods } from '../../common/api';
import type { ApiHandlers, PushEvent } from '../../common/api';
import { API_EVENT_CHANNEL } from '../../common/api-methods';
import type { AppCore, Logger } from '../core/ports';
import { FakeApp, FakeWindow, asGlueApp, asGlueWindow } from '../../tests/support/fake-electron';
import { APP_USER_MODEL_ID, runMainProcess } from './main-process';
import type { MainProcessDeps } from './main-process';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const flush = () => new Promise((r) => setTimeout(r, 0));
const BOOKING = 'lifescore://bookings/abc123';

/** A core that records what the glue does with it; `start()` can be held open to prove nothing waits for it. */
function fakeCore(opts: { startHangs?: boolean; stop?: () => Promise<void> } = {}) {
  const listeners = new Set<(e: PushEvent) => void>();
  const log: string[] = [];
  const handlers = Object.fromEntries(
    apiMethods.map((m) => [m, async () => `${m} answered`]),
  ) as unknown as ApiHandlers;
  const core: AppCore = {
    handlers,
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async handleDeepLink(url) {
      log.push(`link ${url}`);
      const uid = /^lifescore:\/\/bookings\/(.+)$/.exec(url)?.[1];
      if (uid) for (const l of listeners) l({ type: 'open-booking', uid });
    },
    start: () => {
      log.push('start');
      return opts.startHangs ? new Promise<void>(() => undefined) : Promise.resolve();
    },
    stop: () => {
      log.push('stop');
      return opts.stop ? opts.stop() : Promise.resolve();
    },
  };
  return { core, log };
}

interface Harness {
  readonly app: FakeApp;
  readonly windows: FakeWindow[];
  readonly order: string[];
  handlers(): ApiHandlers;
  readonly main: ReturnType<typeof runMainProcess>;
}

function launch(
  opts: {
    platform?: NodeJS.Platform;
    argv?: string[];
    primary?: boolean;
    core?: () => Promise<AppCore>;
    scheme?: string;
    path?: string;
  } = {},
): Harness {
  const app = new FakeApp({ primary: opts.primary ?? true });
  const windows: FakeWindow[] = [];
  const order: string[] = [];
  let registered: ApiHandlers | null = null;
  const deps: MainProcessDeps = {
    app: asGlueApp(app),
    platform: opts.platform ?? 'linux',
    argv: opts.argv ?? ['/opt/LifeScore/lifescore-consultant'],
    registration: { scheme: opts.scheme ?? 'lifescore', ...(opts.path ? { path: opts.path, args: ['/src/app'] } : {}) },
    logger: silent,
    beforeReady: () => order.push('beforeReady'),
    onReady: () => order.push('onReady'),
    createWindow: async () => {
      order.push('window');
      const w = new FakeWindow();
      windows.push(w);
      return asGlueWindow(w);
    },
    createCore: async () => {
      order.push('core');
      return opts.core ? opts.core() : fakeCore().core;
    },
    registerIpc: (h) => {
      order.push('ipc');
      registered = h;
    },
  };
  const main = runMainProcess(deps);
  return {
    app,
    windows,
    order,
    main,
    handlers: () => {
      if (!registered) throw new Error('IPC was not registered');
      return registered;
    },
  };
}

const sentEvents = (w: FakeWindow) =>
  w.webContents.sent.filter((s) => s.channel === API_EVENT_CHANNEL).map((s) => s.args[0] as PushEvent);

afterEach(() => vi.useRealTimers());

describe('main process glue: single instance', () => {
  it('a second instance only hands over and quits: no window, no core, no IPC, no protocol registration', async () => {
    const h = launch({ primary: false, argv: ['/opt/app', BOOKING] });
    expect(h.main.primary).toBe(false);
    expect(h.app.calls).toEqual(['requestSingleInstanceLock', 'quit']);
    h.app.launch();
    h.app.ready();
    await flush();
    expect(h.order).toEqual([]);
    expect(h.app.protocolClients).toEqual([]);
  });
});

describe('main process glue: deep links wait for the renderer', () => {
  it('cold start with a booking link in argv: window first, link delivered only after rendererReady', async () => {
    const { core, log } = fakeCore();
    const h = launch({ argv: ['/opt/app', '--no-sandbox', BOOKING], core: async () => core });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    expect(h.order).toEqual(['beforeReady', 'ipc', 'onReady', 'window', 'core']);
    expect(log).toEqual(['start']); // the page has not said it listens: the link waits
    const window = h.windows[0]!;
    await h.handlers().rendererReady({});
    await flush();
    expect(log).toEqual(['start', `link ${BOOKING}`]);
    expect(sentEvents(window)).toEqual([{ type: 'open-booking', uid: 'abc123' }]);
  });

  it('macOS: open-url before ready is kept (and its default prevented), then delivered once the page is ready', async () => {
    const { core, log } = fakeCore();
    const h = launch({ platform: 'darwin', core: async () => core });
    h.app.launch();
    const event = h.app.openUrl(BOOKING);
    expect(event.defaultPrevented).toBe(true);
    expect(h.windows).toHaveLength(0);
    h.app.ready();
    await h.main.started;
    expect(h.windows).toHaveLength(1);
    await h.handlers().rendererReady({});
    await flush();
    expect(log).toContain(`link ${BOOKING}`);
  });

  it('macOS with every window closed: open-url opens a new window and waits for its page', async () => {
    const { core, log } = fakeCore();
    const h = launch({ platform: 'darwin', core: async () => core });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    await h.handlers().rendererReady({});
    h.windows[0]!.close();
    h.app.emit('window-all-closed');
    expect(h.app.quitted).toBe(false); // macOS apps stay running
    h.app.openUrl('lifescore://bookings/later');
    await flush();
    expect(h.windows).toHaveLength(2);
    expect(h.windows[1]!.visible).toBe(true);
    expect(log).not.toContain('link lifescore://bookings/later');
    await h.handlers().rendererReady({});
    await flush();
    expect(log).toContain('link lifescore://bookings/later');
    expect(sentEvents(h.windows[1]!)).toEqual([{ type: 'open-booking', uid: 'later' }]);
  });

  it('second-instance with no window (macOS) opens one; with a window it restores and focuses it', async () => {
    const h = launch({ platform: 'darwin' });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    const first = h.windows[0]!;
    first.minimized = true;
    h.app.secondInstance(['/opt/app', BOOKING]);
    await flush();
    expect(first.minimized).toBe(false);
    expect(first.focused).toBe(1);
    first.close();
    h.app.secondInstance(['/opt/app'], { argv: ['/opt/app', BOOKING] });
    await flush();
    expect(h.windows).toHaveLength(2);
  });

  it('a reload holds links until the page is ready again; hash-route changes do not', async () => {
    const { core, log } = fakeCore();
    const h = launch({ core: async () => core });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    await h.handlers().rendererReady({});
    const w = h.windows[0]!;
    w.webContents.startNavigation({ isMainFrame: true, isSameDocument: true });
    h.app.secondInstance(['/opt/app', 'lifescore://bookings/one']);
    await flush();
    expect(log).toContain('link lifescore://bookings/one');
    w.webContents.startNavigation({ isMainFrame: true, isSameDocument: false });
    h.app.secondInstance(['/opt/app', 'lifescore://bookings/two']);
    await flush();
    expect(log).not.toContain('link lifescore://bookings/two');
    await h.handlers().rendererReady({});
    await flush();
    expect(log).toContain('link lifescore://bookings/two');
  });

  it('ignores argv with two links (ambiguous) and links of other schemes', async () => {
    const { core, log } = fakeCore();
    const h = launch({ argv: ['/opt/app', BOOKING, 'lifescore://bookings/x'], core: async () => core });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    h.app.secondInstance(['/opt/app', 'lifescore-dev://bookings/dev']);
    await h.handlers().rendererReady({});
    await flush();
    expect(log.filter((l) => l.startsWith('link'))).toEqual([]);
  });

  it('notices (a recovered settings file) wait for the page and arrive as toasts', async () => {
    const h = launch();
    h.main.notice({ type: 'toast', level: 'error', message: 'The settings file was damaged' });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    expect(sentEvents(h.windows[0]!)).toEqual([]);
    await h.handlers().rendererReady({});
    expect(sentEvents(h.windows[0]!)).toEqual([
      { type: 'toast', level: 'error', message: 'The settings file was damaged' },
    ]);
  });
});

describe('main process glue: start-up', () => {
  it('the API answers while the core is still starting (network work is not awaited by the window or IPC)', async () => {
    const { core } = fakeCore({ startHangs: true });
    const h = launch({ core: async () => core });
    h.app.launch();
    h.app.ready();
    await flush();
    await flush();
    expect(h.windows).toHaveLength(1);
    await expect(h.handlers().getState({})).resolves.toBe('getState answered');
  });

  it('a core that cannot load (a native module ABI mismatch) shows the error page in the window; the app stays open', async () => {
    const h = launch({
      core: async () => {
        throw new Error("The module 'better_sqlite3.node' was compiled against a different Node.js version");
      },
    });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    const w = h.windows[0]!;
    expect(w.visible).toBe(true);
    const page = decodeURIComponent(w.webContents.loaded.at(-1)!);
    expect(page).toContain('could not start');
    expect(page).toContain('compiled against a different Node.js version');
    expect(h.app.quitted).toBe(false);
    await expect(h.handlers().getState({})).rejects.toThrow(/different Node.js version/);
  });

  it('a failed page load is reloaded once, then replaced by a clear error page; a crashed renderer is reloaded', async () => {
    const h = launch();
    h.app.launch();
    h.app.ready();
    await h.main.started;
    const w = h.windows[0]!;
    w.webContents.failLoad(-3, 'ERR_ABORTED', 'app://renderer/index.html'); // a load replaced by another: not a failure
    expect(w.webContents.reloads).toBe(0);
    w.webContents.failLoad(-6, 'ERR_FILE_NOT_FOUND', 'app://renderer/index.html');
    expect(w.webContents.reloads).toBe(1);
    expect(w.webContents.loaded).toEqual([]);
    w.webContents.failLoad(-6, 'ERR_FILE_NOT_FOUND', 'app://renderer/index.html');
    expect(w.webContents.reloads).toBe(1);
    expect(decodeURIComponent(w.webContents.loaded[0]!)).toContain('ERR_FILE_NOT_FOUND');
    expect(w.visible).toBe(true);

    const h2 = launch();
    h2.app.launch();
    h2.app.ready();
    await h2.main.started;
    const w2 = h2.windows[0]!;
    w2.webContents.goneAway('clean-exit');
    expect(w2.webContents.reloads).toBe(0);
    w2.webContents.goneAway('crashed');
    expect(w2.webContents.reloads).toBe(1);
    w2.webContents.goneAway('oom');
    expect(decodeURIComponent(w2.webContents.loaded[0]!)).toContain('stopped working');
  });

  it('Windows: sets the AppUserModelId and registers the scheme with the dev path; Linux never calls setAsDefaultProtocolClient', () => {
    const win = launch({ platform: 'win32', scheme: 'lifescore-dev', path: 'C:\\electron.exe' });
    expect(win.app.appUserModelId).toBe(APP_USER_MODEL_ID);
    expect(win.app.protocolClients).toEqual([
      { scheme: 'lifescore-dev', path: 'C:\\electron.exe', args: ['/src/app'] },
    ]);
    const mac = launch({ platform: 'darwin' });
    expect(mac.app.appUserModelId).toBeUndefined();
    expect(mac.app.protocolClients).toEqual([{ scheme: 'lifescore' }]);
    const linux = launch({ platform: 'linux' });
    expect(linux.app.protocolClients).toEqual([]);
  });

  it('Linux and Windows quit when the last window closes', () => {
    const h = launch({ platform: 'linux' });
    h.app.emit('window-all-closed');
    expect(h.app.quitted).toBe(true);
  });
});

describe('main process glue: quit', () => {
  it('before-quit waits for core.stop(), then quits', async () => {
    let finishStop!: () => void;
    const { core, log } = fakeCore({ stop: () => new Promise<void>((r) => (finishStop = r)) });
    const h = launch({ core: async () => core });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    h.app.quit();
    expect(h.app.quitted).toBe(false);
    expect(log).toContain('stop');
    h.app.quit(); // a second request while stopping waits for the same stop
    expect(log.filter((l) => l === 'stop')).toHaveLength(1);
    finishStop();
    await flush();
    await flush();
    expect(h.app.quitted).toBe(true);
  });

  it('a stop that hangs does not hold the quit past its deadline (~3 s)', async () => {
    const { core } = fakeCore({ stop: () => new Promise<void>(() => undefined) });
    const h = launch({ core: async () => core });
    h.app.launch();
    h.app.ready();
    await h.main.started;
    vi.useFakeTimers();
    h.app.quit();
    await vi.advanceTimersByTimeAsync(2_900);
    expect(h.app.quitted).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(h.app.quitted).toBe(true);
  });

  it('quits at once when there is no core yet', () => {
    const h = launch();
    h.app.quit();
    expect(h.app.quitted).toBe(true);
  });
});
