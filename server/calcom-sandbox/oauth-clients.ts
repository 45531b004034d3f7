import { calcomScopes } from '../../common/calcom';
import { OAUTH_CLIENT_ID_SANDBOX } from '../../common/deep-link';

/** A registered OAuth client. The sandbox has one public (PKCE) client, as the desktop app registers. */
export interface OAuthClient {
  readonly clientId: string;
  readonly name: string;
  readonly type: 'PUBLIC';
  readonly redirectUris: readonly string[];
  readonly scopes: readonly string[];
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Cal.com's registration rule (validateRedirectUris.ts): parses as a URL, no fragment, https always,
 * http only for loopback or `.local` hosts; every other scheme (e.g. `lifescore://`) is rejected.
 * Returns an error message, or null when the URI is acceptable.
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `Invalid redirect URI: ${uri}`;
  }
  if (url.hash || uri.includes('#')) return `Redirect URI must not contain a fragment: ${uri}`;
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || url.hostname.endsWith('.local'))) return null;
  return `HTTPS is required for redirect URIs (http is allowed only for localhost): ${uri}`;
}

/** Builds the sandbox's client registry; throws on a redirect URI Cal.com would not accept. */
export function buildClients(redirectUris: readonly string[]): Map<string, OAuthClient> {
  const unique = [...new Set(redirectUris)];
  for (const uri of unique) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new Error(problem);
  }
  // Cal.com caps a client at 10 redirect URIs.
  if (unique.length > 10) throw new Error('A Cal.com OAuth client can register at most 10 redirect URIs');
  const client: OAuthClient = {
    clientId: OAUTH_CLIENT_ID_SANDBOX,
    name: 'LifeScore Consultant',
    type: 'PUBLIC',
    redirectUris: unique,
    scopes: [...calcomScopes],
  };
  return new Map([[client.clientId, client]]);
}

/** Splits a scope parameter as Cal.com's parseScopeParam does: on runs of spaces and commas. */
export function parseScopeParam(scope: string): string[] {
  return scope.split(/[, ]+/).filter((s) => s.length > 0);
}
