import { app, Notification, shell } from 'electron';
import type { AppConfig, AppCorePorts, Logger } from '../core/ports';
import { createNapiKeychain } from '../core/keychain/napi-keychain';
import { allowedHostsFor, createOpenExternal } from './open-external';
import { createElectronSettingsStore } from './settings-store';

/** The core's ports in Electron: OS keychain, electron-store, userData, the allow-listed openExternal, notifications. */
export function createElectronPorts(config: AppConfig, logger: Logger): AppCorePorts {
  const openExternal = createOpenExternal(
    (url) => shell.openExternal(url),
    allowedHostsFor([config.calcomAppUrl, config.calcomApiUrl, config.relayUrl]),
    (url, reason) => logger.warn('openExternal refused', { url, reason }),
  );
  return {
    config,
    keychain: createNapiKeychain(config.keychainService),
    settings: createElectronSettingsStore(config.relayUrl),
    dataDir: app.getPath('userData'),
    openExternal,
    notify: (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
    logger,
    openPath: async (folder) => {
      // shell.openPath resolves with an error message instead of rejecting.
      const problem = await shell.openPath(folder);
      if (problem) throw new Error(problem);
    },
    runtime: { host: 'electron', electron: process.versions.electron, chrome: process.versions.chrome },
  };
}
