import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { calcomScopes, v2BookingSchema, v2ErrorSchema, webhookEnvelopeSchema } from '../../common/calcom';
import type { Sandbox } from './index';
import {
  ALL_SCOPES,
  api,
  connect,
  futureWeekdayAt,
  Receiver,
  startSandbox,
} from '../../tests/support/sandbox/sandbox-test-kit';

let sandbox: Sandbox;
let url: string;
let token: string;
let receiver: Receiver;
const attendee = { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' };
let slot = 0;
const nextStart = () => futureWeekdayAt(14 + (slot % 4), 1 + Math.floor(slot++ / 4));
const triggers = [
  'BOOKING_CREATED',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
  'BOOKING_REQUESTED',
  'BOOKING_REJECTED',
  'BOOKING_NO_SHOW_UPDATED',
];

beforeAll(async () => {
  ({ sandbox, url } = await startSandbox({ webhookTimeoutMs: 500 }));
  token = (await connect(url, { scope: calcomScopes.join(' ') })).access_token;
  receiver = await Receiver.start();
  await api(url, token, 'POST', '/v2/event-types', {
    title: '60 Min Consultation',
    slug: 'consultation-60',
    lengthInMinutes: 60,
  });
  await api(url, token, 'POST', '/v2/event-types', {
    title: 'Intro call',
    slug: 'intro',
    lengthInMinutes: 30,
    confirmationPolicy: { type: 'always' },
  });
  await api(url, token, 'POST', '/v2/webhooks', {
    subscriberUrl: `${receiver.url}/hooks/main`,
    triggers,
    active: true,
    secret: 's',
  });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.close();
});
beforeEach(() => void receiver.requests.splice(0));

const book = async (slug = 'consultation-60', start = nextStart()) =>
  (await sandbox.createBooking({ username: 'dana-reyes', eventTypeSlug: slug, start, attendee })).booking.uid;
const post = (path: string, body?: unknown, t = token, version?: string) =>
  api(url, t, 'POST', path, body, version ? { 'cal-api-version': version } : {});
const lastHook = () => webhookEnvelopeSchema.parse(receiver.bodies().at(-1));

describe('POST /v2/bookings/{uid}/confirm and /decline (2024-08-13, BOOKING_WRITE)', () => {
  it('confirm: a pending request becomes accepted, answers the booking and fires BOOKING_CREATED', async () => {
    const uid = await book('intro');
    receiver.requests.splice(0);
    const res = await post(`/v2/bookings/${uid}/confirm`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('success');
    expect(v2BookingSchema.parse(res.body.data)).toMatchObject({ uid, status: 'accepted' });
    expect(lastHook()).toMatchObject({ triggerEvent: 'BOOKING_CREATED', payload: { uid, status: 'ACCEPTED' } });
  });

  it('decline: rejected with the reason, BOOKING_REJECTED carries rejectionReason', async () => {
    const uid = await book('intro');
    const res = await post(`/v2/bookings/${uid}/decline`, { reason: 'Fully booked that week' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid, status: 'rejected' });
    expect(lastHook()).toMatchObject({
      triggerEvent: 'BOOKING_REJECTED',
      payload: { uid, status: 'REJECTED', rejectionReason: 'Fully booked that week' },
    });
  });

  it('a booking that is not pending: 400; a cancelled one says so; unknown uid 404; another user 403', async () => {
    const accepted = await book();
    expect((await post(`/v2/bookings/${accepted}/confirm`)).status).toBe(400);
    const cancelled = await book('intro');
    await sandbox.cancelBooking(cancelled, { by: attendee.email });
    const res = await post(`/v2/bookings/${cancelled}/confirm`);
    expect(res.status).toBe(400);
    expect(v2ErrorSchema.parse(res.body).error).toMatchObject({
      code: 'BadRequestException',
      message: 'This booking has already been cancelled.',
    });
    expect((await post('/v2/bookings/nope/decline', {})).status).toBe(404);
    const omar = (await connect(url, { username: 'omar-haddad', scope: calcomScopes.join(' ') })).access_token;
    const foreign = await post(`/v2/bookings/${await book('intro')}/confirm`, undefined, omar);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('ForbiddenException');
  });

  it('without BOOKING_WRITE: 403 insufficient_scope and nothing changes', async () => {
    const readOnly = (await connect(url, { scope: ALL_SCOPES })).access_token;
    const uid = await book('intro');
    const res = await post(`/v2/bookings/${uid}/confirm`, undefined, readOnly);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/^insufficient_scope/);
    expect(sandbox.listBookings('dana-reyes').find((b) => b.uid === uid)?.status).toBe('pending');
  });

  it('unknown body fields are refused (forbidNonWhitelisted)', async () => {
    const uid = await book('intro');
    expect((await post(`/v2/bookings/${uid}/decline`, { reason: 'x', extra: 1 })).status).toBe(400);
  });
});

describe('POST /v2/bookings/{uid}/cancel', () => {
  it('cancels with the reason; BOOKING_CANCELLED by the organizer; a second cancel is 400 "already cancelled"', async () => {
    const uid = await book();
    const res = await post(`/v2/bookings/${uid}/cancel`, { cancellationReason: 'Unwell' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid, status: 'cancelled', cancellationReason: 'Unwell' });
    expect(lastHook()).toMatchObject({
      triggerEvent: 'BOOKING_CANCELLED',
      payload: { uid, cancellationReason: 'Unwell', cancelledBy: 'dana@example.com', requestReschedule: false },
    });
    const again = await post(`/v2/bookings/${uid}/cancel`, {});
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe('This booking has already been cancelled.');
  });

  it('a booking that has ended cannot be cancelled (400)', async () => {
    const uid = await book();
    sandbox.setClockOffset(60 * 24 * 3600_000);
    try {
      const res = await post(`/v2/bookings/${uid}/cancel`, {});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/already ended/);
    } finally {
      sandbox.setClockOffset(0);
    }
  });
});

describe('POST /v2/bookings/{uid}/request-reschedule (2026-02-25)', () => {
  it('cancels with requestReschedule; the attendee rebooks once through /reschedule/{uid}, linked by BOOKING_RESCHEDULED', async () => {
    const uid = await book();
    expect((await post(`/v2/bookings/${uid}/request-reschedule`, {})).status).toBe(400); // the 2024-08-13 header is refused
    const res = await post(
      `/v2/bookings/${uid}/request-reschedule`,
      { rescheduleReason: 'I am travelling' },
      token,
      '2026-02-25',
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid, status: 'cancelled' });
    expect(lastHook()).toMatchObject({
      triggerEvent: 'BOOKING_CANCELLED',
      payload: { uid, requestReschedule: true, cancellationReason: 'I am travelling' },
    });
    const page = await fetch(`${url}/reschedule/${uid}`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    const moved = await sandbox.rescheduleBooking(uid, nextStart());
    expect(lastHook()).toMatchObject({
      triggerEvent: 'BOOKING_RESCHEDULED',
      payload: { uid: moved.booking.uid, rescheduleUid: uid },
    });
    await expect(sandbox.rescheduleBooking(uid, nextStart())).rejects.toThrow(/cancelled/);
  });
});

describe('POST /v2/bookings/{uid}/mark-absent', () => {
  it('marks the attendee absent (BOOKING_NO_SHOW_UPDATED) once the booking started; not before', async () => {
    const uid = await book();
    const early = await post(`/v2/bookings/${uid}/mark-absent`, {
      attendees: [{ email: attendee.email, absent: true }],
    });
    expect(early.status).toBe(400);
    sandbox.setClockOffset(60 * 24 * 3600_000);
    try {
      const res = await post(`/v2/bookings/${uid}/mark-absent`, {
        attendees: [{ email: attendee.email, absent: true }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.attendees[0]).toMatchObject({ email: attendee.email, absent: true });
      expect(lastHook()).toMatchObject({
        triggerEvent: 'BOOKING_NO_SHOW_UPDATED',
        payload: { bookingUid: uid, attendees: [{ email: attendee.email, noShow: true }] },
      });
      expect(sandbox.listBookings('dana-reyes').find((b) => b.uid === uid)?.attendees[0]?.absent).toBe(true);
      expect(
        (await post(`/v2/bookings/${uid}/mark-absent`, { attendees: [{ email: 'other@example.org', absent: true }] }))
          .status,
      ).toBe(400);
    } finally {
      sandbox.setClockOffset(0);
    }
  });
});
