import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppFailure } from '../../../common/errors';
import { createMemoryKeychain } from '../keychain/memory-keychain';
import { OAuthFlow } from './oauth-flow';
import { PENDING_ATTEMPT_ACCOUNT, keychainPendingStore } from './pending-attempt';
import type { FetchFn } from '../ports';

/**
 * Issue 21: the consultant approves in the browser after the app was closed; the OS starts the app with the
 * callback link. The pending attempt (state + PKCE verifier, a secret: kept in the keychain) must still be found,
 * and an expired one must say so instead of being silently "unknown".
 */
const config = {
  calcomAppUrl: 'https://app.cal.com',
  calcomApiUrl: 'https://api.cal.com',
  clientId: 'client-1',
  redirectUri: 'https://relay.example.com/oauth/calcom/callback',
};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function flowWith(keychain: ReturnType<typeof createMemoryKeychain>, now: () => number, fetch?: FetchFn) {
  const seen: { tokens: unknown[]; failures: AppFailure[] } = { tokens: [], failures: [] };
  const flow = new OAuthFlow({
    config,
    clock: { now },
    logger: silent,
    fetch: fetch ?? (() => Promise.reject(new Error('no token exchange expected'))),
    random: randomBytes,
    pendingStore: keychainPendingStore(keychain),
    onExchanging: () => undefined,
    onAuthorized: async (t) => void seen.tokens.push(t),
    onFailed: (err) => void seen.failures.push(err),
  });
  return { flow, seen };
}

describe('cold-start OAuth callback', () => {
  it('a restarted app completes the sign-in with the verifier kept in the keychain, then forgets it', async () => {
    const keychain = createMemoryKeychain();
    const first = flowWith(keychain, () => 1_000);
    const state = new URL(await first.flow.begin()).searchParams.get('state')!;
    expect(JSON.parse((await keychain.get(PENDING_ATTEMPT_ACCOUNT))!)).toMatchObject({
      state,
      expiresAt: 1_000 + 10 * 60_000,
    });

    let sentVerifier: string | null = null;
    const fetch: FetchFn = async (_input, init) => {
      sentVerifier =
        new URLSearchParams(String(init?.body)).get('code_verifier') ??
        (JSON.parse(String(init?.body)) as { code_verifier?: string }).code_verifier ??
        null;
      return new Response(
        JSON.stringify({ access_token: 'a', refresh_token: 'r', expires_in: 1800, token_type: 'Bearer' }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    };
    const second = flowWith(keychain, () => 60_000, fetch); // a new process: nothing in memory
    const handled = await second.flow.handleCallbackUrl(`lifescore://calcom/callback?code=abc&state=${state}`);
    expect(handled.outcome).toBe('accepted');
    if (handled.outcome === 'accepted') await handled.done;
    expect(second.seen.failures).toEqual([]);
    expect(second.seen.tokens).toHaveLength(1);
    expect(sentVerifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(await keychain.get(PENDING_ATTEMPT_ACCOUNT)).toBeNull();
  });

  it('after more than 10 minutes the consultant is told the sign-in expired', async () => {
    const keychain = createMemoryKeychain();
    const state = new URL(await flowWith(keychain, () => 0).flow.begin()).searchParams.get('state')!;
    const later = flowWith(keychain, () => 11 * 60_000);
    await later.flow.handleCallbackUrl(`lifescore://calcom/callback?code=abc&state=${state}`);
    expect(later.seen.failures.map((f) => [f.code, f.message])).toEqual([
      ['oauth_expired', expect.stringContaining('longer than 10 minutes')],
    ]);
  });

  it('reads the keychain once for stray callback links, not once per link, and again after a failed read (security review 42)', async () => {
    const keychain = createMemoryKeychain();
    let reads = 0;
    let locked = true;
    const counted = {
      ...keychain,
      get: async (account: string) => {
        reads++;
        if (locked) throw new Error('the keychain is locked');
        return keychain.get(account);
      },
    };
    const { flow } = flowWith(counted, () => 0);
    const stray = (n: number) =>
      flow.handleCallbackUrl(`lifescore://calcom/callback?code=x&state=${'s'.repeat(20)}${n}`);
    expect((await stray(1)).outcome).toBe('ignored');
    expect(reads).toBe(1); // refused: tried again on the next link
    locked = false;
    for (let n = 2; n < 12; n++) expect((await stray(n)).outcome).toBe('ignored');
    expect(reads).toBe(2);
  });

  it('a cancelled attempt is gone from the keychain', async () => {
    const keychain = createMemoryKeychain();
    const { flow } = flowWith(keychain, () => 0);
    await flow.begin();
    await flow.cancel();
    expect(await keychain.get(PENDING_ATTEMPT_ACCOUNT)).toBeNull();
  });
});
