import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema } from '../../common/calcom';
import {
  contractCancelledExample,
  contractCreatedExample,
  contractRescheduledExample,
} from '../../tests/support/sandbox/contract-examples';
import type { Sandbox } from './index';
import { shapeOf } from '../../tests/support/sandbox/shape';
import { api, connect, futureWeekdayAt, Receiver, startSandbox } from '../../tests/support/sandbox/sandbox-test-kit';

let sandbox: Sandbox;
let url: string;
let token: string;
let receiver: Receiver;
const SECRET = 'whsec-test-Ω'; // non-ASCII: the key is the secret's UTF-8 bytes
const attendee = { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' };
let slot = 0;
/** A fresh, non-overlapping future start for each booking. */
const nextStart = () => futureWeekdayAt(14 + (slot % 4), 1 + Math.floor(slot++ / 4));

const allTriggers = [
  'BOOKING_CREATED',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
  'BOOKING_REQUESTED',
  'BOOKING_REJECTED',
  'BOOKING_NO_SHOW_UPDATED',
];

beforeAll(async () => {
  ({ sandbox, url } = await startSandbox({ webhookTimeoutMs: 500 }));
  token = (await connect(url)).access_token;
  receiver = await Receiver.start((c, res) => {
    if (c.path === '/redirect') return void res.writeHead(302, { location: '/target' }).end();
    if (c.path === '/fail') return void res.writeHead(500).end('boom');
    if (c.path === '/slow') return; // never answers: the sandbox's timeout must fire
    res.end('ok');
  });
  await api(url, token, 'POST', '/v2/event-types', {
    title: '60 Min Consultation',
    slug: 'consultation-60',
    lengthInMinutes: 60,
    description: 'One-to-one wellness consultation',
  });
  await api(url, token, 'POST', '/v2/event-types', {
    title: 'Intro call',
    slug: 'intro',
    lengthInMinutes: 30,
    confirmationPolicy: { type: 'always' },
  });
  await api(url, token, 'POST', '/v2/webhooks', {
    subscriberUrl: `${receiver.url}/hooks/main`,
    triggers: allTriggers,
    active: true,
    secret: SECRET,
  });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.close();
});
beforeEach(() => void receiver.requests.splice(0));

const verify = (raw: string, header: string | string[] | undefined) => {
  const expected = createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(Buffer.from(raw, 'utf8')).digest();
  return (
    typeof header === 'string' && /^[0-9a-f]{64}$/.test(header) && timingSafeEqual(Buffer.from(header, 'hex'), expected)
  );
};

describe('booking webhooks', () => {
  it('BOOKING_CREATED: golden field set, Cal.com headers, signature over the raw body', async () => {
    const result = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: nextStart(),
      attendee,
      notes: 'First session - sleep and stress',
    });
    expect(result.deliveries).toEqual([
      {
        webhookId: expect.any(String),
        url: `${receiver.url}/hooks/main`,
        triggerEvent: 'BOOKING_CREATED',
        status: 200,
      },
    ]);
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-cal-webhook-version']).toBe('2021-10-20');
    expect(verify(req.raw, req.headers['x-cal-signature-256'])).toBe(true);
    expect(verify(`${req.raw} `, req.headers['x-cal-signature-256'])).toBe(false);
    const body = JSON.parse(req.raw);
    expect(shapeOf(body)).toEqual(shapeOf(contractCreatedExample));
    expect(webhookEnvelopeSchema.parse(body).triggerEvent).toBe('BOOKING_CREATED');
    expect(body.payload).toMatchObject({
      uid: result.booking.uid,
      bookingId: result.booking.id,
      type: 'consultation-60',
      status: 'ACCEPTED',
      additionalNotes: 'First session - sleep and stress',
      organizer: { id: 48213, username: 'dana-reyes', timeZone: 'America/Chicago' },
      bookerUrl: url,
    });
    expect(body.payload.metadata.videoCallUrl).toBe(`${url}/video/${result.booking.uid}`);
  });

  it('BOOKING_RESCHEDULED: new uid and bookingId, old ones in reschedule*, old booking cancelled + rescheduled; no BOOKING_CANCELLED', async () => {
    const first = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: nextStart(),
      attendee,
      notes: 'n',
    });
    receiver.requests.splice(0);
    const moved = await sandbox.rescheduleBooking(first.booking.uid, nextStart(), { reason: 'Work trip' });
    expect(moved.deliveries.map((d) => d.triggerEvent)).toEqual(['BOOKING_RESCHEDULED']);
    const req = receiver.requests[0]!;
    expect(verify(req.raw, req.headers['x-cal-signature-256'])).toBe(true);
    const body = JSON.parse(req.raw);
    expect(shapeOf(body)).toEqual(shapeOf(contractRescheduledExample));
    expect(body.payload).toMatchObject({
      uid: moved.booking.uid,
      bookingId: moved.booking.id,
      rescheduleUid: first.booking.uid,
      rescheduleId: first.booking.id,
      rescheduledBy: attendee.email,
      iCalSequence: 1,
      status: 'ACCEPTED',
    });
    expect(body.payload.uid).not.toBe(first.booking.uid);
    expect(body.payload.rescheduleStartTime).toBe(first.booking.start.replace('.000Z', 'Z'));
    const old = sandbox.listBookings('dana-reyes').find((b) => b.uid === first.booking.uid)!;
    expect(old).toMatchObject({
      status: 'cancelled',
      rescheduledToUid: moved.booking.uid,
      rescheduledByEmail: attendee.email,
    });
  });

  it('BOOKING_CANCELLED: golden field set with cancellationReason and cancelledBy', async () => {
    const b = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: nextStart(),
      attendee,
    });
    receiver.requests.splice(0);
    const res = await sandbox.cancelBooking(b.booking.uid, {
      reason: 'Feeling unwell, will rebook',
      by: attendee.email,
    });
    expect(res.booking.status).toBe('cancelled');
    const req = receiver.requests[0]!;
    expect(verify(req.raw, req.headers['x-cal-signature-256'])).toBe(true);
    const body = JSON.parse(req.raw);
    expect(shapeOf(body)).toEqual(shapeOf(contractCancelledExample));
    expect(body.payload).toMatchObject({
      uid: b.booking.uid,
      cancellationReason: 'Feeling unwell, will rebook',
      cancelledBy: attendee.email,
      status: 'CANCELLED',
    });
    expect(body.triggerEvent).toBe('BOOKING_CANCELLED');
    const byHost = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: nextStart(),
      attendee,
    });
    await sandbox.cancelBooking(byHost.booking.uid);
    expect(JSON.parse(receiver.requests.at(-1)!.raw).payload.cancelledBy).toBe('dana@example.com');
    await expect(sandbox.cancelBooking(byHost.booking.uid)).rejects.toThrow(/cancelled/);
  });

  it('requires confirmation: BOOKING_REQUESTED (PENDING), then confirm → BOOKING_CREATED or reject → BOOKING_REJECTED', async () => {
    const asked = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'intro',
      start: nextStart(),
      attendee,
    });
    expect(asked.booking.status).toBe('pending');
    expect(asked.deliveries[0]?.triggerEvent).toBe('BOOKING_REQUESTED');
    expect(JSON.parse(receiver.requests.at(-1)!.raw).payload).toMatchObject({
      status: 'PENDING',
      requiresConfirmation: true,
    });
    const confirmed = await sandbox.confirmBooking(asked.booking.uid);
    expect(confirmed.booking.status).toBe('accepted');
    expect(JSON.parse(receiver.requests.at(-1)!.raw)).toMatchObject({
      triggerEvent: 'BOOKING_CREATED',
      payload: { uid: asked.booking.uid, status: 'ACCEPTED' },
    });
    await expect(sandbox.confirmBooking(asked.booking.uid)).rejects.toThrow(/not pending/);

    const asked2 = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'intro',
      start: nextStart(),
      attendee,
    });
    const rejected = await sandbox.rejectBooking(asked2.booking.uid, 'Fully booked');
    expect(rejected.booking).toMatchObject({ status: 'rejected', rejectionReason: 'Fully booked' });
    expect(JSON.parse(receiver.requests.at(-1)!.raw)).toMatchObject({
      triggerEvent: 'BOOKING_REJECTED',
      payload: { status: 'REJECTED', rejectionReason: 'Fully booked' },
    });
  });

  it('setRequiresConfirmation toggles an event type created through the API', async () => {
    const et = sandbox.listEventTypes('dana-reyes').find((e) => e.slug === 'consultation-60')!;
    sandbox.setRequiresConfirmation(et.id, true);
    const b = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: nextStart(),
      attendee,
    });
    expect(b.deliveries[0]?.triggerEvent).toBe('BOOKING_REQUESTED');
    sandbox.setRequiresConfirmation(et.id, false);
  });

  it('BOOKING_NO_SHOW_UPDATED carries {message, attendees:[{email,noShow}], bookingUid, bookingId}', async () => {
    const b = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: nextStart(),
      attendee,
    });
    const res = await sandbox.markNoShow(b.booking.uid, attendee.email, true);
    expect(res.booking.attendees[0]?.absent).toBe(true);
    const body = webhookEnvelopeSchema.parse(JSON.parse(receiver.requests.at(-1)!.raw));
    expect(body).toMatchObject({
      triggerEvent: 'BOOKING_NO_SHOW_UPDATED',
      payload: {
        attendees: [{ email: attendee.email, noShow: true }],
        bookingUid: b.booking.uid,
        bookingId: b.booking.id,
      },
    });
    await expect(sandbox.markNoShow(b.booking.uid, 'nobody@example.net', true)).rejects.toThrow(/No attendee/);
  });

  it('overlapping bookings of the same consultant are refused', async () => {
    const start = nextStart();
    await sandbox.createBooking({ username: 'dana-reyes', eventTypeSlug: 'consultation-60', start, attendee });
    await expect(
      sandbox.createBooking({ username: 'dana-reyes', eventTypeSlug: 'consultation-60', start, attendee }),
    ).rejects.toMatchObject({ status: 409 });
  });
});

describe('delivery semantics', () => {
  const withHook = async (path: string, extra: Record<string, unknown> = {}) => {
    const t = (await connect(url, { username: 'omar-haddad' })).access_token;
    const et = await api(url, t, 'POST', '/v2/event-types', {
      title: `T ${path}`,
      slug: `t${path.replace(/\W/g, '')}`,
      lengthInMinutes: 15,
    });
    const hook = await api(url, t, 'POST', '/v2/webhooks', {
      subscriberUrl: `${receiver.url}${path}`,
      triggers: ['BOOKING_CREATED'],
      active: true,
      ...extra,
    });
    return { slug: et.body.data.slug as string, hookId: hook.body.data.id as string, token: t };
  };
  const book = (slug: string) =>
    sandbox.createBooking({ username: 'omar-haddad', eventTypeSlug: slug, start: nextStart(), attendee });
  /** The delivery to one subscriber path (omar's other hooks get the booking too). */
  const to = (r: { deliveries: { url: string }[] }, path: string) => r.deliveries.find((d) => d.url.endsWith(path));

  it('without a secret the signature header is the literal no-secret-provided', async () => {
    const { slug } = await withHook('/nosecret');
    await book(slug);
    expect(receiver.requests.at(-1)!.headers['x-cal-signature-256']).toBe('no-secret-provided');
  });

  it('does not follow redirects and does not retry error responses', async () => {
    const redirect = await withHook('/redirect');
    expect(to(await book(redirect.slug), '/redirect')).toMatchObject({ status: 302 });
    expect(receiver.requests.map((r) => r.path)).not.toContain('/target');
    const fail = await withHook('/fail');
    receiver.requests.splice(0);
    expect(to(await book(fail.slug), '/fail')).toMatchObject({ status: 500 });
    expect(receiver.requests.filter((r) => r.path === '/fail')).toHaveLength(1);
  });

  it('gives up after the timeout and reports it', async () => {
    const { slug } = await withHook('/slow');
    const started = Date.now();
    const res = await book(slug);
    expect(to(res, '/slow')).toMatchObject({ error: expect.stringMatching(/timeout/) });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('unreachable subscribers are reported, not thrown', async () => {
    const t = (await connect(url, { username: 'mei-tanaka' })).access_token;
    await api(url, t, 'POST', '/v2/event-types', { title: 'x', slug: 'unreach', lengthInMinutes: 15 });
    await api(url, t, 'POST', '/v2/webhooks', {
      subscriberUrl: 'http://127.0.0.1:9/closed',
      triggers: ['BOOKING_CREATED'],
      active: true,
    });
    const res = await sandbox.createBooking({
      username: 'mei-tanaka',
      eventTypeSlug: 'unreach',
      start: nextStart(),
      attendee,
    });
    expect(res.deliveries[0]?.error).toBeTruthy();
  });

  it('inactive webhooks and unsubscribed triggers get nothing; PING goes to one hook or all active ones', async () => {
    const { slug, hookId, token: t } = await withHook('/inactive', { active: false });
    receiver.requests.splice(0);
    await book(slug);
    const cancelled = await book(slug);
    await sandbox.cancelBooking(cancelled.booking.uid); // BOOKING_CANCELLED is not subscribed by any omar hook
    expect(receiver.requests.filter((r) => r.path === '/inactive')).toHaveLength(0);
    const ping = await sandbox.sendPing(hookId);
    expect(ping.deliveries).toEqual([expect.objectContaining({ triggerEvent: 'PING', status: 200 })]);
    expect(JSON.parse(receiver.requests.at(-1)!.raw)).toMatchObject({
      triggerEvent: 'PING',
      payload: { type: 'Test', title: 'Test trigger event' },
    });
    const all = await sandbox.sendPing();
    expect(all.deliveries.length).toBe(
      sandbox.listWebhooks('dana-reyes').length +
        (await api(url, t, 'GET', '/v2/webhooks')).body.data.filter((w: { active: boolean }) => w.active).length +
        1,
    );
  });

  it("one user's booking never reaches another user's webhooks", async () => {
    receiver.requests.splice(0);
    await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: nextStart(),
      attendee,
    });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hooks/main']);
  });
});
