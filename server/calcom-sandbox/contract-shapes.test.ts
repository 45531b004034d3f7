import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2BookingSchema } from '../../common/calcom';
import type { Sandbox } from './index';
import { api, connect, futureWeekdayAt, startSandbox } from '../../tests/support/sandbox/sandbox-test-kit';

/**
 * Issue 22: the sandbox answers as fully as Cal.com does, and knows the booking shapes real accounts produce.
 *
 * What Cal.com's API v2 reference says, in our words:
 * - An event type (cal-api-version 2024-06-14) always carries its booking form (`bookingFields`), whether guests
 *   may be added (`disableGuests`), its recurrence rule or null (`recurrence`), free-form `metadata`, whether the
 *   booker may change the time zone (`lockTimeZoneToggleOnBookingPage`), the redirect after booking and whether
 *   booking parameters are passed on to it (`successRedirectUrl`, `forwardParamsSuccessRedirect`), whether it is an
 *   instant meeting (`isInstantEvent`) and whether booking needs a signed-in booker
 *   (`bookingRequiresAuthentication`); newer builds add its public `bookingUrl`.
 * - A booking's hosts and attendees (cal-api-version 2024-08-13) carry `displayEmail` next to `email`.
 * - GET /v2/bookings answers four shapes: regular; recurring (each occurrence its own booking, with the series'
 *   `recurringBookingUid`); seated and recurring seated (attendees are seats, each with `seatUid`).
 */

let sandbox: Sandbox;
let url: string;
let token: string;
const USER = 'dana-reyes';
const SLUG = 'consultation-60';
const ada = { name: 'Ada Client', email: 'ada@example.org', timeZone: 'Europe/London' };

beforeAll(async () => {
  ({ sandbox, url } = await startSandbox());
  token = (await connect(url)).access_token;
  expect(
    (
      await api(url, token, 'POST', '/v2/event-types', {
        title: '60 Min Consultation',
        slug: SLUG,
        lengthInMinutes: 60,
        hidden: false,
      })
    ).status,
  ).toBe(201);
});
afterAll(() => sandbox.stop());

const bookings = async (q = '') =>
  (await api(url, token, 'GET', `/v2/bookings${q}`)).body.data as Record<string, unknown>[];

describe('fields the reference marks as always present', () => {
  it('event types carry every one of them', async () => {
    const [et] = (await api(url, token, 'GET', '/v2/event-types')).body.data as Record<string, unknown>[];
    for (const field of [
      'bookingFields',
      'disableGuests',
      'recurrence',
      'metadata',
      'lockTimeZoneToggleOnBookingPage',
      'forwardParamsSuccessRedirect',
      'successRedirectUrl',
      'isInstantEvent',
      'bookingRequiresAuthentication',
      'bookingUrl',
    ]) {
      expect(et, field).toHaveProperty(field);
    }
    expect((et!.bookingFields as { slug: string }[]).map((f) => f.slug)).toEqual(
      expect.arrayContaining(['name', 'email', 'notes', 'guests']),
    );
    expect(et!.bookingUrl).toBe(`${url}/${USER}/${SLUG}`);
  });

  it('booking hosts and attendees carry displayEmail', async () => {
    await sandbox.createBooking({ username: USER, eventTypeSlug: SLUG, start: futureWeekdayAt(15, 1), attendee: ada });
    const [b] = await bookings();
    expect((b!.hosts as Record<string, unknown>[])[0]).toHaveProperty('displayEmail', 'dana@example.com');
    expect((b!.attendees as Record<string, unknown>[])[0]).toMatchObject({ email: ada.email, displayEmail: ada.email });
  });
});

describe('booking shapes beyond the booking page', () => {
  it('a recurring series: each occurrence a booking of its own, sharing recurringBookingUid', async () => {
    const uids = sandbox.addSpecialBookings({
      kind: 'recurring',
      username: USER,
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(9, 3),
      occurrences: 3,
      attendee: ada,
    });
    const listed = (await bookings('?take=250')).filter((b) => uids.includes(b.uid as string));
    expect(listed).toHaveLength(3);
    expect(new Set(listed.map((b) => b.recurringBookingUid)).size).toBe(1);
    expect(listed.every((b) => v2BookingSchema.safeParse(b).success)).toBe(true);
    expect((await bookings('?status=recurring&take=250')).map((b) => b.uid)).toEqual(expect.arrayContaining(uids));
  });

  it('a seated event: seats are attendees with a seatUid, no booking-level guests', async () => {
    const [uid] = sandbox.addSpecialBookings({
      kind: 'seated',
      username: USER,
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(11, 4),
      seats: [ada, { name: 'Ben Seat', email: 'ben@example.org', timeZone: 'UTC' }],
    });
    const b = (await bookings('?take=250')).find((x) => x.uid === uid)!;
    const seats = b.attendees as Record<string, unknown>[];
    expect(seats.map((s) => typeof s.seatUid)).toEqual(['string', 'string']);
    expect(b).not.toHaveProperty('guests');
    expect(v2BookingSchema.safeParse(b).success).toBe(true);
  });

  it('a status outside the reference (AWAITING_HOST) and an attendee without an email', async () => {
    const [uid] = sandbox.addSpecialBookings({
      kind: 'plain',
      username: USER,
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(13, 5),
      status: 'AWAITING_HOST',
      attendee: { ...ada, hideEmail: true },
    });
    const b = (await bookings('?take=250')).find((x) => x.uid === uid)!;
    expect(b.status).toBe('awaiting_host');
    expect((b.attendees as Record<string, unknown>[])[0]).not.toHaveProperty('email');
    sandbox.setBookingStatus(uid!, 'ACCEPTED');
    expect((await bookings('?take=250')).find((x) => x.uid === uid)!.status).toBe('accepted');
  });
});

describe('a booking outside the reference', () => {
  it('nullFields answers null where the reference says string (the app must keep it aside, not fail the page)', async () => {
    const [uid] = sandbox.addSpecialBookings({
      kind: 'plain',
      username: USER,
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(14, 5),
      attendee: ada,
      nullFields: ['title'],
    });
    const b = (await bookings('?take=250')).find((x) => x.uid === uid)!;
    expect(b.title).toBeNull();
    expect(v2BookingSchema.safeParse(b).success).toBe(false);
  });
});

describe('paging while bookings change, and Cal.com’s clock', () => {
  it('bookingsChurn changes the oldest-updated bookings before each page, so offset paging skips one', async () => {
    const all = (await bookings('?take=250&sortUpdatedAt=asc')).map((b) => b.uid);
    expect(all.length).toBeGreaterThan(4);
    sandbox.setFaults({ bookingsChurn: { perRequest: 1 } });
    try {
      const seen = new Set<unknown>();
      for (let skip = 0; ; skip += 2) {
        const res = await api(url, token, 'GET', `/v2/bookings?take=2&skip=${skip}&sortUpdatedAt=asc`);
        for (const b of res.body.data as { uid: string }[]) seen.add(b.uid);
        if (!res.body.pagination.hasNextPage) break;
      }
      // Each request moved the oldest booking behind the pages already read: offset paging misses some.
      expect(all.filter((u) => !seen.has(u)).length).toBeGreaterThan(0);
    } finally {
      sandbox.setFaults({});
    }
    expect((await bookings('?take=250')).some((b) => String(b.description).startsWith('changed while paging'))).toBe(
      true,
    );
  });

  it('a clock offset moves the times Cal.com stamps', async () => {
    sandbox.setClockOffset(10 * 60_000);
    try {
      const { booking } = await sandbox.createBooking({
        username: USER,
        eventTypeSlug: SLUG,
        start: futureWeekdayAt(16, 6),
        attendee: ada,
      });
      expect(Date.parse(booking.createdAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    } finally {
      sandbox.setClockOffset(0);
    }
  });
});
