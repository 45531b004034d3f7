import type { Settings, SettingsPatch } from '../../../common/settings';
import { settingsSchema } from '../../../common/settings';

/** Applies an updateSettings patch (profile merged field by field; null removes a field) and validates the result. */
export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  const profile: Record<string, unknown> = { ...current.profile };
  for (const [key, value] of Object.entries(patch.profile ?? {})) {
    if (value === null) delete profile[key];
    else if (value !== undefined) profile[key] = value;
  }
  return settingsSchema.parse({ ...current, ...patch, profile });
}
