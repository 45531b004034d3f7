import { isAbsolute, join } from 'node:path';

/**
 * Environment overrides honoured by development builds only (`electron .`), so a test run or a second developer
 * profile never touches the real app data or the real keychain entries. A packaged app ignores them: its data
 * location and keychain service are not something the environment of whoever launches it should redirect.
 */
export interface DevOverrides {
  /** LIFESCORE_USER_DATA_DIR: app.setPath('userData') before anything reads it (the single-instance lock lives there). */
  readonly userDataDir?: string;
  /** LIFESCORE_KEYCHAIN_SERVICE: the keychain service name instead of "LifeScore Consultant (development)". */
  readonly keychainService?: string;
}

const MAX_SERVICE_LENGTH = 200;

/** Reads the overrides; relative paths, empty values and control characters are ignored rather than guessed at. */
export function devOverrides(env: Readonly<Record<string, string | undefined>>, packaged: boolean): DevOverrides {
  if (packaged) return {};
  const dir = env.LIFESCORE_USER_DATA_DIR?.trim();
  const service = env.LIFESCORE_KEYCHAIN_SERVICE?.trim();
  return {
    ...(dir && isAbsolute(dir) ? { userDataDir: dir } : {}),
    ...(service &&
    service.length <= MAX_SERVICE_LENGTH &&
    ![...service].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
      ? { keychainService: service }
      : {}),
  };
}

/**
 * Where electron-log writes when LIFESCORE_USER_DATA_DIR moves the profile. electron-log does not follow userData on
 * macOS (it writes to ~/Library/Logs/<app name>), so a test run or a second profile would write into the real
 * app's log; with the override the log lives in the overridden folder on every OS. Undefined: electron-log's default.
 */
export function logFileFor(overrides: DevOverrides): string | undefined {
  return overrides.userDataDir ? join(overrides.userDataDir, 'logs', 'main.log') : undefined;
}
