import { describe, expect, it, vi } from 'vitest';
import type { TokenResponse } from '../../../common/calcom';
import { AppFailure } from '../../../common/errors';
import { createMemoryKeychain } from '../keychain/memory-keychain';
import { createTokenManager } from './token-manager';

const logger = { info: () => {}, warn: () => {}, error: () => {} };
const pair = (n: number, expiresIn = 1800): TokenResponse => ({
  access_token: `a${n}`,
  refresh_token: `r${n}`,
  token_type: 'bearer',
  expires_in: expiresIn,
});

function setup(refresh: (rt: string) => Promise<TokenResponse>) {
  let now = 0;
  const keychain = createMemoryKeychain();
  const onReconnectNeeded = vi.fn();
  const tm = createTokenManager({
    keychain,
    clock: { now: () => now },
    logger,
    refresh: vi.fn(refresh),
    onReconnectNeeded,
  });
  return { tm, keychain, onReconnectNeeded, advance: (ms: number) => (now += ms), refresh: tm };
}

describe('createTokenManager', () => {
  it('stores tokens only in the keychain and hands out the access token while fresh', async () => {
    const { tm, keychain } = setup(async () => pair(2));
    await tm.store(pair(1));
    expect(Object.fromEntries(keychain.entries)).toEqual({
      'calcom:access': 'a1',
      'calcom:refresh': 'r1',
      'calcom:expires': '1800000',
    });
    expect(await tm.accessToken()).toBe('a1');
  });

  it('refreshes 2 minutes ahead of expiry, single-flight, saving the rotated refresh token first', async () => {
    const order: string[] = [];
    let calls = 0;
    const { tm, keychain, advance } = setup(async (rt) => {
      calls++;
      order.push(`refresh(${rt})`);
      await new Promise((r) => setTimeout(r, 10));
      return pair(2);
    });
    await tm.store(pair(1));
    const origSet = keychain.set;
    keychain.set = async (account, secret) => {
      order.push(`set ${account}`);
      return origSet(account, secret);
    };
    advance(1800_000 - 120_000);
    const tokens = await Promise.all([
      tm.accessToken(),
      tm.accessToken(),
      tm.refreshAfterUnauthorized('a1'),
      tm.accessToken(),
    ]);
    expect(tokens).toEqual(['a2', 'a2', 'a2', 'a2']);
    expect(calls).toBe(1);
    expect(order).toEqual(['refresh(r1)', 'set calcom:refresh', 'set calcom:access', 'set calcom:expires']);
  });

  it('after a 401 with a token someone already replaced, does not refresh again', async () => {
    const refresh = vi.fn(async () => pair(3));
    const { tm } = setup(refresh);
    await tm.store(pair(2));
    expect(await tm.refreshAfterUnauthorized('a1')).toBe('a2');
    expect(refresh).not.toHaveBeenCalled();
    expect(await tm.refreshAfterUnauthorized('a2')).toBe('a3');
  });

  it('invalid_grant → reconnect-needed once, then fails fast without calling Cal.com (no retry storm)', async () => {
    let calls = 0;
    const { tm, onReconnectNeeded, advance } = setup(async () => {
      calls++;
      throw new AppFailure('reconnect_needed', 'revoked');
    });
    await tm.store(pair(1));
    advance(1800_000);
    const results = await Promise.allSettled([tm.accessToken(), tm.accessToken(), tm.accessToken()]);
    expect(results.every((r) => r.status === 'rejected' && (r.reason as AppFailure).code === 'reconnect_needed')).toBe(
      true,
    );
    await expect(tm.accessToken()).rejects.toMatchObject({ code: 'reconnect_needed' });
    await expect(tm.refreshAfterUnauthorized('a1')).rejects.toMatchObject({ code: 'reconnect_needed' });
    expect(calls).toBe(1);
    expect(onReconnectNeeded).toHaveBeenCalledTimes(1);
    expect(tm.isReconnectNeeded()).toBe(true);
    await tm.store(pair(5));
    expect(tm.isReconnectNeeded()).toBe(false);
    expect(await tm.accessToken()).toBe('a5');
  });

  it('a network failure during refresh is not a reconnect; the next call tries again', async () => {
    let fail = true;
    const { tm, advance } = setup(async () => {
      if (fail) throw new AppFailure('calcom_unavailable', 'down');
      return pair(2);
    });
    await tm.store(pair(1));
    advance(1800_000);
    await expect(tm.accessToken()).rejects.toMatchObject({ code: 'calcom_unavailable' });
    expect(tm.isReconnectNeeded()).toBe(false);
    fail = false;
    expect(await tm.accessToken()).toBe('a2');
  });

  it('without tokens says not connected; clear removes every entry', async () => {
    const { tm, keychain } = setup(async () => pair(2));
    await expect(tm.accessToken()).rejects.toMatchObject({ code: 'not_connected' });
    await tm.store(pair(1));
    expect(await tm.hasTokens()).toBe(true);
    await tm.clear();
    expect(keychain.entries.size).toBe(0);
    expect(await tm.hasTokens()).toBe(false);
  });
});
