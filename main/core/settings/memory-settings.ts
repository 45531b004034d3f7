import type { Settings } from '../../../common/settings';
import { defaultSettings } from '../../../common/settings';
import type { SettingsStore } from '../ports';

/** An in-memory SettingsStore for tests; values are deep-copied so callers cannot mutate stored state by accident. */
export function createMemorySettingsStore(
  initial?: Settings,
  relayUrl = 'http://127.0.0.1:5001',
): SettingsStore & { readonly records: Map<string, unknown> } {
  let settings = structuredClone(initial ?? defaultSettings(relayUrl));
  const records = new Map<string, unknown>();
  return {
    records,
    read: () => structuredClone(settings),
    write: (next) => {
      settings = structuredClone(next);
    },
    readRecord: <T>(key: string) => (records.has(key) ? (structuredClone(records.get(key)) as T) : undefined),
    writeRecord: <T>(key: string, value: T | undefined) => {
      if (value === undefined) records.delete(key);
      else records.set(key, structuredClone(value));
    },
  };
}
