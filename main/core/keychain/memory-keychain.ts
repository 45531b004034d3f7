import type { Keychain } from '../ports';

/** An in-memory Keychain for tests; `entries` is exposed so tests can assert what was (not) stored. */
export interface MemoryKeychain extends Keychain {
  readonly entries: Map<string, string>;
}

/** Creates an empty in-memory keychain. */
export function createMemoryKeychain(initial?: Record<string, string>): MemoryKeychain {
  const entries = new Map(Object.entries(initial ?? {}));
  return {
    entries,
    get: async (account) => entries.get(account) ?? null,
    set: async (account, secret) => void entries.set(account, secret),
    delete: async (account) => entries.delete(account),
  };
}
