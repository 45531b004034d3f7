import { join } from 'node:path';
import ElectronStore from 'electron-store';
import { defaultSettings } from '../../common/settings';
import type { Logger, SettingsStore } from '../core/ports';
import { recoverSettingsFile } from '../core/settings/settings-file-recovery';
import { createSettingsAdapter } from './settings-adapter';

/**
 * Settings in electron-store's `config.json` in userData (never secrets: those are in the keychain). A damaged file
 * is recovered first (settings-file-recovery.ts): electron-store would otherwise throw and the app not start.
 */
export function createElectronSettingsStore(opts: {
  readonly userDataDir: string;
  readonly relayUrl: string;
  readonly logger: Logger;
  readonly onRecovered: (message: string) => void;
}): SettingsStore {
  const recovery = recoverSettingsFile(join(opts.userDataDir, 'config.json'));
  if (recovery.outcome === 'restored' || recovery.outcome === 'reset') {
    opts.logger.warn('settings file was damaged', { outcome: recovery.outcome, damagedCopy: recovery.damagedCopy });
    opts.onRecovered(recovery.message);
  }
  const store = new ElectronStore<Record<string, unknown>>({
    name: 'config',
    cwd: opts.userDataDir,
    // Record keys contain dots ("calcom.integration"): they are keys, not paths.
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
  });
  return createSettingsAdapter(store, defaultSettings(opts.relayUrl));
}
