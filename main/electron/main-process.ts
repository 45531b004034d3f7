import type { App, BrowserWindow, WebContents } from 'electron';
import { API_EVENT_CHANNEL } from '../../common/api-methods';
import type { ApiHandlers, PushEvent } from '../../common/api';
import type { AppCore, Logger } from '../core/ports';
import { argvFromAdditionalData, extractDeepLink } from './deep-link-argv';
import { deferredHandlers } from './deferred-handlers';
import type { ProtocolClientRegistration } from './protocol-client';
import { installQuitGuard } from './quit-guard';
import { RendererOutbox } from './renderer-outbox';
import { watchWindowHealth } from './window-recovery';
import type { RecoverableWindow } from './window-recovery';

/** Windows toasts carry the app's identity only with this id (the appId of electron-builder.yml). */
export const APP_USER_MODEL_ID = 'com.lifescore.consultant';

/** Electron's event object and crash details, for fakes outside the glue (which may not import electron). */
export type { Event as GlueEvent, RenderProcessGoneDetails } from 'electron';

/** The parts of Electron's `app` the glue uses (a fake with the same typings stands in for unit tests). */
export type GlueApp = Pick<
  App,
  'on' | 'quit' | 'requestSingleInstanceLock' | 'whenReady' | 'setAppUserModelId' | 'setAsDefaultProtocolClient'
>;

/** The parts of a BrowserWindow the glue uses. */
export type GlueWindow = RecoverableWindow &
  Pick<BrowserWindow, 'on' | 'isMinimized' | 'restore' | 'focus'> & {
    readonly webContents: RecoverableWindow['webContents'] & Pick<WebContents, 'send'>;
  };

export interface MainProcessDeps {
  readonly app: GlueApp;
  readonly platform: NodeJS.Platform;
  readonly argv: readonly string[];
  /** The scheme this build answers (lifescore, or lifescore-dev in development) and how to register it. */
  readonly registration: ProtocolClientRegistration;
  readonly logger: Logger;
  /** Things Electron requires before `ready` (privileged schemes). */
  readonly beforeReady: () => void;
  /** Everything else that needs `ready` but no native module (the app:// handler, the menu, navigation guards). */
  readonly onReady: () => void;
  /** Creates and loads the main window (its module loads lazily). */
  readonly createWindow: () => Promise<GlueWindow>;
  /**
   * Loads and builds the core: better-sqlite3, the keyring and electron-store are imported in here and nowhere
   * earlier, so a second instance that only hands a link over never loads them, and a module that fails to load
   * (an ABI mismatch) ends in the app's own error page instead of a crash before any window exists.
   */
  readonly createCore: () => Promise<AppCore>;
  /** Registers the IPC API once; the handlers wait for the core and answer `rendererReady` themselves. */
  readonly registerIpc: (handlers: ApiHandlers) => void;
  readonly quitDeadlineMs?: number;
}

export interface MainProcess {
  /** False in a second instance: it handed its link over and quits. */
  readonly primary: boolean;
  /** Resolves when start-up finished (window open, core started or failed visibly). */
  readonly started: Promise<void>;
  /** Queues a message for the consultant (shown as a toast once the page listens). */
  notice(event: PushEvent): void;
}

/**
 * The Electron main process's lifecycle, written against `app`'s real typings so the order of events is unit-tested
 * with a fake `app` (tests/support/fake-electron.ts). In order: single-instance lock; link handlers (`open-url` in
 * `will-finish-launching`, where a cold-start macOS link arrives); protocol registration (never on Linux); on ready
 * the window FIRST, then the core, whose network work is not awaited by anything the consultant sees. Links and
 * notices wait in a RendererOutbox until the page calls `rendererReady`.
 */
export function runMainProcess(deps: MainProcessDeps): MainProcess {
  const { app, logger } = deps;
  const schemes = [deps.registration.scheme];
  let window: GlueWindow | null = null;
  let opening: Promise<GlueWindow> | null = null;
  let core: AppCore | null = null;
  let isReady = false;
  let fatal: { title: string; detail: string } | null = null;
  let health: ReturnType<typeof watchWindowHealth> | null = null;

  const outbox = new RendererOutbox({
    send: (event) => {
      if (window && !window.isDestroyed() && !window.webContents.isDestroyed())
        window.webContents.send(API_EVENT_CHANNEL, event);
    },
    onLinkFailed: (err) => logger.warn('deep link failed', { error: err }),
  });

  if (!app.requestSingleInstanceLock({ argv: [...deps.argv] })) {
    // The first instance got our argv through `second-instance`; nothing else (no native module) loads here.
    app.quit();
    return { primary: false, started: Promise.resolve(), notice: () => undefined };
  }

  deps.beforeReady();
  if (deps.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  /** Opens the window if there is none (macOS keeps running with all windows closed), then brings it forward. */
  const ensureWindow = async (): Promise<GlueWindow> => {
    if (window && !window.isDestroyed()) return window;
    opening ??= deps.createWindow().then((created) => {
      window = created;
      opening = null;
      outbox.rendererGone();
      health = watchWindowHealth(created, { onProblem: (what, fields) => logger.error(what, fields) });
      created.on('closed', () => {
        if (window === created) window = null;
        outbox.rendererGone();
      });
      // A reload or a navigation of the page: its listeners are gone until it calls rendererReady again.
      // Hash-route changes are same-document navigations and keep them.
      created.webContents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) outbox.rendererGone();
      });
      created.webContents.on('render-process-gone', () => outbox.rendererGone());
      if (fatal) health.showError(fatal.title, fatal.detail);
      return created;
    });
    return opening;
  };

  const reveal = () => {
    if (!isReady) return; // the window opens at start; a link that came first waits in the outbox
    ensureWindow().then(
      (w) => {
        if (w.isMinimized()) w.restore();
        w.show();
        w.focus();
      },
      (err: unknown) => logger.error('could not open the window', { error: err }),
    );
  };

  const acceptLink = (link: string | null) => {
    if (link) outbox.pushLink(link);
    reveal();
  };

  app.on('will-finish-launching', () => {
    app.on('open-url', (event, url) => {
      event.preventDefault();
      acceptLink(extractDeepLink([url], schemes));
    });
  });
  app.on('second-instance', (_event, argv, _cwd, additionalData) => {
    acceptLink(extractDeepLink(argv, schemes) ?? extractDeepLink(argvFromAdditionalData(additionalData), schemes));
  });
  // Windows and Linux start a cold app with the link in argv.
  const coldLink = extractDeepLink(deps.argv, schemes);
  if (coldLink) outbox.pushLink(coldLink);

  registerProtocolClient(app, deps.platform, deps.registration, logger);

  app.on('window-all-closed', () => {
    if (deps.platform !== 'darwin') app.quit();
  });
  app.on('activate', reveal);
  installQuitGuard({
    app,
    stop: () => (core ? core.stop() : null),
    logger,
    ...(deps.quitDeadlineMs ? { deadlineMs: deps.quitDeadlineMs } : {}),
  });

  let resolveCore!: (core: AppCore) => void;
  let rejectCore!: (err: unknown) => void;
  const corePromise = new Promise<AppCore>((resolve, reject) => {
    resolveCore = resolve;
    rejectCore = reject;
  });
  corePromise.catch(() => undefined); // failures are shown by start(); calls made meanwhile get the error
  deps.registerIpc({
    ...deferredHandlers(corePromise),
    rendererReady: async () => {
      outbox.rendererReady();
      return null;
    },
  });

  const showFatal = (title: string, err: unknown) => {
    const detail = err instanceof Error ? err.message : String(err);
    logger.error(title, { error: err });
    fatal = { title, detail };
    health?.showError(title, detail);
  };

  const start = async () => {
    isReady = true;
    deps.onReady();
    // The window first: whatever the core does next, the consultant sees the app at once.
    const opened = ensureWindow().catch((err: unknown) => showFatal('The window could not open', err));
    let created: AppCore;
    try {
      created = await deps.createCore();
    } catch (err) {
      rejectCore(err);
      showFatal('LifeScore Consultant could not start', err);
      await opened;
      return;
    }
    core = created;
    resolveCore(created);
    created.onEvent((event) => outbox.forward(event));
    outbox.setSink(created);
    await opened;
    // start() opens the database synchronously, then resumes sync in the same promise: the window and the API
    // do not wait for it; only a failure is shown.
    await created.start().catch((err: unknown) => showFatal('LifeScore Consultant could not start', err));
  };

  const started = app.whenReady().then(start, (err: unknown) => showFatal('LifeScore Consultant could not start', err));
  return { primary: true, started, notice: (event) => outbox.pushNotice(event) };
}

/**
 * Registers the scheme with the OS where the app has to: Windows (NSIS writes no protocol key) and macOS (harmless,
 * Info.plist already declares it). Never on Linux: Electron ignores path and args there and runs
 * `xdg-settings set default-url-scheme-handler` synchronously at every launch, which with xdg-utils 1.1.3 and a
 * hyphenated .desktop name can make the app the default text/html handler (electron/electron#20382). The .desktop
 * file's `MimeType=x-scheme-handler/lifescore;` (electron-builder `protocols`) registers it at install instead.
 */
export function registerProtocolClient(
  app: Pick<App, 'setAsDefaultProtocolClient'>,
  platform: NodeJS.Platform,
  registration: ProtocolClientRegistration,
  logger: Logger,
): void {
  if (platform === 'linux') return;
  const ok = registration.path
    ? app.setAsDefaultProtocolClient(registration.scheme, registration.path, [...(registration.args ?? [])])
    : app.setAsDefaultProtocolClient(registration.scheme);
  if (!ok) logger.warn('could not register the URL scheme', { scheme: registration.scheme });
}
