import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export type SettingsRecovery =
  | { readonly outcome: 'ok' | 'missing' }
  | { readonly outcome: 'restored' | 'reset'; readonly damagedCopy: string; readonly message: string };

/** The last copy of the settings file that parsed, kept beside it. */
export const backupPathOf = (file: string) => `${file}.backup`;

function parsesAsObject(file: string): boolean {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Runs before electron-store / conf open the settings file (config.json): a file that does not parse (a crash
 * mid-write on a filesystem without atomic rename, a hand edit, a disk error) would make electron-store throw and
 * the app not start, or (conf's clearInvalidConfig) silently forget the Cal.com connection records.
 * A good file refreshes the backup; a damaged one is moved aside (kept for support) and the backup restored, or
 * the app starts on defaults. Either way the consultant gets a message.
 */
export function recoverSettingsFile(file: string, now: () => Date = () => new Date()): SettingsRecovery {
  if (!existsSync(file)) return { outcome: 'missing' };
  const backup = backupPathOf(file);
  if (parsesAsObject(file)) {
    try {
      // Written next to it, then renamed: a crash while backing up never leaves a half backup behind.
      writeFileSync(`${backup}.tmp`, readFileSync(file));
      renameSync(`${backup}.tmp`, backup);
    } catch {
      // A backup that could not be refreshed keeps the previous one; the settings themselves are fine.
    }
    return { outcome: 'ok' };
  }
  const damagedCopy = `${file}.damaged-${now().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, damagedCopy);
  if (existsSync(backup) && parsesAsObject(backup)) {
    copyFileSync(backup, file);
    return {
      outcome: 'restored',
      damagedCopy,
      message:
        'The settings file was damaged, so LifeScore Consultant restored the last good copy. Check Settings; recent changes may be missing.',
    };
  }
  return {
    outcome: 'reset',
    damagedCopy,
    message:
      'The settings file was damaged and no good copy was found, so LifeScore Consultant started with default settings. If Cal.com was connected, connect it again.',
  };
}
