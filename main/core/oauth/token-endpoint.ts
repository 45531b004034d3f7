import type { TokenResponse } from '../../../common/calcom';
import { oauthErrorSchema, tokenResponseSchema } from '../../../common/calcom';
import { AppFailure } from '../../../common/errors';
import { request } from '../http/request';
import type { FetchFn } from '../ports';
import { trimSlash } from './authorize-url';

export interface TokenEndpointOptions {
  readonly calcomApiUrl: string;
  readonly clientId: string;
  readonly fetch: FetchFn;
  readonly timeoutMs?: number;
}

/** The token endpoint answered with an RFC 6749 error (`invalid_grant`, …). */
export class OAuthTokenError extends AppFailure {
  constructor(
    readonly oauthError: string,
    readonly status: number,
    code: ConstructorParameters<typeof AppFailure>[0],
    message: string,
  ) {
    super(code, message);
  }
}

/** Exchanges an authorization code with its PKCE verifier (public client: no secret), calcom-contract.md §1.3. */
export function exchangeCode(
  opts: TokenEndpointOptions,
  p: { code: string; redirectUri: string; verifier: string },
): Promise<TokenResponse> {
  return postToken(
    opts,
    {
      grant_type: 'authorization_code',
      client_id: opts.clientId,
      code: p.code,
      redirect_uri: p.redirectUri,
      code_verifier: p.verifier,
    },
    (err) =>
      err === 'invalid_grant'
        ? ['oauth_expired', 'The sign-in code expired or was already used. Please connect again.']
        : ['calcom_error', `Cal.com refused the sign-in (${err}).`],
  );
}

/** Trades a refresh token for a new pair (Cal.com rotates: the old refresh token is dead afterwards), §1.4. */
export function refreshGrant(opts: TokenEndpointOptions, refreshToken: string): Promise<TokenResponse> {
  return postToken(
    opts,
    { grant_type: 'refresh_token', client_id: opts.clientId, refresh_token: refreshToken },
    (err) =>
      err === 'invalid_grant'
        ? ['reconnect_needed', 'Cal.com no longer accepts this connection. Please reconnect Cal.com.']
        : ['calcom_error', `Cal.com refused to renew the connection (${err}).`],
  );
}

async function postToken(
  opts: TokenEndpointOptions,
  body: Record<string, string>,
  mapError: (oauthError: string) => [ConstructorParameters<typeof AppFailure>[0], string],
): Promise<TokenResponse> {
  const res = await request(opts.fetch, {
    method: 'POST',
    url: `${trimSlash(opts.calcomApiUrl)}/v2/auth/oauth2/token`,
    headers: { accept: 'application/json' },
    json: body,
    timeoutMs: opts.timeoutMs ?? 15_000,
  });
  if (res.kind === 'unreachable') {
    throw new AppFailure('calcom_unavailable', 'Cal.com could not be reached. Check your connection and try again.', {
      cause: res.error,
    });
  }
  if (res.ok) {
    const parsed = tokenResponseSchema.safeParse(res.body);
    if (parsed.success) return parsed.data;
    throw new AppFailure('calcom_error', 'Cal.com answered the sign-in with an unexpected response.');
  }
  if (res.status >= 500)
    throw new AppFailure(
      'calcom_unavailable',
      `Cal.com is having trouble (HTTP ${res.status}). Try again in a moment.`,
    );
  const err = oauthErrorSchema.safeParse(res.body);
  const oauthError = err.success ? err.data.error : `http_${res.status}`;
  const [code, message] = mapError(oauthError);
  throw new OAuthTokenError(oauthError, res.status, code, message);
}
