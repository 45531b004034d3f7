import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import type { PushEvent } from '../../common/api';
import type { AppState } from '../../common/app-state';
import type { Booking, BookingPage } from '../../common/booking';
import { consent, followRedirect, freePort } from '../support/app/connect-harness';
import { keychainAccounts } from '../../main/core/keychain/keychain-accounts';
import { createNapiKeychain } from '../../main/core/keychain/napi-keychain';
import { HOST_KEY_HEADER } from '../../main/host/host-bridge-script';
import type { RunningHost } from '../../main/host/run-host';
import { startDevStack, startHostedApp } from '../../scripts/dev-stack';
import type { DevStack } from '../../scripts/dev-stack';
import { futureWeekdayAt } from '../support/sandbox/sandbox-test-kit';
import type { NamedSecret } from './secret-scan';
import { filePlaces, findSecrets } from './secret-scan';

/**
 * Issue 11, security: a full run of the product on loopback (dev stack: sandbox + relay + desktop core behind the
 * browser host, real Secret Service keychain) — connect through the consent form, book, reschedule, cancel,
 * disconnect — then every file the app and relay wrote, every push event and every bridge response the renderer
 * got is searched for the Cal.com access and refresh tokens, the webhook secret and the relay subscriber token.
 * Runs under scripts/with-keyring.sh (npm test does that).
 */

const service = `LifeScore Consultant security ${randomBytes(6).toString('hex')}`;
let dataDir: string | undefined;
let stack: DevStack | undefined;
let app: RunningHost | undefined;
let sse: AbortController | undefined;

afterAll(async () => {
  sse?.abort();
  await app?.stop().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  const keychain = createNapiKeychain(service);
  for (const account of Object.values(keychainAccounts)) await keychain.delete(account).catch(() => false);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('no token or secret is written to disk or reaches the renderer, across connect → book → reschedule → cancel → disconnect', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lifescore-secrets-'));
  stack = await startDevStack({ dataDir, loopbackPort: await freePort() });
  const opened: string[] = [];
  app = await startHostedApp(stack, { keychainService: service, openExternal: async (url) => void opened.push(url) });
  const { host, core } = app;
  const key = new URL(host.url).searchParams.get('k') as string;
  const base = `http://127.0.0.1:${host.port}`;

  // What the renderer receives: the push stream over SSE (raw text), and every bridge response body.
  const rendererSaw: string[] = [];
  const pushed: PushEvent[] = [];
  core.onEvent((e) => void pushed.push(e));
  sse = new AbortController();
  const sseText: string[] = [];
  void fetch(`${base}/bridge/events?k=${key}`, { signal: sse.signal, headers: { accept: 'text/event-stream' } })
    .then(async (res) => {
      for await (const chunk of res.body ?? []) sseText.push(Buffer.from(chunk as Uint8Array).toString('utf8'));
    })
    .catch(() => undefined);
  const bridge = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const res = await fetch(`${base}/bridge/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HOST_KEY_HEADER]: key },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    rendererSaw.push(text);
    const parsed = JSON.parse(text) as { ok: boolean; data: T; error?: { message: string } };
    if (!parsed.ok) throw new Error(`${method}: ${parsed.error?.message}`);
    return parsed.data;
  };
  const state = () => bridge<AppState>('getState');

  // Connect like a consultant: the app opens the consent page, the browser submits it, the loopback page hands back.
  await bridge('updateSettings', {
    profile: {
      name: 'Dana <script>alert(1)</script> Reyes',
      bio: '<img src=x onerror=alert(1)>Sleep coach',
      preparationTips: 'Bring <b>notes</b>',
    },
  });
  const { authorizeUrl } = await bridge<{ authorizeUrl: string }>('connect');
  expect(opened).toContain(authorizeUrl);
  const callback = await consent(authorizeUrl);
  const authorizationCode = callback.searchParams.get('code') as string;
  await followRedirect(callback, core);
  await vi.waitFor(async () => expect((await state()).connection.status).toBe('connected'), {
    timeout: 20_000,
    interval: 100,
  });
  await vi.waitFor(async () => expect((await state()).sync.status).toBe('live'), { timeout: 10_000, interval: 100 });

  const keychain = createNapiKeychain(service);
  const secrets = new Map<string, string>();
  const readSecrets = async () => {
    for (const [name, account] of [
      ['access token', keychainAccounts.calcomAccess],
      ['refresh token', keychainAccounts.calcomRefresh],
      ['webhook secret', keychainAccounts.webhookSecret],
      ['subscriber token', keychainAccounts.relayToken],
    ] as const) {
      const value = await keychain.get(account);
      if (value) secrets.set(`${name} ${value.slice(0, 4)}…`, value);
    }
  };
  await readSecrets();
  expect(secrets.size).toBe(4);
  secrets.set('authorization code', authorizationCode);
  const hook = stack.sandbox.listWebhooks('dana-reyes')[0];
  expect(hook?.secret, 'the webhook registered with Cal.com carries the secret from the keychain').toBe(
    await keychain.get(keychainAccounts.webhookSecret),
  );

  // A client books, reschedules, cancels; notes and names carry markup.
  const slug = stack.sandbox.listEventTypes('dana-reyes').find((e) => e.lengthInMinutes === 60)?.slug as string;
  const attendee = { name: 'Sam <script>x()</script> Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' };
  const booked = (
    await stack.sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: slug,
      start: futureWeekdayAt(15, 1),
      attendee,
      notes: '<iframe src=//evil>',
    })
  ).booking;
  const moved = (await stack.sandbox.rescheduleBooking(booked.uid, futureWeekdayAt(16, 2))).booking;
  await stack.sandbox.cancelBooking(moved.uid, { reason: 'Sorry <b>ill</b>' });
  await vi.waitFor(
    async () => expect((await bridge<Booking | null>('getBooking', { uid: moved.uid }))?.status).toBe('cancelled'),
    { timeout: 15_000, interval: 100 },
  );
  expect((await bridge<Booking | null>('getBooking', { uid: booked.uid }))?.status).toBe('rescheduled');
  // The relay's outbox writes the emails after the events (created, rescheduled, cancelled: consultant + client each);
  // wait for them, or disconnect would forget them while still pending and the scan would miss the .eml files.
  const outbox = stack.relay.mailDestination;
  const emails = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).length : 0);
  await vi.waitFor(() => expect(emails()).toBeGreaterThanOrEqual(6), { timeout: 20_000, interval: 100 });

  // Issue 19: an action through Cal.com, and the audit log that records it (its rows, CSV and the diagnostics report).
  const second = (
    await stack.sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: slug,
      start: futureWeekdayAt(14, 3),
      attendee,
    })
  ).booking;
  await vi.waitFor(async () => expect(await bridge<Booking | null>('getBooking', { uid: second.uid })).not.toBeNull(), {
    timeout: 15_000,
    interval: 100,
  });
  expect((await bridge<Booking>('bookingAction', { uid: second.uid, action: 'cancel', reason: 'Sorry' })).status).toBe(
    'cancelled',
  );
  const calls = await bridge<
    Array<{ kind: string; method: string; path: string; grant: string | null; status: number | null }>
  >('listAudit', { limit: 1000 });
  expect(calls).toContainEqual(
    expect.objectContaining({
      kind: 'oauth',
      method: 'POST',
      path: '/v2/auth/oauth2/token',
      grant: 'authorization_code',
      status: 200,
    }),
  );
  expect(calls).toContainEqual(expect.objectContaining({ kind: 'api', method: 'GET', path: '/v2/me', status: 200 }));
  expect(calls).toContainEqual(
    expect.objectContaining({ kind: 'api', method: 'POST', path: `/v2/bookings/${second.uid}/cancel`, status: 200 }),
  );
  expect(calls.some((c) => c.path.startsWith('/v2/webhooks') && c.method === 'POST')).toBe(true);
  expect((await bridge<{ csv: string }>('exportAuditCsv', {})).csv).toContain(`/v2/bookings/${second.uid}/cancel`);
  await bridge('getDiagnostics');

  // Everything the screens read, once more, plus a manual sync (which refreshes nothing secret into view).
  await bridge('syncNow');
  await bridge<BookingPage>('listBookings', { tab: 'all' });
  await bridge('countBookings');
  await bridge('getSettings');
  await state();
  await readSecrets(); // a refresh may have rotated the tokens: look for the old and the new ones

  await bridge('disconnect', { hideEventTypes: true });
  await vi.waitFor(async () => expect((await state()).connection.status).toBe('disconnected'), {
    timeout: 10_000,
    interval: 100,
  });
  const leftInKeychain: string[] = [];
  for (const account of Object.values(keychainAccounts)) if (await keychain.get(account)) leftInKeychain.push(account);
  expect(leftInKeychain, 'disconnect removes the keychain entries').toEqual([]);

  const named: NamedSecret[] = [...secrets].map(([name, value]) => ({ name, value }));
  // The sandbox is Cal.com: it must hold its own tokens; nothing else may.
  const isCalcom = (f: string) => f.endsWith('sandbox.json');
  const live = filePlaces(dataDir, isCalcom); // with SQLite -wal/-shm files still present
  await app.stop();
  await stack.stop();
  app = undefined;
  stack = undefined;
  sse.abort();
  const places = [
    ...live.map((p) => ({ ...p, where: `${p.where} (running)` })),
    ...filePlaces(dataDir, isCalcom),
    { where: 'bridge responses', bytes: Buffer.from(rendererSaw.join('\n')) },
    { where: 'push events', bytes: Buffer.from(JSON.stringify(pushed)) },
    { where: 'renderer event stream', bytes: Buffer.from(sseText.join('')) },
  ];
  const scanned = places.map((p) => p.where);
  expect(scanned.some((w) => /bookings\.db/.test(w))).toBe(true);
  expect(scanned.some((w) => /relay\.sqlite/.test(w))).toBe(true);
  expect(scanned.some((w) => /\.log$/.test(w))).toBe(true);
  expect(
    scanned.some((w) => /mail-outbox\/.*\.eml/.test(w)),
    'the booking emails (.eml outbox) are scanned too',
  ).toBe(true);
  expect(sseText.join('')).toContain('"type":"state"');
  expect(findSecrets(named, places)).toEqual([]);
  console.info(
    `[secrets-at-rest] ${named.length} secrets × ${places.length} places (${live.length} files while running, ${scanned.filter((w) => w.endsWith('.eml')).length} emails): no hits`,
  );
}, 90_000);
