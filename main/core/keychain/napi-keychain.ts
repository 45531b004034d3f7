import type { EntryOptions } from '@napi-rs/keyring';
import { AsyncEntry } from '@napi-rs/keyring';
import { AppFailure } from '../../../common/errors';
import type { Keychain } from '../ports';

/**
 * Keychain on the OS store through @napi-rs/keyring's AsyncEntry (never blocks the event loop). On Linux the
 * entry is pinned to the Secret Service: without the pin the library silently falls back to kernel keyutils,
 * which forgets the tokens at reboot (electron-notes.md §3), so a missing keyring must be a visible error.
 */
export function createNapiKeychain(service: string, opts: { platform?: NodeJS.Platform } = {}): Keychain {
  const platform = opts.platform ?? process.platform;
  const options: EntryOptions | undefined = platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
  const entry = (account: string) => new AsyncEntry(service, account, options);

  return {
    async get(account) {
      return guard('read', () => entry(account).getPassword());
    },
    async set(account, secret) {
      await guard('save', () => entry(account).setPassword(secret));
    },
    async delete(account) {
      return guard('delete', () => entry(account).deleteCredential());
    },
  };
}

async function guard<T>(verb: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    throw new AppFailure('keychain_unavailable', keychainMessage(verb, cause), { cause });
  }
}

/** A message the consultant can act on; the library's text is kept for the log via `cause`. */
export function keychainMessage(verb: string, cause: unknown): string {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const linuxHint =
    process.platform === 'linux'
      ? ' On Linux this needs a Secret Service keyring (GNOME Keyring or KWallet) running and unlocked.'
      : '';
  return `Could not ${verb} credentials in the system keychain.${linuxHint} (${detail.slice(0, 200)})`;
}
