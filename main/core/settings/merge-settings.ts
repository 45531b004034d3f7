import type { Settings, SettingsPatch } from '../../../common/settings';
import { settingsSchema } from '../../../common/settings';

/** Applies an updateSettings patch (profile merged field by field) and validates the result. */
export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  return settingsSchema.parse({ ...current, ...patch, profile: { ...current.profile, ...(patch.profile ?? {}) } });
}
