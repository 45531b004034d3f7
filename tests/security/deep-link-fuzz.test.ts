import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APP_SCHEME, DEV_APP_SCHEME, OAUTH_CALLBACK_PATH } from '../../common/deep-link';
import { parseAppDeepLink } from '../../main/core/integration/app-deep-link';
import type { Stack, TestCore } from '../support/app/connect-harness';
import { makeCore, startStack } from '../support/app/connect-harness';
import { callbackExpectationFor, parseCallbackUrl } from '../../main/core/oauth/callback-url';

/**
 * Issue 11, bad input: deep links and OAuth callback URLs. The parsers never throw and accept only our own shapes;
 * the core, fed arbitrary URLs through handleDeepLink (what the OS hands it), stays disconnected and quiet.
 */

const PORT = 53682;
const withLoopback = callbackExpectationFor(`http://127.0.0.1:${PORT}${OAUTH_CALLBACK_PATH}`);
const schemesOnly = callbackExpectationFor('https://relay.example.com/oauth/calcom/callback');
const STATE = /^[A-Za-z0-9_-]{16,128}$/;

const text = fc.string({ unit: 'grapheme', maxLength: 120 });
const pieces = fc.record({
  scheme: fc.constantFrom(
    APP_SCHEME,
    DEV_APP_SCHEME,
    'http',
    'https',
    'file',
    'javascript',
    'lifescore-evil',
    'LIFESCORE',
    'data',
  ),
  auth: fc.constantFrom('', 'user@', 'user:pw@', '@'),
  host: fc.constantFrom(
    'calcom',
    'bookings',
    '127.0.0.1',
    `127.0.0.1:${PORT}`,
    `127.0.0.1:${PORT + 1}`,
    'localhost:' + PORT,
    'evil.example',
    '[::1]:' + PORT,
    'calcom:80',
    '',
  ),
  path: fc.constantFrom(
    '/callback',
    OAUTH_CALLBACK_PATH,
    '/bookings',
    '/',
    '/callback/',
    '//callback',
    '/%63allback',
    '/callback/..',
    '',
  ),
  query: fc.array(
    fc.tuple(
      fc.constantFrom('code', 'state', 'error', 'error_description', 'iss', 'x'),
      fc.oneof(
        text,
        fc.base64String({ minLength: 16, maxLength: 64 }).map((s) => s.replace(/[+/=]/g, '-')),
      ),
    ),
    { maxLength: 5 },
  ),
  fragment: fc.constantFrom('', '#', '#x', '#state=aaaaaaaaaaaaaaaaaaaa'),
});
const urlArb = fc.oneof(
  pieces.map(
    (p) =>
      `${p.scheme}://${p.auth}${p.host}${p.path}${p.query.length ? '?' + p.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : ''}${p.fragment}`,
  ),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  text,
  fc
    .string({ minLength: 8000, maxLength: 9000 })
    .map((s) => `lifescore://calcom/callback?code=${s}&state=${'a'.repeat(22)}`),
);

it('parseCallbackUrl never throws and accepts only our scheme/host/path (or the exact loopback), one state, no fragment (500 runs)', () => {
  fc.assert(
    fc.property(urlArb, (raw) => {
      for (const expected of [withLoopback, schemesOnly]) {
        const r = parseCallbackUrl(raw, expected);
        if (r.kind === 'not-ours') continue;
        const u = new URL(raw);
        expect(raw.includes('#')).toBe(false);
        expect(u.username + u.password).toBe('');
        const scheme = u.protocol.slice(0, -1);
        if (scheme === 'http') {
          expect(expected.loopbackPort).toBe(PORT);
          expect(`${u.hostname}:${u.port}${u.pathname}`).toBe(`127.0.0.1:${PORT}${OAUTH_CALLBACK_PATH}`);
        } else {
          expect([APP_SCHEME, DEV_APP_SCHEME]).toContain(scheme);
          expect(`${u.host}${u.pathname}`).toBe('calcom/callback');
        }
        if (r.kind !== 'error' || r.state !== undefined) expect(r.state).toMatch(STATE);
        expect(u.searchParams.getAll('state').length).toBeLessThanOrEqual(1);
        if (r.kind === 'success') expect(r.code.length).toBeLessThanOrEqual(2048);
        if (r.kind === 'error')
          expect([...r.description].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
      }
    }),
    { numRuns: 500 },
  );
});

it('parseAppDeepLink never throws and opens only lifescore://bookings/<safe uid> (500 runs)', () => {
  fc.assert(
    fc.property(urlArb, (raw) => {
      const r = parseAppDeepLink(raw);
      if (r.kind === 'other') return;
      const u = new URL(raw);
      expect([APP_SCHEME, DEV_APP_SCHEME]).toContain(u.protocol.slice(0, -1));
      expect(u.host).toBe('bookings');
      expect(r.uid).toMatch(/^[A-Za-z0-9_-]{1,200}$/);
    }),
    { numRuns: 500 },
  );
});

let stack: Stack;
let t: TestCore;
beforeAll(async () => {
  stack = await startStack();
  t = await makeCore(stack);
});
afterAll(async () => {
  await t?.dispose();
  await stack?.stop();
});

it('the core takes any URL from the OS without throwing, connecting, or opening anything but a booking (300 runs)', async () => {
  const before = (await t.state()).connection.status;
  await fc.assert(
    fc.asyncProperty(urlArb, async (raw) => {
      const pushed = t.events.length;
      await expect(t.core.handleDeepLink(raw)).resolves.toBeUndefined();
      for (const e of t.events.slice(pushed)) {
        if (e.type === 'open-booking') expect(parseAppDeepLink(raw)).toEqual({ kind: 'open-booking', uid: e.uid });
      }
    }),
    { numRuns: 300 },
  );
  // With no attempt pending, no callback — however well-formed — may move the connection.
  await t.core.handleDeepLink(`lifescore://calcom/callback?code=abc&state=${'A'.repeat(32)}`);
  expect((await t.state()).connection.status).toBe(before);
  expect(stack.sandbox.listWebhooks('dana-reyes')).toEqual([]);
});
