import { join, resolve } from 'node:path';
import { app, ipcMain, Menu, net, protocol, shell } from 'electron';
import log from 'electron-log/main';
import type { AppCore } from './core/ports';
import { readBakedConfig } from './core/config/baked-config';
import { RELEASE_CONFIG_FILE } from './core/config/release-config';
import { resolveAppConfig } from './core/config/resolve-config';
import { createSetupCore } from './core/config/setup-core';
import { buildMenuTemplate } from './electron/app-menu';
import { debuggingSwitches } from './electron/debug-switches';
import { registerAppSchemePrivileges, serveAppProtocol } from './electron/app-protocol';
import { APP_INDEX_URL } from './electron/app-url';
import { devOverrides, logFileFor } from './electron/dev-overrides';
import { registerApiIpc } from './electron/ipc';
import { createElectronLogger } from './electron/logger';
import { runMainProcess } from './electron/main-process';
import { installNavigationGuard } from './electron/navigation-guard';
import { createOpenExternal } from './electron/open-external';
import { appPathFromArgv, protocolClientRegistration } from './electron/protocol-client';
import { startTodayBadge } from './electron/today-badge';

/**
 * Electron entry: wiring only (DESIGN.md §8); the order of events lives in electron/main-process.ts, which is
 * unit-tested with a fake `app`. Nothing here loads a native module at the top: better-sqlite3, the keyring and
 * electron-store arrive through the dynamic imports in createCore/createWindow, so a second instance that only
 * hands a link over never loads them.
 */
// A release never runs with the DevTools protocol open to other local processes (debug-switches.ts). Checked first,
// before the app is ready: no window, and so no API, exists yet.
const debugging = app.isPackaged ? debuggingSwitches((name) => app.commandLine.hasSwitch(name)) : [];
if (debugging.length > 0) {
  process.stderr.write(`LifeScore Consultant does not start with --${debugging.join(', --')}.\n`);
  app.exit(1);
}
const overrides = devOverrides(process.env, app.isPackaged);
// Before anything reads userData: the single-instance lock, electron-log's folder and electron-store live there.
if (overrides.userDataDir) app.setPath('userData', overrides.userDataDir);
const logger = createElectronLogger(logFileFor(overrides));
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

// The release's Cal.com client and relay are baked into out/main/release-config.json at build time (issue 17);
// in development the environment overrides them and the sandbox is the fallback. Missing → the setup screen.
const resolved = resolveAppConfig({
  env: process.env,
  baked: readBakedConfig(join(here, RELEASE_CONFIG_FILE)),
  envOverrides: !app.isPackaged,
  ...(app.isPackaged ? {} : { sandboxUrl: process.env.LIFESCORE_SANDBOX_URL ?? 'http://127.0.0.1:5555' }),
  sandboxRelayUrl: 'http://127.0.0.1:5001',
  version: app.getVersion(),
  production: app.isPackaged,
});
const config =
  resolved.kind === 'ready' && overrides.keychainService
    ? { ...resolved.config, keychainService: overrides.keychainService }
    : resolved.kind === 'ready'
      ? resolved.config
      : null;

const main = runMainProcess({
  app,
  platform: process.platform,
  argv: process.argv,
  registration,
  logger,
  beforeReady: () => registerAppSchemePrivileges(protocol),
  onReady: () => {
    serveAppProtocol(protocol, net, join(here, '../renderer'));
    const openExternal = createOpenExternal(
      (url) => shell.openExternal(url),
      (url, reason) => logger.warn('openExternal refused', { url, reason }),
    );
    app.on('web-contents-created', (_event, contents) =>
      installNavigationGuard(contents, {
        appBase,
        openExternal,
        onBlocked: (what, url) => logger.warn('blocked', { what, url: url.slice(0, 200) }),
      }),
    );
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          isMac: process.platform === 'darwin',
          isDev: !app.isPackaged,
          appName: app.getName(),
          onOpenLogs: () => shell.showItemInFolder(log.transports.file.getFile().path),
          onOpenDataFolder: () => void shell.openPath(app.getPath('userData')),
        }),
      ),
    );
  },
  createWindow: async () => {
    const { createMainWindow } = await import('./electron/main-window');
    return createMainWindow({
      preloadPath: join(here, '../preload/index.cjs'),
      url: appBase,
      devTools: !app.isPackaged,
    });
  },
  createCore: async (): Promise<AppCore> => {
    if (resolved.kind === 'setup' || !config)
      return createSetupCore(resolved.kind === 'setup' ? resolved.problems : [], logger);
    const [{ createAppCore }, { createElectronPorts }] = await Promise.all([
      import('./core/app-core'),
      import('./electron/electron-ports'),
    ]);
    const ports = createElectronPorts(config, logger, (message) =>
      main.notice({ type: 'toast', level: 'error', message }),
    );
    const core = createAppCore(ports);
    startTodayBadge({
      listBookings: core.handlers.listBookings,
      subscribe: (l) => core.onEvent(l),
      setBadge: (n) => app.setBadgeCount(n),
    });
    return core;
  },
  registerIpc: (handlers) =>
    registerApiIpc({
      ipcMain,
      handlers,
      appBase,
      onRejected: (method, url) => logger.warn('IPC from an untrusted sender', { method, url }),
    }),
});
void main.started;
