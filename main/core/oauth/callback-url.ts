import { APP_SCHEME, DEV_APP_SCHEME, OAUTH_CALLBACK_PATH } from '../../../common/deep-link';

/** What a callback URL turned out to be. `not-ours` covers anything malformed, ambiguous or foreign. */
export type CallbackResult =
  | { readonly kind: 'success'; readonly code: string; readonly state: string }
  | { readonly kind: 'denied'; readonly state: string }
  | { readonly kind: 'error'; readonly state?: string; readonly error: string; readonly description: string }
  | { readonly kind: 'not-ours'; readonly reason: string };

/** Which callback URLs this app accepts: its custom schemes, and the loopback port when form (c) is configured. */
export interface CallbackExpectation {
  readonly schemes: readonly string[];
  readonly loopbackPort?: number;
}

const MAX_URL_LENGTH = 8192;
const MAX_CODE_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 500;
/** Our states are base64url of 24 bytes; anything else cannot be one of ours. */
const STATE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const CODE_PATTERN = /^[\x21-\x7e]+$/;
const ERROR_PATTERN = /^[a-z_]{1,64}$/;
const KNOWN_PARAMS = new Set(['code', 'state', 'error', 'error_description', 'error_uri', 'iss']);

/** The callback URLs the configured redirect URI can produce (custom schemes always; loopback port when configured). */
export function callbackExpectationFor(redirectUri: string): CallbackExpectation {
  const port = loopbackPortOf(redirectUri);
  return port === undefined
    ? { schemes: [APP_SCHEME, DEV_APP_SCHEME] }
    : { schemes: [APP_SCHEME, DEV_APP_SCHEME], loopbackPort: port };
}

/** The fixed port of a loopback redirect URI `http://127.0.0.1:<port>/calcom/callback`, else undefined. */
export function loopbackPortOf(redirectUri: string): number | undefined {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return undefined;
  }
  // The path matters: a relay on loopback (dev, tests) serves its bounce page at http://127.0.0.1:<port>/oauth/calcom/callback.
  if (
    url.protocol !== 'http:' ||
    url.hostname !== '127.0.0.1' ||
    url.port === '' ||
    url.pathname !== OAUTH_CALLBACK_PATH
  )
    return undefined;
  return Number(url.port);
}

/**
 * Parses an OAuth callback URL strictly (DESIGN.md §3 forms a–c all end here). Pure: no state lookup.
 * Ambiguous input (duplicate parameters, oversized values, fragments, credentials) is `not-ours`, so a
 * crafted link can neither complete nor fail a pending attempt.
 */
export function parseCallbackUrl(raw: string, expected: CallbackExpectation): CallbackResult {
  if (raw.length > MAX_URL_LENGTH) return notOurs('too long');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return notOurs('not a URL');
  }
  const where = checkLocation(url, expected);
  if (where) return notOurs(where);
  if (url.hash !== '' || raw.includes('#')) return notOurs('has a fragment');

  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!KNOWN_PARAMS.has(key)) continue;
    if (params.has(key)) return notOurs(`duplicate ${key}`);
    params.set(key, value);
  }
  const state = params.get('state');
  if (state !== undefined && !STATE_PATTERN.test(state)) return notOurs('malformed state');

  const error = params.get('error');
  if (error !== undefined) {
    if (!ERROR_PATTERN.test(error)) return notOurs('malformed error');
    if (error === 'access_denied' && state !== undefined) return { kind: 'denied', state };
    const rawDescription = (params.get('error_description') ?? '').slice(0, MAX_DESCRIPTION_LENGTH);
    const description = withoutControls(rawDescription);
    return state === undefined ? { kind: 'error', error, description } : { kind: 'error', state, error, description };
  }
  if (state === undefined) return notOurs('no state');
  const code = params.get('code');
  if (code === undefined || code === '')
    return {
      kind: 'error',
      state,
      error: 'invalid_request',
      description: 'The callback carried no authorization code.',
    };
  if (code.length > MAX_CODE_LENGTH || !CODE_PATTERN.test(code)) return notOurs('malformed code');
  return { kind: 'success', code, state };
}

/** Returns why the scheme/host/path is wrong, or undefined when it is one of ours. */
function checkLocation(url: URL, expected: CallbackExpectation): string | undefined {
  if (url.username !== '' || url.password !== '') return 'has credentials';
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'http') {
    if (expected.loopbackPort === undefined) return 'loopback not configured';
    if (url.hostname !== '127.0.0.1') return 'wrong host';
    if (url.port !== String(expected.loopbackPort)) return 'wrong port';
    if (url.pathname !== OAUTH_CALLBACK_PATH) return 'wrong path';
    return undefined;
  }
  if (!expected.schemes.includes(scheme)) return 'wrong scheme';
  // lifescore://calcom/callback parses as host "calcom", path "/callback".
  if (url.host !== 'calcom' || url.port !== '') return 'wrong host';
  if (url.pathname !== '/callback') return 'wrong path';
  return undefined;
}

/** Control characters would let a crafted description forge log lines or UI text layout. */
function withoutControls(s: string): string {
  return Array.from(s, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
}

function notOurs(reason: string): CallbackResult {
  return { kind: 'not-ours', reason };
}
