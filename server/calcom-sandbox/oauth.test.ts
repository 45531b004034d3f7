import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenResponseSchema } from '../../common/calcom';
import { createSandbox, type Sandbox } from './index';
import { SandboxStore } from './store';
import {
  ALL_SCOPES,
  api,
  authorize,
  connect,
  LOOPBACK_REDIRECT,
  pkce,
  startSandbox,
  tokenRequest,
} from '../../tests/support/sandbox/sandbox-test-kit';
import { s256, TokenService } from './token-service';
import { buildClients } from './oauth-clients';

let sandbox: Sandbox;
let url: string;
beforeAll(
  async () =>
    ({ sandbox, url } = await startSandbox({ redirectUris: ['https://relay.example.com/oauth/calcom/callback'] })),
);
afterAll(() => sandbox.stop());

const base = () => {
  const { challenge, verifier } = pkce();
  return {
    verifier,
    params: {
      client_id: 'lifescore-desktop',
      redirect_uri: LOOPBACK_REDIRECT,
      scope: ALL_SCOPES,
      state: 'st-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    },
  };
};
const authorizeUrl = (p: Record<string, string>) => `${url}/auth/oauth2/authorize?${new URLSearchParams(p)}`;

describe('GET /auth/oauth2/authorize', () => {
  it('shows a consent page with a labelled consultant select and Allow / Deny buttons', async () => {
    const res = await fetch(authorizeUrl(base().params));
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/<label for="username">Sign in as<\/label><select id="username" name="username">/);
    expect(body).toContain('<option value="dana-reyes">Dana Reyes (dana@example.com)</option>');
    expect(body).toContain('value="allow">Allow</button>');
    expect(body).toContain('value="deny">Deny</button>');
    expect(body).not.toContain('<script');
  });

  it('shows unknown client and unregistered redirect_uri on the page, never redirecting', async () => {
    const unknown = await fetch(authorizeUrl({ ...base().params, client_id: 'nope' }), { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Client not found');
    for (const redirect_uri of [
      'http://127.0.0.1:53683/calcom/callback',
      `${LOOPBACK_REDIRECT}/`,
      'lifescore://calcom/callback',
      'http://127.0.0.1:5001/oauth/calcom/callback?x=1',
    ]) {
      const res = await fetch(authorizeUrl({ ...base().params, redirect_uri }), { redirect: 'manual' });
      expect(res.status, redirect_uri).toBe(400);
      expect(await res.text()).toContain('Invalid redirect URI');
    }
  });

  it('accepts every registered URI: relay default, loopback default, and extra ones', async () => {
    for (const redirect_uri of [
      'http://127.0.0.1:5001/oauth/calcom/callback',
      LOOPBACK_REDIRECT,
      'https://relay.example.com/oauth/calcom/callback',
    ]) {
      expect((await fetch(authorizeUrl({ ...base().params, redirect_uri }))).status, redirect_uri).toBe(200);
    }
  });

  it('rejects custom schemes and non-loopback http at registration, as Cal.com does', () => {
    expect(() => createSandbox({ redirectUris: ['lifescore://calcom/callback'] })).toThrow(/HTTPS is required/);
    expect(() => createSandbox({ redirectUris: ['http://example.com/cb'] })).toThrow(/HTTPS is required/);
    expect(() => createSandbox({ redirectUris: ['https://example.com/cb#frag'] })).toThrow(/fragment/);
    expect(buildClients(['http://localhost:1/cb', 'http://printer.local/cb', 'https://x.example/cb']).size).toBe(1);
  });

  it('redirects scope and PKCE problems back with error, error_description and state', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ scope: '' }, 'invalid_scope', 'scope_required'],
      [{ scope: 'PROFILE_READ SCHEDULE_WRITE' }, 'invalid_scope', 'scope_exceeds_client_registration'],
      [{ code_challenge: '' }, 'invalid_request', 'pkce_required'],
      [{ code_challenge_method: 'plain' }, 'invalid_request', 'invalid_code_challenge_method'],
    ];
    for (const [override, error, description] of cases) {
      const res = await fetch(authorizeUrl({ ...base().params, ...override }), { redirect: 'manual' });
      expect(res.status).toBe(303);
      const loc = new URL(res.headers.get('location') ?? '');
      expect(`${loc.origin}${loc.pathname}`).toBe(LOOPBACK_REDIRECT);
      expect(loc.searchParams.get('error'), JSON.stringify(override)).toBe(error);
      expect(loc.searchParams.get('error_description')).toBe(description);
      expect(loc.searchParams.get('state')).toBe('st-123');
    }
  });

  it('accepts comma separated scopes', async () => {
    const { params, verifier } = base();
    const loc = await authorize(url, { ...params, scope: 'PROFILE_READ,BOOKING_READ' });
    const t = await tokenRequest(url, {
      grant_type: 'authorization_code',
      client_id: 'lifescore-desktop',
      code: loc.searchParams.get('code') ?? '',
      redirect_uri: LOOPBACK_REDIRECT,
      code_verifier: verifier,
    });
    expect(t.body.scope).toBe('PROFILE_READ BOOKING_READ');
  });

  it('Deny redirects with error=access_denied and the state; Allow with code and state', async () => {
    const denied = await authorize(url, base().params, { decision: 'deny' });
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('st-123');
    expect(denied.searchParams.has('code')).toBe(false);
    const allowed = await authorize(url, base().params);
    expect(allowed.searchParams.get('code')).toMatch(/.{40,}/);
    expect(allowed.searchParams.get('state')).toBe('st-123');
  });
});

describe('POST /v2/auth/oauth2/token', () => {
  const exchange = async (as: 'json' | 'form' = 'json', tweak: Record<string, string> = {}) => {
    const { params, verifier } = base();
    const code = (await authorize(url, params)).searchParams.get('code') ?? '';
    const body = {
      grant_type: 'authorization_code',
      client_id: 'lifescore-desktop',
      code,
      redirect_uri: LOOPBACK_REDIRECT,
      code_verifier: verifier,
      ...tweak,
    };
    return { body, res: await tokenRequest(url, body, as) };
  };

  it('exchanges a code (JSON and form) for RFC-style tokens with Cache-Control: no-store', async () => {
    for (const as of ['json', 'form'] as const) {
      const { res } = await exchange(as);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(tokenResponseSchema.parse(res.body)).toMatchObject({
        token_type: 'bearer',
        expires_in: 1800,
        scope: ALL_SCOPES,
      });
    }
  });

  it('codes are single use', async () => {
    const { body, res } = await exchange();
    expect(res.status).toBe(200);
    const again = await tokenRequest(url, body);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('verifies PKCE and the redirect_uri, and consumes the code on failure', async () => {
    const wrongVerifier = await exchange('json', { code_verifier: pkce().verifier });
    expect(wrongVerifier.res.body).toEqual({ error: 'invalid_grant', error_description: 'pkce_verification_failed' });
    const missing = await exchange('json', { code_verifier: '' });
    expect(missing.res.body.error).toBe('invalid_request');
    // A confidential-shaped body (client_secret) may omit code_verifier, but PKCE is still enforced for the public client.
    const secretOnly = await (async () => {
      const { params } = base();
      const code = (await authorize(url, params)).searchParams.get('code') ?? '';
      return tokenRequest(url, {
        grant_type: 'authorization_code',
        client_id: 'lifescore-desktop',
        code,
        redirect_uri: LOOPBACK_REDIRECT,
        client_secret: 'x',
      });
    })();
    expect(secretOnly.body).toEqual({
      error: 'invalid_request',
      error_description: 'pkce_missing_parameters_or_invalid_method',
    });
    const wrongRedirect = await exchange('json', { redirect_uri: 'http://127.0.0.1:5001/oauth/calcom/callback' });
    expect(wrongRedirect.res.body).toEqual({ error: 'invalid_grant', error_description: 'redirect_uri_mismatch' });
    const retry = await tokenRequest(url, { ...wrongRedirect.body, redirect_uri: LOOPBACK_REDIRECT });
    expect(retry.body.error).toBe('invalid_grant');
  });

  it('is strict: unknown fields, bad grant types, unknown clients and secrets are refused', async () => {
    expect((await exchange('json', { extra: '1' })).res.body).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('property extra should not exist'),
    });
    const noGrant = await tokenRequest(url, { client_id: 'lifescore-desktop' });
    expect(noGrant.body.error).toBe('invalid_request');
    expect((await tokenRequest(url, { grant_type: 'refresh_token' })).body).toEqual({
      error: 'invalid_request',
      error_description: 'client_id is required',
    });
    // Cal.com's pipe answers an unknown grant_type with invalid_request (not unsupported_grant_type).
    expect((await tokenRequest(url, { grant_type: 'password', client_id: 'lifescore-desktop' })).body.error).toBe(
      'invalid_request',
    );
    const unknownClient = await exchange('json', { client_id: 'other' });
    expect(unknownClient.res.status).toBe(401);
    expect(unknownClient.res.body).toEqual({ error: 'invalid_client', error_description: 'client_not_found' });
    // OAuthService only checks secrets of confidential clients: a public client's client_secret is ignored.
    expect((await exchange('json', { client_secret: 'x' })).res.status).toBe(200);
    expect(
      (
        await tokenRequest(url, {
          grant_type: 'refresh_token',
          client_id: 'lifescore-desktop',
          refresh_token: 'not-a-token',
        })
      ).body,
    ).toEqual({ error: 'invalid_grant', error_description: 'invalid_refresh_token' });
    const malformed = await fetch(`${url}/v2/auth/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refresh rotates: every refresh revokes all other refresh tokens of the user+client; reuse is invalid_grant', async () => {
    const first = await connect(url, { username: 'omar-haddad' });
    const second = await connect(url, { username: 'omar-haddad' }); // a code exchange adds a token, it does not rotate
    const r = (rt: string) =>
      tokenRequest(url, { grant_type: 'refresh_token', client_id: 'lifescore-desktop', refresh_token: rt });
    const rotated = await r(first.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(tokenResponseSchema.parse(rotated.body).refresh_token).not.toBe(first.refresh_token);
    // The other connection's refresh token died with that refresh, and the used one cannot be reused.
    expect((await r(second.refresh_token)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh_token_revoked',
    });
    expect((await r(first.refresh_token)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh_token_revoked',
    });
    expect((await api(url, String(rotated.body.access_token), 'GET', '/v2/me')).body.data.username).toBe('omar-haddad');
    // Access tokens are not revoked by a refresh (Cal.com's are self-contained JWTs): they live until they expire.
    expect((await api(url, second.access_token, 'GET', '/v2/me')).status).toBe(200);
    expect((await r(String(rotated.body.refresh_token))).status).toBe(200);
  });

  it('revokeRefreshTokens(username) makes the next refresh fail with invalid_grant', async () => {
    const t = await connect(url, { username: 'mei-tanaka' });
    expect(sandbox.revokeRefreshTokens('mei-tanaka')).toBe(1);
    expect(
      (
        await tokenRequest(url, {
          grant_type: 'refresh_token',
          client_id: 'lifescore-desktop',
          refresh_token: t.refresh_token,
        })
      ).body,
    ).toEqual({ error: 'invalid_grant', error_description: 'refresh_token_revoked' });
  });
});

describe('token lifetimes', () => {
  it('authorization codes expire after 10 minutes', () => {
    let now = 1_000_000;
    const store = new SandboxStore();
    const tokens = new TokenService(store, 1800, () => now);
    const client = [...buildClients([LOOPBACK_REDIRECT]).values()][0]!;
    const { verifier, challenge } = pkce();
    const code = tokens.issueCode({
      clientId: client.clientId,
      userId: 48213,
      scopes: ['PROFILE_READ'],
      redirectUri: LOOPBACK_REDIRECT,
      codeChallenge: challenge,
    });
    now += 10 * 60_000;
    expect(() => tokens.exchangeCode(client, { code, redirectUri: LOOPBACK_REDIRECT, codeVerifier: verifier })).toThrow(
      /code_invalid_or_expired/,
    );
    const fresh = tokens.issueCode({
      clientId: client.clientId,
      userId: 48213,
      scopes: ['PROFILE_READ'],
      redirectUri: LOOPBACK_REDIRECT,
      codeChallenge: s256(verifier),
    });
    now += 10 * 60_000 - 1;
    expect(
      tokens.exchangeCode(client, { code: fresh, redirectUri: LOOPBACK_REDIRECT, codeVerifier: verifier }).expires_in,
    ).toBe(1800);
  });

  it('access tokens expire after accessTokenTtlSeconds and then answer 401 in the v2 shape', async () => {
    const short = await startSandbox({ accessTokenTtlSeconds: 2 });
    try {
      const t = await connect(short.url);
      const issuedBefore = Date.now();
      expect(t.expires_in).toBe(2);
      expect((await api(short.url, t.access_token, 'GET', '/v2/me')).status).toBe(200);
      await new Promise((r) => setTimeout(r, Math.max(0, issuedBefore + 2100 - Date.now())));
      const res = await api(short.url, t.access_token, 'GET', '/v2/me');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 'error', path: '/v2/me', error: { code: 'UnauthorizedException' } });
      const refreshed = await tokenRequest(short.url, {
        grant_type: 'refresh_token',
        client_id: 'lifescore-desktop',
        refresh_token: t.refresh_token,
      });
      expect((await api(short.url, String(refreshed.body.access_token), 'GET', '/v2/me')).status).toBe(200);
    } finally {
      await short.sandbox.stop();
    }
  });

  it('expireAccessTokens() makes every token answer 401 now', async () => {
    const t = await connect(url);
    sandbox.expireAccessTokens();
    expect((await api(url, t.access_token, 'GET', '/v2/me')).status).toBe(401);
  });
});
