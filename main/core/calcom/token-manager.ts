import type { TokenResponse } from '../../../common/calcom';
import { AppFailure } from '../../../common/errors';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Clock, Keychain, Logger } from '../ports';

/** Hands out a valid access token, refreshing single-flight (Cal.com rotates refresh tokens: a second refresher would revoke the first). */
export interface TokenManager {
  /** Saves a fresh token pair (after the code exchange) and clears "reconnect needed". */
  store(tokens: TokenResponse): Promise<void>;
  /** A token valid for at least the refresh margin; refreshes first when it is about to expire. */
  accessToken(): Promise<string>;
  /** After a 401 with `rejected`: refreshes once, unless someone already replaced that token. */
  refreshAfterUnauthorized(rejected: string): Promise<string>;
  hasTokens(): Promise<boolean>;
  /** Deletes the tokens from the keychain. */
  clear(): Promise<void>;
  isReconnectNeeded(): boolean;
}

export interface TokenManagerDeps {
  readonly keychain: Keychain;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The refresh grant (oauth/token-endpoint refreshGrant, bound to the config). */
  readonly refresh: (refreshToken: string) => Promise<TokenResponse>;
  readonly onReconnectNeeded?: () => void;
  /** Refresh this long before expiry (default 2 minutes). */
  readonly marginMs?: number;
}

/** Creates the token manager; tokens live only in the keychain, never in memory longer than a call. */
export function createTokenManager(deps: TokenManagerDeps): TokenManager {
  const { keychain, clock, logger } = deps;
  const margin = deps.marginMs ?? 2 * 60 * 1000;
  let inflight: Promise<string> | null = null;
  let reconnectNeeded = false;

  async function save(tokens: TokenResponse): Promise<void> {
    // The rotated refresh token first: once Cal.com issued it the old one is dead, so it must be on disk before anything else.
    await keychain.set(keychainAccounts.calcomRefresh, tokens.refresh_token);
    await keychain.set(keychainAccounts.calcomAccess, tokens.access_token);
    await keychain.set(keychainAccounts.calcomExpires, String(clock.now() + tokens.expires_in * 1000));
  }

  async function doRefresh(): Promise<string> {
    const refreshToken = await keychain.get(keychainAccounts.calcomRefresh);
    if (!refreshToken) throw markReconnect('no refresh token stored');
    let tokens: TokenResponse;
    try {
      tokens = await deps.refresh(refreshToken);
    } catch (err) {
      if (err instanceof AppFailure && err.code === 'reconnect_needed') throw markReconnect('refresh token rejected');
      throw err;
    }
    await save(tokens);
    logger.info('calcom tokens refreshed', { expiresIn: tokens.expires_in });
    return tokens.access_token;
  }

  function markReconnect(reason: string): AppFailure {
    if (!reconnectNeeded) {
      reconnectNeeded = true;
      logger.warn('calcom connection needs a reconnect', { reason });
      deps.onReconnectNeeded?.();
    }
    return reconnectFailure();
  }

  function refreshOnce(): Promise<string> {
    inflight ??= doRefresh().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async store(tokens) {
      reconnectNeeded = false;
      await save(tokens);
    },
    async accessToken() {
      if (reconnectNeeded) throw reconnectFailure();
      if (inflight) return inflight;
      const [access, expires] = await Promise.all([
        keychain.get(keychainAccounts.calcomAccess),
        keychain.get(keychainAccounts.calcomExpires),
      ]);
      if (!access) throw new AppFailure('not_connected', 'Cal.com is not connected.');
      const expiresAt = Number(expires);
      if (!Number.isFinite(expiresAt) || clock.now() >= expiresAt - margin) return refreshOnce();
      return access;
    },
    async refreshAfterUnauthorized(rejected) {
      if (reconnectNeeded) throw reconnectFailure();
      if (inflight) return inflight;
      const current = await keychain.get(keychainAccounts.calcomAccess);
      if (current && current !== rejected) return current;
      return refreshOnce();
    },
    async hasTokens() {
      return (await keychain.get(keychainAccounts.calcomRefresh)) !== null;
    },
    async clear() {
      await keychain.delete(keychainAccounts.calcomAccess);
      await keychain.delete(keychainAccounts.calcomRefresh);
      await keychain.delete(keychainAccounts.calcomExpires);
    },
    isReconnectNeeded: () => reconnectNeeded,
  };
}

function reconnectFailure(): AppFailure {
  return new AppFailure('reconnect_needed', 'Cal.com needs you to reconnect: the connection was revoked or expired.');
}
