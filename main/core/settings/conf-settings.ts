import { join } from 'node:path';
import Conf from 'conf';
import type { Settings } from '../../../common/settings';
import { defaultSettings, settingsSchema } from '../../../common/settings';
import type { Logger, SettingsStore } from '../ports';
import { recoverSettingsFile } from './settings-file-recovery';

export interface ConfSettingsOptions {
  /** Folder of the JSON file (the browser host's data folder). */
  readonly cwd: string;
  /** File name without extension; electron-store's default is "config". */
  readonly configName?: string;
  readonly defaultRelayUrl: string;
  readonly logger?: Logger;
  /** Told when a damaged settings file was recovered (restored from its backup or reset), with a message for the consultant. */
  readonly onRecovered?: (message: string) => void;
}

type Shape = { settings: Settings; records: Record<string, unknown> };

/**
 * SettingsStore on `conf`, the file format electron-store 11 uses too, so the browser host and Electron read the same
 * layout: `{ settings, records }`. Settings that fail validation (hand edits, older versions) fall back to defaults.
 */
export function createConfSettingsStore(opts: ConfSettingsOptions): SettingsStore {
  const defaults = defaultSettings(opts.defaultRelayUrl);
  const configName = opts.configName ?? 'config';
  const recovery = recoverSettingsFile(join(opts.cwd, `${configName}.json`));
  if (recovery.outcome === 'restored' || recovery.outcome === 'reset') {
    opts.logger?.warn('settings file was damaged', { outcome: recovery.outcome, damagedCopy: recovery.damagedCopy });
    opts.onRecovered?.(recovery.message);
  }
  const conf = new Conf<Shape>({
    cwd: opts.cwd,
    configName,
    projectName: 'lifescore-consultant',
    defaults: { settings: defaults, records: {} },
    // Record keys contain dots ("calcom.integration"): they are keys, not paths.
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: true,
  });
  return {
    read() {
      // Merged over the defaults so a file from an older version (missing a newer field) keeps its values.
      const stored = (conf.get('settings') ?? {}) as Partial<Settings>;
      const merged = {
        ...defaults,
        ...stored,
        profile: { ...defaults.profile, ...stored.profile },
        services: { ...defaults.services, ...stored.services },
      };
      const parsed = settingsSchema.safeParse(merged);
      if (parsed.success) return parsed.data;
      opts.logger?.warn('settings file invalid; using defaults', { issues: parsed.error.issues.length });
      return defaults;
    },
    write(settings) {
      conf.set('settings', settingsSchema.parse(settings));
    },
    readRecord<T>(key: string) {
      return conf.get('records')[key] as T | undefined;
    },
    writeRecord<T>(key: string, value: T | undefined) {
      const records = { ...conf.get('records') };
      if (value === undefined) delete records[key];
      else records[key] = value;
      conf.set('records', records);
    },
  };
}
