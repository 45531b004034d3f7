import { describe, expect, it } from 'vitest';
import { callbackExpectationFor, loopbackPortOf, parseCallbackUrl } from './callback-url';

const S = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const loop = callbackExpectationFor('http://127.0.0.1:53682/calcom/callback');
const scheme = callbackExpectationFor('https://relay.example.com/oauth/calcom/callback');

describe('parseCallbackUrl', () => {
  const accepted: Array<[string, string, ReturnType<typeof parseCallbackUrl>]> = [
    ['custom scheme', `lifescore://calcom/callback?code=abc&state=${S}`, { kind: 'success', code: 'abc', state: S }],
    ['dev scheme', `lifescore-dev://calcom/callback?code=abc&state=${S}`, { kind: 'success', code: 'abc', state: S }],
    [
      'loopback',
      `http://127.0.0.1:53682/calcom/callback?code=abc&state=${S}`,
      { kind: 'success', code: 'abc', state: S },
    ],
    [
      'param order, unknown params ignored',
      `lifescore://calcom/callback?foo=1&state=${S}&code=a.b-c~`,
      { kind: 'success', code: 'a.b-c~', state: S },
    ],
    [
      'percent-encoded code decoded',
      `lifescore://calcom/callback?code=a%2Bb&state=${S}`,
      { kind: 'success', code: 'a+b', state: S },
    ],
    ['denied', `lifescore://calcom/callback?error=access_denied&state=${S}`, { kind: 'denied', state: S }],
    [
      'error with description',
      `lifescore://calcom/callback?error=invalid_scope&error_description=Requested%20scope%20exceeds&state=${S}`,
      { kind: 'error', state: S, error: 'invalid_scope', description: 'Requested scope exceeds' },
    ],
    [
      'error without state',
      'lifescore://calcom/callback?error=invalid_request',
      { kind: 'error', error: 'invalid_request', description: '' },
    ],
    [
      'denied without state is a stateless error',
      'lifescore://calcom/callback?error=access_denied',
      { kind: 'error', error: 'access_denied', description: '' },
    ],
    [
      'missing code',
      `lifescore://calcom/callback?state=${S}`,
      { kind: 'error', state: S, error: 'invalid_request', description: 'The callback carried no authorization code.' },
    ],
    [
      'control characters in description neutralised',
      `lifescore://calcom/callback?error=server_error&error_description=a%0Ab&state=${S}`,
      { kind: 'error', state: S, error: 'server_error', description: 'a b' },
    ],
  ];
  it.each(accepted)('%s', (_name, url, want) => {
    expect(parseCallbackUrl(url, loop)).toEqual(want);
  });

  const hostile: Array<[string, string]> = [
    ['not a URL', 'not a url'],
    ['empty', ''],
    ['wrong scheme', `evil://calcom/callback?code=a&state=${S}`],
    ['https lookalike', `https://calcom/callback?code=a&state=${S}`],
    ['javascript', `javascript:alert(1)//calcom/callback?code=a&state=${S}`],
    ['wrong host', `lifescore://evil/callback?code=a&state=${S}`],
    ['host with suffix', `lifescore://calcom.evil.com/callback?code=a&state=${S}`],
    ['wrong path', `lifescore://calcom/callbackx?code=a&state=${S}`],
    ['encoded slash path', `lifescore://calcom/call%62ack?code=a&state=${S}`],
    ['trailing slash path', `lifescore://calcom/callback/?code=a&state=${S}`],
    ['bookings link', 'lifescore://bookings/abc'],
    ['userinfo on scheme', `lifescore://user:pw@calcom/callback?code=a&state=${S}`],
    ['userinfo on loopback', `http://x@127.0.0.1:53682/calcom/callback?code=a&state=${S}`],
    ['port on scheme', `lifescore://calcom:80/callback?code=a&state=${S}`],
    ['loopback wrong port', `http://127.0.0.1:53683/calcom/callback?code=a&state=${S}`],
    ['loopback default port', `http://127.0.0.1/calcom/callback?code=a&state=${S}`],
    ['loopback localhost', `http://localhost:53682/calcom/callback?code=a&state=${S}`],
    ['loopback other host', `http://127.0.0.2:53682/calcom/callback?code=a&state=${S}`],
    ['loopback host lookalike', `http://127.0.0.1.evil.com:53682/calcom/callback?code=a&state=${S}`],
    ['loopback https', `https://127.0.0.1:53682/calcom/callback?code=a&state=${S}`],
    ['loopback wrong path', `http://127.0.0.1:53682/calcom/callback2?code=a&state=${S}`],
    ['loopback encoded path', `http://127.0.0.1:53682/calcom%2Fcallback?code=a&state=${S}`],
    ['duplicate state', `lifescore://calcom/callback?code=a&state=${S}&state=${S}x`],
    ['duplicate code', `lifescore://calcom/callback?code=a&code=b&state=${S}`],
    ['duplicate error', `lifescore://calcom/callback?error=access_denied&error=x&state=${S}`],
    ['fragment', `lifescore://calcom/callback?code=a&state=${S}#frag`],
    ['params in fragment', `lifescore://calcom/callback#code=a&state=${S}`],
    ['empty fragment', `lifescore://calcom/callback?code=a&state=${S}#`],
    ['no state', 'lifescore://calcom/callback?code=a'],
    ['short state', 'lifescore://calcom/callback?code=a&state=abc'],
    ['huge state', `lifescore://calcom/callback?code=a&state=${'a'.repeat(500)}`],
    ['state with encoded tricks', `lifescore://calcom/callback?code=a&state=${S}%00`],
    ['state with space', `lifescore://calcom/callback?code=a&state=${S}%20x`],
    ['huge code', `lifescore://calcom/callback?code=${'c'.repeat(3000)}&state=${S}`],
    ['code with space', `lifescore://calcom/callback?code=a%20b&state=${S}`],
    ['code with newline', `lifescore://calcom/callback?code=a%0Ab&state=${S}`],
    ['huge URL', `lifescore://calcom/callback?code=a&state=${S}&pad=${'x'.repeat(9000)}`],
    ['error code with markup', `lifescore://calcom/callback?error=%3Cscript%3E&state=${S}`],
  ];
  it.each(hostile)('rejects %s', (_name, url) => {
    expect(parseCallbackUrl(url, loop).kind).toBe('not-ours');
  });

  it('rejects loopback URLs when the redirect is not a loopback one', () => {
    expect(parseCallbackUrl(`http://127.0.0.1:53682/calcom/callback?code=a&state=${S}`, scheme).kind).toBe('not-ours');
    expect(parseCallbackUrl(`lifescore://calcom/callback?code=a&state=${S}`, scheme).kind).toBe('success');
  });
});

describe('loopbackPortOf', () => {
  it.each([
    ['http://127.0.0.1:53682/calcom/callback', 53682],
    ['http://127.0.0.1/calcom/callback', undefined],
    ['http://127.0.0.1:5001/oauth/calcom/callback', undefined],
    ['https://127.0.0.1:53682/calcom/callback', undefined],
    ['http://localhost:53682/calcom/callback', undefined],
    ['lifescore://calcom/callback', undefined],
    ['nonsense', undefined],
  ])('%s → %s', (uri, port) => {
    expect(loopbackPortOf(uri)).toBe(port);
  });
});
