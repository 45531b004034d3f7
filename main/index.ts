import { resolve, join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, shell } from 'electron';
import log from 'electron-log/main';
import { createAppCore } from './core/app-core';
import { loadAppConfig } from './core/config/app-config';
import type { AppCore } from './core/ports';
import { buildMenuTemplate } from './electron/app-menu';
import { registerAppSchemePrivileges, serveAppProtocol } from './electron/app-protocol';
import { APP_INDEX_URL } from './electron/app-url';
import { argvFromAdditionalData, extractDeepLink } from './electron/deep-link-argv';
import { devOverrides } from './electron/dev-overrides';
import { createElectronLogger } from './electron/logger';
import { createElectronPorts } from './electron/electron-ports';
import { forwardPushEvents, registerApiIpc } from './electron/ipc';
import { createMainWindow, focusWindow } from './electron/main-window';
import { installNavigationGuard } from './electron/navigation-guard';
import { appPathFromArgv, protocolClientRegistration } from './electron/protocol-client';
import { startTodayBadge } from './electron/today-badge';

/**
 * Electron entry: glue only (DESIGN.md §8). Order matters: the single-instance lock first, `open-url` inside
 * `will-finish-launching` (a cold-start link on macOS arrives before `ready`), privileged schemes before ready.
 */
const overrides = devOverrides(process.env, app.isPackaged);
// Before anything reads userData: the single-instance lock, electron-log's folder and electron-store live there.
if (overrides.userDataDir) app.setPath('userData', overrides.userDataDir);
const logger = createElectronLogger();
const here = import.meta.dirname;
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const appBase = devServerUrl ?? APP_INDEX_URL;
const appArg = appPathFromArgv(process.argv);
const registration = protocolClientRegistration({
  packaged: app.isPackaged,
  defaultApp: Boolean(process.defaultApp),
  execPath: process.execPath,
  appPath: appArg ? resolve(appArg) : undefined,
});
const schemes = [registration.scheme];

let core: AppCore | undefined;
let window: BrowserWindow | null = null;
const pendingLinks: string[] = [];

/** Hands a deep link to the core, or keeps it until the core has started. */
function deliverLink(url: string): void {
  if (!core) {
    pendingLinks.push(url);
    return;
  }
  core.handleDeepLink(url).catch((err: unknown) => logger.warn('deep link failed', { error: err }));
}

if (!app.requestSingleInstanceLock({ argv: process.argv })) {
  app.quit();
} else {
  registerAppSchemePrivileges(protocol);

  app.on('will-finish-launching', () => {
    app.on('open-url', (event, url) => {
      event.preventDefault();
      const link = extractDeepLink([url], schemes);
      if (link) deliverLink(link);
      focusWindow(window);
    });
  });

  app.on('second-instance', (_event, argv, _cwd, additionalData) => {
    const link = extractDeepLink(argv, schemes) ?? extractDeepLink(argvFromAdditionalData(additionalData), schemes);
    if (link) deliverLink(link);
    focusWindow(window);
  });

  // Windows and Linux start a cold app with the link in argv.
  const coldLink = extractDeepLink(process.argv, schemes);
  if (coldLink) pendingLinks.push(coldLink);

  if (registration.path) app.setAsDefaultProtocolClient(registration.scheme, registration.path, [...(registration.args ?? [])]);
  else app.setAsDefaultProtocolClient(registration.scheme);

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let stopping = false;
  app.on('before-quit', (event) => {
    if (!core || stopping) return;
    stopping = true;
    event.preventDefault();
    core
      .stop()
      .catch((err: unknown) => logger.error('core stop failed', { error: err }))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      logger.error('start failed', { error: err });
      dialog.showErrorBox('LifeScore Consultant could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}

async function start(): Promise<void> {
  serveAppProtocol(protocol, net, join(here, '../renderer'));
  const loaded = loadAppConfig(process.env, {
    sandboxUrl: app.isPackaged ? undefined : (process.env.LIFESCORE_SANDBOX_URL ?? 'http://127.0.0.1:5555'),
    relayUrl: process.env.RELAY_URL ?? 'http://127.0.0.1:5001',
    version: app.getVersion(),
    production: app.isPackaged,
  });
  const config = overrides.keychainService ? { ...loaded, keychainService: overrides.keychainService } : loaded;
  const ports = createElectronPorts(config, logger);

  app.on('web-contents-created', (_event, contents) =>
    installNavigationGuard(contents, {
      appBase,
      openExternal: ports.openExternal,
      onBlocked: (what, url) => logger.warn('blocked', { what, url: url.slice(0, 200) }),
    }),
  );

  const appCore = createAppCore(ports);
  registerApiIpc({
    ipcMain,
    handlers: appCore.handlers,
    appBase,
    onRejected: (method, url) => logger.warn('IPC from an untrusted sender', { method, url }),
  });
  forwardPushEvents((listener) => appCore.onEvent(listener), () => (window && !window.isDestroyed() ? window.webContents : null));
  await appCore.start();
  core = appCore;
  startTodayBadge({ listBookings: appCore.handlers.listBookings, subscribe: (l) => appCore.onEvent(l), setBadge: (n) => app.setBadgeCount(n) });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        isMac: process.platform === 'darwin',
        isDev: !app.isPackaged,
        appName: app.getName(),
        onOpenLogs: () => shell.showItemInFolder(log.transports.file.getFile().path),
        onOpenDataFolder: () => void shell.openPath(ports.dataDir),
      }),
    ),
  );

  const openWindow = () => {
    window = createMainWindow({ preloadPath: join(here, '../preload/index.cjs'), url: devServerUrl ?? APP_INDEX_URL });
    window.on('closed', () => (window = null));
  };
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  for (const link of pendingLinks.splice(0)) deliverLink(link);
}
