import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { METADATA_LIMITS_MESSAGE } from './booker-metadata';
import type { Sandbox } from './index';
import { api, type Receiver } from '../../tests/support/sandbox/sandbox-test-kit';
import {
  getPage,
  hiddenFields,
  slotLinks,
  startBookingPageSandbox,
} from '../../tests/support/sandbox/booking-page-kit';

/**
 * Booker-supplied metadata as Cal.com handles it: sent through the booking page's `metadata[…]` query or
 * `POST /v2/bookings`, stored with the booking, answered by the v2 API, and spread OVER Cal.com's own metadata in
 * webhooks (`{ ...metadata, ...reqBody.metadata }`), so a booker's `videoCallUrl` replaces Cal.com's.
 */

let sandbox: Sandbox;
let url: string;
let token: string;
let receiver: Receiver;
const EVIL = 'https://evil.example/x';
const attendee = { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' };

beforeAll(async () => {
  ({ sandbox, url, token, receiver } = await startBookingPageSandbox());
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.close();
});
beforeEach(() => void receiver.requests.splice(0));

const get = (path: string) => getPage(url, path);
let taken = 0;
/** A slot the booking page offers that no test has used yet. */
async function freeSlot(): Promise<string> {
  const links = slotLinks((await get('/dana-reyes/consultation-60')).text);
  const link = links[links.length - 1 - taken++ * 2];
  return new URL(link!, url).searchParams.get('slot')!;
}
/** `POST /v2/bookings` as a booker would call it: no token. */
const book = (body: Record<string, unknown>) => api(url, undefined, 'POST', '/v2/bookings', body);
/** Books a free slot of `consultation-60` as Sam, with `metadata`. */
const bookWithMetadata = async (metadata: unknown) =>
  book({ start: await freeSlot(), eventTypeSlug: 'consultation-60', username: 'dana-reyes', attendee, metadata });
const hookBodies = () => receiver.bodies();

describe('booker metadata through the booking page', () => {
  it('carries metadata[…] from the page query through the slot link and the form into the booking and its webhook', async () => {
    const q = `metadata[videoCallUrl]=${encodeURIComponent(EVIL)}&metadata[source]=ad%20campaign`;
    const page = await get(`/dana-reyes/consultation-60?${q}`);
    expect(page.status).toBe(200);
    const link = slotLinks(page.text).at(-1)!;
    const linkParams = new URL(link, url).searchParams;
    expect(linkParams.get('metadata[videoCallUrl]')).toBe(EVIL);
    expect(linkParams.get('metadata[source]')).toBe('ad campaign');
    // The time zone form keeps the metadata too.
    expect(hiddenFields(page.text)).toMatchObject({ 'metadata[videoCallUrl]': EVIL });

    const formPage = await get(link);
    expect(formPage.status).toBe(200);
    const fields = hiddenFields(formPage.text);
    expect(fields).toMatchObject({ 'metadata[videoCallUrl]': EVIL, 'metadata[source]': 'ad campaign' });
    const res = await fetch(`${url}/dana-reyes/consultation-60/book`, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, name: attendee.name, email: attendee.email }),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const uid = res.headers.get('location')!.replace('/booking/', '');

    const [created] = hookBodies();
    expect(created?.triggerEvent).toBe('BOOKING_CREATED');
    // Cal.com's key first, the booker's value over it; the video call itself is untouched.
    expect(created?.payload.metadata).toEqual({ videoCallUrl: EVIL, source: 'ad campaign' });
    expect(Object.keys(created?.payload.metadata as object)).toEqual(['videoCallUrl', 'source']);
    expect((created?.payload.videoCallData as { url: string }).url).toMatch(/^https:\/\/meetco\.daily\.co\/\w+$/);

    const v2 = await api(url, token, 'GET', `/v2/bookings/${uid}`);
    expect(v2.body.data.metadata).toEqual({ videoCallUrl: EVIL, source: 'ad campaign' });
    expect(v2.body.data.meetingUrl).toBe(`${url}/video/${uid}`);
  });

  it('refuses metadata beyond Cal.com’s limits with a 400 page', async () => {
    const long = await get(`/dana-reyes/consultation-60?metadata[note]=${'x'.repeat(501)}`);
    expect(long.status).toBe(400);
    expect(long.text).toContain(METADATA_LIMITS_MESSAGE);
    const keys = Array.from({ length: 51 }, (_, i) => `metadata[k${i}]=v`).join('&');
    expect((await get(`/dana-reyes/consultation-60?${keys}`)).status).toBe(400);
    const slot = encodeURIComponent(await freeSlot());
    const form = await get(`/dana-reyes/consultation-60/book?slot=${slot}&metadata[${'k'.repeat(41)}]=v`);
    expect(form.status).toBe(400);
    expect(hookBodies()).toEqual([]);
  });

  it('keeps pages without metadata as they were (no metadata in the booking)', async () => {
    const page = await get('/dana-reyes/consultation-60');
    expect(page.text).not.toContain('metadata');
    const r = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: await freeSlot(),
      attendee,
    });
    expect(r.booking.metadata).toEqual({});
    expect(hookBodies()[0]?.payload.metadata).toEqual({ videoCallUrl: `${url}/video/${r.booking.uid}` });
  });
});

describe('POST /v2/bookings (public, cal-api-version 2024-08-13)', () => {
  it('books without a token, stores the metadata and merges it over Cal.com’s in the webhook', async () => {
    const start = await freeSlot();
    const res = await book({
      start,
      eventTypeSlug: 'consultation-60',
      username: 'dana-reyes',
      attendee,
      bookingFieldsResponses: { notes: 'hello' },
      metadata: { videoCallUrl: EVIL, crm: 'lead-42' },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('success');
    const uid = res.body.data.uid as string;
    expect(res.body.data).toMatchObject({
      start,
      status: 'accepted',
      description: 'hello',
      metadata: { videoCallUrl: EVIL, crm: 'lead-42' },
      meetingUrl: `${url}/video/${uid}`,
    });
    const [created] = hookBodies();
    expect(created?.payload).toMatchObject({ uid, metadata: { videoCallUrl: EVIL, crm: 'lead-42' } });
    const listed = await api(url, token, 'GET', `/v2/bookings?bookingUid=${uid}`);
    expect(listed.body.data[0].metadata).toEqual({ videoCallUrl: EVIL, crm: 'lead-42' });
  });

  it('keeps the booking’s metadata in a reschedule (the rebooking adds over it); cancel payloads carry none', async () => {
    const res = await book({
      start: await freeSlot(),
      eventTypeId: sandbox.listEventTypes('dana-reyes')[0]!.id,
      attendee,
      metadata: { videoCallUrl: EVIL },
    });
    expect(res.status).toBe(201);
    receiver.requests.splice(0);
    const moved = await sandbox.rescheduleBooking(res.body.data.uid, await freeSlot());
    expect(moved.booking.metadata).toEqual({ videoCallUrl: EVIL });
    expect(hookBodies()[0]).toMatchObject({
      triggerEvent: 'BOOKING_RESCHEDULED',
      payload: { uid: moved.booking.uid, metadata: { videoCallUrl: EVIL } },
    });
    receiver.requests.splice(0);
    await sandbox.cancelBooking(moved.booking.uid);
    // handleCancelBooking's payload has no metadata at all (README "knowingly differs" 10).
    expect(hookBodies()[0]?.triggerEvent).toBe('BOOKING_CANCELLED');
    expect(hookBodies()[0]?.payload).not.toHaveProperty('metadata');
  });

  it.each([
    ['more than 50 keys', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))],
    ['a key over 40 characters', { ['k'.repeat(41)]: 'v' }],
    ['a value over 500 characters', { note: 'x'.repeat(501) }],
    ['a value that is not a string', { count: 3 }],
    ['an array', ['videoCallUrl']],
  ])('refuses metadata with %s: 400 with Cal.com’s message, nothing booked', async (_what, metadata) => {
    const before = sandbox.listBookings('dana-reyes').length;
    const res = await bookWithMetadata(metadata);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      status: 'error',
      error: { code: 'BadRequestException', message: `metadata property is wrong,${METADATA_LIMITS_MESSAGE}` },
    });
    expect(sandbox.listBookings('dana-reyes')).toHaveLength(before);
    expect(hookBodies()).toEqual([]);
  });

  it('accepts exactly Cal.com’s limits', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`${i}`.padStart(40, 'k'), 'v'.repeat(500)]),
    );
    const res = await bookWithMetadata(metadata);
    expect(res.status).toBe(201);
    expect(res.body.data.metadata).toEqual(metadata);
  });

  it('refuses other bad input: 400 for a time the event type does not offer, 404 for an unknown event type, 400 without cal-api-version', async () => {
    const slot = await freeSlot();
    const offBy = new Date(Date.parse(slot) + 60_000).toISOString();
    const notOffered = await book({ start: offBy, eventTypeSlug: 'consultation-60', username: 'dana-reyes', attendee });
    expect(notOffered.status).toBe(400);
    expect(notOffered.body.error.message).toMatch(/can't be booked at the "start" time provided/);
    expect((await book({ start: slot, eventTypeId: 1, attendee })).status).toBe(404);
    expect((await book({ start: slot, attendee })).status).toBe(400);
    const noVersion = await fetch(`${url}/v2/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: slot, eventTypeId: 1, attendee }),
    });
    expect(noVersion.status).toBe(400);
  });
});
