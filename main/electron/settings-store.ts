import ElectronStore from 'electron-store';
import { defaultSettings } from '../../common/settings';
import type { SettingsStore } from '../core/ports';
import { createSettingsAdapter } from './settings-adapter';

/** Settings in electron-store's `config.json` in userData (never secrets: those are in the keychain). */
export function createElectronSettingsStore(relayUrl: string): SettingsStore {
  const store = new ElectronStore<Record<string, unknown>>({
    name: 'config',
    // Record keys contain dots ("calcom.integration"): they are keys, not paths.
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
  });
  return createSettingsAdapter(store, defaultSettings(relayUrl));
}
