import type { Settings } from '../../common/settings';
import { settingsSchema } from '../../common/settings';
import type { SettingsStore } from '../core/ports';

/** The slice of electron-store (and conf, which it extends) the adapter uses; a Map-backed fake in tests. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/**
 * SettingsStore over a key-value store, in the layout main/core/settings/conf-settings.ts uses for the browser
 * host (`{ settings, records }`), so Electron and the host read each other's files. Reading is forgiving: a file
 * from an older version or edited by hand is merged over the defaults, and anything invalid falls back to them.
 */
export function createSettingsAdapter(kv: KeyValueStore, defaults: Settings): SettingsStore {
  const records = (): Record<string, unknown> => {
    const value = kv.get('records');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  };
  return {
    read() {
      const stored = kv.get('settings');
      if (typeof stored !== 'object' || stored === null) return defaults;
      const s = stored as Partial<Settings>;
      const merged = {
        ...defaults,
        ...s,
        profile: { ...defaults.profile, ...(s.profile ?? {}) },
        services: { ...defaults.services, ...(s.services ?? {}) },
      };
      const parsed = settingsSchema.safeParse(merged);
      return parsed.success ? parsed.data : defaults;
    },
    write(settings) {
      kv.set('settings', settingsSchema.parse(settings));
    },
    readRecord<T>(key: string) {
      return records()[key] as T | undefined;
    },
    writeRecord<T>(key: string, value: T | undefined) {
      const next = { ...records() };
      if (value === undefined) delete next[key];
      else next[key] = value;
      kv.set('records', next);
    },
  };
}
