import { createHash, timingSafeEqual } from 'node:crypto';
import { randomToken } from './ids';
import type { OAuthClient } from './oauth-clients';
import type { SandboxToken } from './state';
import type { SandboxStore } from './store';

const CODE_TTL_MS = 10 * 60_000;
const REFRESH_TTL_MS = 30 * 24 * 3600_000;

/** RFC 6749 §5.2 error, as Cal.com's /v2/auth/oauth2/token answers it. */
export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  /** `description` is Cal.com's reason code (OAuthService), which its token endpoint sends as error_description. */
  constructor(error: 'invalid_request' | 'invalid_client' | 'invalid_grant', description: string) {
    super(description);
    this.error = error;
    this.status = error === 'invalid_client' ? 401 : 400;
  }
}

/** The token endpoint's success body (flat, not the v2 envelope). */
export interface TokenGrant {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
}

/** Why a bearer token was refused (all map to 401). */
export type AccessCheck = { ok: true; token: SandboxToken } | { ok: false; reason: 'unknown' | 'expired' };

/** base64url(SHA-256(verifier)): the S256 code challenge. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Authorization codes, access tokens and rotating refresh tokens (contract §1.2–1.6). */
export class TokenService {
  constructor(
    private readonly store: SandboxStore,
    private readonly accessTtlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Issues a 10-minute, single-use authorization code bound to client, user, scopes, redirect URI and PKCE challenge. */
  issueCode(input: {
    clientId: string;
    userId: number;
    scopes: string[];
    redirectUri: string;
    codeChallenge: string | null;
  }): string {
    const code = randomToken();
    const s = this.store.state;
    s.authCodes = s.authCodes.filter((c) => c.expiresAt > this.now());
    s.authCodes.push({ code, ...input, expiresAt: this.now() + CODE_TTL_MS });
    this.store.save();
    return code;
  }

  /**
   * authorization_code grant, in OAuthService.exchangeCodeForTokens' order: redirect URI, then the code (looked up
   * for this client and deleted by the first attempt, successful or not), then PKCE.
   */
  exchangeCode(client: OAuthClient, input: { code: string; redirectUri: string; codeVerifier?: string }): TokenGrant {
    const s = this.store.state;
    if (!client.redirectUris.includes(input.redirectUri))
      throw new OAuthError('invalid_grant', 'redirect_uri_mismatch');
    const found = s.authCodes.find((c) => c.code === input.code && c.clientId === client.clientId);
    if (!found) throw new OAuthError('invalid_grant', 'code_invalid_or_expired');
    s.authCodes = s.authCodes.filter((c) => c !== found);
    this.store.save();
    if (found.expiresAt <= this.now()) throw new OAuthError('invalid_grant', 'code_invalid_or_expired');
    // Stricter than the single-URI Cal.com check (registered URI): must equal the authorize request's URI (RFC 6749 §4.1.3).
    if (found.redirectUri !== input.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri_mismatch');
    if (found.codeChallenge !== null || client.type === 'PUBLIC') {
      if (!input.codeVerifier || !found.codeChallenge)
        throw new OAuthError('invalid_request', 'pkce_missing_parameters_or_invalid_method');
      if (!safeEqual(s256(input.codeVerifier), found.codeChallenge))
        throw new OAuthError('invalid_grant', 'pkce_verification_failed');
    }
    // exchangeCodeForTokens only adds a refresh token; older ones of the same user stay valid until the next refresh.
    return this.mint(found.clientId, found.userId, found.scopes, false);
  }

  /** refresh_token grant with Cal.com's rotation: all other refresh tokens of (user, client) are revoked. */
  refresh(client: OAuthClient, refreshToken: string): TokenGrant {
    const s = this.store.state;
    const found = s.refreshTokens.find((t) => t.token === refreshToken);
    if (!found) {
      // A rotated-out or revoked token is "revoked"; anything else never was a refresh token (JWT verify fails).
      throw new OAuthError(
        'invalid_grant',
        s.revokedRefreshTokens.includes(refreshToken) ? 'refresh_token_revoked' : 'invalid_refresh_token',
      );
    }
    // An expired JWT fails verification in Cal.com, hence invalid_refresh_token.
    if (found.expiresAt <= this.now()) throw new OAuthError('invalid_grant', 'invalid_refresh_token');
    if (found.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'client_id_mismatch');
    return this.mint(found.clientId, found.userId, found.scopes, true);
  }

  private mint(clientId: string, userId: number, scopes: string[], rotate: boolean): TokenGrant {
    const s = this.store.state;
    const now = this.now();
    const access = { token: randomToken(), clientId, userId, scopes, expiresAt: now + this.accessTtlSeconds * 1000 };
    const refresh = { token: randomToken(), clientId, userId, scopes, expiresAt: now + REFRESH_TTL_MS };
    s.accessTokens = s.accessTokens.filter((t) => t.expiresAt > now);
    s.accessTokens.push(access);
    // rotateTokenForUser: on refresh, delete every refresh token of this (client, user), keep only the new one.
    if (rotate) this.revoke((t) => t.clientId === clientId && t.userId === userId);
    s.refreshTokens = s.refreshTokens.filter((t) => t.expiresAt > now);
    s.refreshTokens.push(refresh);
    this.store.save();
    return {
      access_token: access.token,
      refresh_token: refresh.token,
      token_type: 'bearer',
      expires_in: this.accessTtlSeconds,
      scope: scopes.join(' '),
    };
  }

  /** Looks up a bearer token. Expired tokens are distinguished only for the log line; both answer 401. */
  checkAccess(token: string): AccessCheck {
    const found = this.store.state.accessTokens.find((t) => t.token === token);
    if (!found) return { ok: false, reason: 'unknown' };
    if (found.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token: found };
  }

  /** Fault injection: every access token expires now. */
  expireAccessTokens(): number {
    const now = this.now();
    let n = 0;
    for (const t of this.store.state.accessTokens) {
      if (t.expiresAt > now) n++;
      t.expiresAt = now;
    }
    this.store.save();
    return n;
  }

  /** Fault injection: revoke the refresh tokens of one user (or of everyone). */
  revokeRefreshTokens(userId?: number): number {
    const n = this.revoke((t) => userId === undefined || t.userId === userId);
    this.store.save();
    return n;
  }

  /** Removes matching refresh tokens, remembering them (bounded) so reuse reports refresh_token_revoked. */
  private revoke(match: (t: SandboxToken) => boolean): number {
    const s = this.store.state;
    const gone = s.refreshTokens.filter(match);
    s.refreshTokens = s.refreshTokens.filter((t) => !match(t));
    s.revokedRefreshTokens = [...s.revokedRefreshTokens, ...gone.map((t) => t.token)].slice(-1000);
    return gone.length;
  }
}
