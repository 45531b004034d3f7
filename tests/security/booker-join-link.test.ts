import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, expect, it, vi } from 'vitest';
import type { AppState } from '../../common/app-state';
import type { Booking } from '../../common/booking';
import { consent, followRedirect, freePort } from '../support/app/connect-harness';
import { keychainAccounts } from '../../main/core/keychain/keychain-accounts';
import { createNapiKeychain } from '../../main/core/keychain/napi-keychain';
import { HOST_KEY_HEADER } from '../../main/host/host-bridge-script';
import type { RunningHost } from '../../main/host/run-host';
import { startDevStack, startHostedApp } from '../../scripts/dev-stack';
import type { DevStack } from '../../scripts/dev-stack';
import { api, connect, Receiver } from '../support/sandbox/sandbox-test-kit';

/**
 * Security review 42, end to end: a booker cannot choose the consultant's join link. Cal.com spreads the booker's
 * metadata over its own in webhooks, so a booking page opened with `?metadata[videoCallUrl]=…` delivers that URL as
 * `metadata.videoCallUrl`. The whole product on loopback (dev stack: sandbox + relay + desktop core behind the browser
 * host, real Secret Service keychain) must keep Cal.com's link: in the app's stored booking and in every email the
 * relay sends. Runs under scripts/with-keyring.sh (npm test does that).
 */

const EVIL = 'https://evil.example/x';
const service = `LifeScore Consultant join-link ${randomBytes(6).toString('hex')}`;
let dataDir: string | undefined;
let stack: DevStack | undefined;
let app: RunningHost | undefined;
let witness: Receiver | undefined;

afterAll(async () => {
  await witness?.close();
  await app?.stop().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  const keychain = createNapiKeychain(service);
  for (const account of Object.values(keychainAccounts)) await keychain.delete(account).catch(() => false);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const unescapeHtml = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** A client on the public booking page: opens it with `query`, takes the first slot, fills in the form, books. */
async function bookThroughPage(calcomUrl: string, path: string, query: string): Promise<string> {
  const page = await (await fetch(`${calcomUrl}${path}?${query}`)).text();
  const link = /href="([^"]+\/book\?[^"]+)"/.exec(page)?.[1];
  if (!link) throw new Error('the booking page offered no slot');
  const form = await (await fetch(new URL(unescapeHtml(link), calcomUrl))).text();
  const fields = new URLSearchParams();
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(unescapeHtml(m[1] as string), unescapeHtml(m[2] as string));
  fields.set('name', 'Mallory Booker');
  fields.set('email', 'mallory@example.net');
  const res = await fetch(`${calcomUrl}${path}/book`, { method: 'POST', body: fields, redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 303 || !location?.startsWith('/booking/')) throw new Error(`booking answered ${res.status}`);
  return location.slice('/booking/'.length);
}

it("a booker's metadata.videoCallUrl reaches the app but becomes neither the Join link nor any email's link", async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lifescore-join-link-'));
  stack = await startDevStack({ dataDir, loopbackPort: await freePort() });
  const opened: string[] = [];
  app = await startHostedApp(stack, { keychainService: service, openExternal: async (url) => void opened.push(url) });
  const { host, core } = app;
  const key = new URL(host.url).searchParams.get('k') as string;
  const bridge = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${host.port}/bridge/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HOST_KEY_HEADER]: key },
      body: JSON.stringify(input),
    });
    const parsed = (await res.json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!parsed.ok) throw new Error(`${method}: ${parsed.error?.message}`);
    return parsed.data;
  };
  const state = () => bridge<AppState>('getState');

  // Connect like a consultant (the app creates the event types and registers the relay's webhook with Cal.com).
  const { authorizeUrl } = await bridge<{ authorizeUrl: string }>('connect');
  expect(opened).toContain(authorizeUrl);
  await followRedirect(await consent(authorizeUrl), core);
  await vi.waitFor(async () => expect((await state()).connection.status).toBe('connected'), {
    timeout: 20_000,
    interval: 100,
  });
  await vi.waitFor(async () => expect((await state()).sync.status).toBe('live'), { timeout: 10_000, interval: 100 });

  // A second subscriber of Cal.com's webhooks, only to see what went over the wire (the app's goes to the relay).
  const calcomUrl = stack.sandbox.url;
  witness = await Receiver.start();
  const side = await connect(calcomUrl);
  const hook = await api(calcomUrl, side.access_token, 'POST', '/v2/webhooks', {
    subscriberUrl: `${witness.url}/hook`,
    triggers: ['BOOKING_CREATED'],
    active: true,
  });
  expect(hook.status).toBe(201);

  // The attack: the link to the consultant's booking page, with the booker's own video link in its metadata.
  const slug = stack.sandbox.listEventTypes('dana-reyes').find((e) => e.lengthInMinutes === 60)?.slug as string;
  const uid = await bookThroughPage(
    calcomUrl,
    `/dana-reyes/${slug}`,
    `metadata[videoCallUrl]=${encodeURIComponent(EVIL)}`,
  );
  expect(stack.sandbox.listBookings('dana-reyes').find((b) => b.uid === uid)?.metadata).toEqual({ videoCallUrl: EVIL });
  const [created] = witness.bodies();
  // Cal.com's merge: the booker's videoCallUrl replaced Cal.com's; the video call itself is Cal.com's.
  expect(created?.payload).toMatchObject({ uid, metadata: { videoCallUrl: EVIL } });
  const calVideo = (created?.payload.videoCallData as { url: string }).url;
  expect(calVideo).toMatch(/^https:\/\/meetco\.daily\.co\/\w+$/);

  const booking = await vi.waitFor(
    async () => {
      const b = await bridge<Booking | null>('getBooking', { uid });
      expect(b?.status).toBe('scheduled');
      return b as Booking;
    },
    { timeout: 15_000, interval: 100 },
  );
  // The webhook did carry the booker's URL (Cal.com's merge), so the app saw the attack…
  expect(booking.metadata.videoCallUrl).toBe(EVIL);
  // …and kept Cal.com's own link for the Join button: the video call's URL (videoCallData.url), the next source in
  // common/meeting-place.ts once metadata.videoCallUrl is refused.
  expect(booking.meetingUrl).toBe(calVideo);

  // The relay's emails for this booking (consultant and client), decoded: none names the booker's link.
  const outbox = stack.relay.mailDestination;
  const emls = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')) : []);
  await vi.waitFor(() => expect(emls().length).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 100 });
  for (const file of emls()) {
    const raw = readFileSync(join(outbox, file));
    const mail = await simpleParser(raw);
    const decoded = [
      raw.toString('utf8'),
      mail.text ?? '',
      typeof mail.html === 'string' ? mail.html : '',
      ...mail.attachments.map((a) => a.content.toString('utf8')),
    ].join('\n');
    expect(decoded, file).not.toContain('evil.example');
    expect(decoded, `${file} names the booking`).toContain(uid);
    expect(decoded, `${file} gives Cal.com's link`).toContain(calVideo);
  }
}, 90_000);
