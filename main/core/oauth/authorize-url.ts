import { calcomScopes } from '../../../common/calcom';

export interface AuthorizeParams {
  readonly calcomAppUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  readonly scopes?: readonly string[];
}

/** Cal.com's authorize URL (`/auth/oauth2/authorize`, calcom-contract.md §1.2) for a PKCE S256 request. */
export function buildAuthorizeUrl(p: AuthorizeParams): string {
  const url = new URL(`${trimSlash(p.calcomAppUrl)}/auth/oauth2/authorize`);
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', (p.scopes ?? calcomScopes).join(' '));
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge', p.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Base URLs are configuration; tolerate a trailing slash so paths never get a `//`. */
export function trimSlash(base: string): string {
  return base.replace(/\/+$/, '');
}
