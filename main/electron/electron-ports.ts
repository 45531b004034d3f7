import { app, net, Notification, shell } from 'electron';
import type { AppConfig, AppCorePorts, Logger } from '../core/ports';
import { createNapiKeychain } from '../core/keychain/napi-keychain';
import { nodeSystemPorts } from '../core/system-ports';
import { electronFetch } from './electron-fetch';
import { createOpenExternal } from './open-external';
import { createElectronSettingsStore } from './settings-store';

/**
 * The core's ports in Electron: OS keychain, electron-store, userData, the policy-checked openExternal, notifications;
 * Cal.com and relay REST calls on Chromium's network stack (system proxy, OS certificates; see electron-fetch.ts).
 * main/index.ts imports this module lazily: it brings the keyring's native addon and electron-store.
 */
export function createElectronPorts(
  config: AppConfig,
  logger: Logger,
  onSettingsRecovered: (message: string) => void,
): AppCorePorts {
  const dataDir = app.getPath('userData');
  const openExternal = createOpenExternal(
    (url) => shell.openExternal(url),
    (url, reason) => logger.warn('openExternal refused', { url, reason }),
  );
  return {
    config,
    keychain: createNapiKeychain(config.keychainService),
    settings: createElectronSettingsStore({
      userDataDir: dataDir,
      relayUrl: config.relayUrl,
      logger,
      onRecovered: onSettingsRecovered,
    }),
    dataDir,
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
    // Randomness, waiting and the relay sync path's fetch are Node's (electron-fetch.ts says why sync stays there).
    ...nodeSystemPorts(),
    fetch: electronFetch(net),
  };
}
