import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from './index';
import type { Receiver } from '../../tests/support/sandbox/sandbox-test-kit';
import { getPage, postForm, slotLinks, startBookingPageSandbox } from '../../tests/support/sandbox/booking-page-kit';

let sandbox: Sandbox;
let url: string;
let receiver: Receiver;
beforeAll(async () => {
  ({ sandbox, url, receiver } = await startBookingPageSandbox());
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.close();
});
beforeEach(() => void receiver.requests.splice(0));

const get = (path: string) => getPage(url, path);
const post = (path: string, form: Record<string, string>) => postForm(url, path, form);

describe('public booking page', () => {
  it('lists free weekday slots for the next two weeks in the visitor time zone (default: the consultant’s)', async () => {
    const page = await get('/dana-reyes/consultation-60');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="tz">Your time zone</label>');
    expect(page.text).toContain('<option value="America/Chicago" selected>');
    const links = slotLinks(page.text);
    expect(links.length).toBeGreaterThan(40);
    const starts = links.map((l) => new Date(new URL(l, url).searchParams.get('slot')!));
    expect(Math.max(...starts.map((d) => d.getTime())) - Date.now()).toBeLessThanOrEqual(14 * 86_400_000 + 60_000);
    for (const d of starts) {
      const local = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/Chicago',
        hour: 'numeric',
        hourCycle: 'h23',
        weekday: 'short',
      }).formatToParts(d);
      const hour = Number(local.find((p) => p.type === 'hour')!.value);
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(17);
      expect(['Sat', 'Sun']).not.toContain(local.find((p) => p.type === 'weekday')!.value);
    }
    const tokyo = await get('/dana-reyes/consultation-60?tz=Asia%2FTokyo');
    expect(tokyo.text).toContain('<option value="Asia/Tokyo" selected>');
    expect(slotLinks(tokyo.text)[0]).toContain('tz=Asia%2FTokyo');
    expect((await get('/dana-reyes/consultation-60?tz=Mars%2FBase')).status).toBe(400);
    expect((await get('/dana-reyes/nope')).status).toBe(404);
    expect((await get('/nobody')).status).toBe(404);
    expect((await get('/dana-reyes')).text).toContain('60 Min Consultation');
  });

  it('a client can book, reschedule and cancel (with reason) from the pages; each step fires its webhook', async () => {
    const slots = slotLinks((await get('/dana-reyes/consultation-60?tz=America%2FNew_York')).text);
    const form = await get(slots[0]!);
    expect(form.text).toContain('<label for="name">Your name</label>');
    expect(form.text).toContain('<label for="email">Email address</label>');
    expect(form.text).toContain('<label for="notes">Additional notes</label>');
    const slot = new URL(slots[0]!, url).searchParams.get('slot')!;
    const booked = await post('/dana-reyes/consultation-60/book', {
      slot,
      tz: 'America/New_York',
      name: 'Sam Lee',
      email: 'sam.lee@example.net',
      notes: 'Sleep & stress',
    });
    expect(booked.status).toBe(303);
    const uid = booked.location!.split('/').at(-1)!;
    expect(JSON.parse(receiver.requests.at(-1)!.raw)).toMatchObject({
      triggerEvent: 'BOOKING_CREATED',
      payload: { uid, additionalNotes: 'Sleep & stress', attendees: [{ timeZone: 'America/New_York' }] },
    });

    const confirmation = await get(`/booking/${uid}`);
    expect(confirmation.text).toContain('This meeting is scheduled');
    expect(confirmation.text).toContain(`href="/reschedule/${uid}"`);
    expect(confirmation.text).toContain(`href="/booking/${uid}?cancel=true"`);
    // The booked slot is no longer offered, and booking it again is refused.
    expect(
      slotLinks((await get('/dana-reyes/consultation-60')).text).some((l) => l.includes(encodeURIComponent(slot))),
    ).toBe(false);
    expect(
      (await post('/dana-reyes/consultation-60/book', { slot, tz: 'UTC', name: 'Other', email: 'o@example.net' }))
        .status,
    ).toBe(409);

    const resched = await get(`/reschedule/${uid}`);
    expect(resched.status).toBe(303);
    expect(resched.location).toContain(`rescheduleUid=${uid}`);
    const newSlots = slotLinks((await get(resched.location!)).text);
    expect(newSlots[1]).toContain(`rescheduleUid=${uid}`);
    const rform = await get(newSlots[1]!);
    expect(rform.text).toContain('<label for="reason">Reason for reschedule</label>');
    const newSlot = new URL(newSlots[1]!, url).searchParams.get('slot')!;
    const moved = await post('/dana-reyes/consultation-60/book', {
      slot: newSlot,
      tz: 'America/New_York',
      rescheduleUid: uid,
      reason: 'Work trip',
    });
    expect(moved.status).toBe(303);
    const newUid = moved.location!.split('/').at(-1)!;
    expect(newUid).not.toBe(uid);
    expect(JSON.parse(receiver.requests.at(-1)!.raw)).toMatchObject({
      triggerEvent: 'BOOKING_RESCHEDULED',
      payload: {
        uid: newUid,
        rescheduleUid: uid,
        rescheduledBy: 'sam.lee@example.net',
        responses: { rescheduleReason: { value: 'Work trip' } },
      },
    });
    expect((await get(`/booking/${uid}`)).text).toContain('This booking was rescheduled');
    expect((await get(`/reschedule/${uid}`)).status).toBe(409);

    const cancelPage = await get(`/booking/${newUid}?cancel=true`);
    expect(cancelPage.text).toContain('<label for="cancellationReason">Reason for cancellation</label>');
    const cancelled = await post(`/booking/${newUid}/cancel`, { cancellationReason: 'Feeling unwell' });
    expect(cancelled.status).toBe(303);
    expect(JSON.parse(receiver.requests.at(-1)!.raw)).toMatchObject({
      triggerEvent: 'BOOKING_CANCELLED',
      payload: { uid: newUid, cancellationReason: 'Feeling unwell', cancelledBy: 'sam.lee@example.net' },
    });
    expect((await get(`/booking/${newUid}`)).text).toContain('This booking is cancelled');
  });

  it('refuses times the page did not offer and bad form input with an HTML error page', async () => {
    const sat = new Date();
    sat.setUTCDate(sat.getUTCDate() + ((6 - sat.getUTCDay() + 7) % 7) + 7);
    sat.setUTCHours(8, 0, 0, 0);
    const r = await post('/dana-reyes/consultation-60/book', {
      slot: sat.toISOString(),
      tz: 'UTC',
      name: 'A',
      email: 'a@example.net',
    });
    expect(r.status).toBe(409);
    expect(r.text).toContain('role="alert"');
    const slot = new URL(slotLinks((await get('/dana-reyes/consultation-60')).text)[3]!, url).searchParams.get('slot')!;
    expect(
      (await post('/dana-reyes/consultation-60/book', { slot, tz: 'UTC', name: 'A', email: 'not-an-email' })).status,
    ).toBe(400);
    expect((await get('/booking/unknown-uid')).status).toBe(404);
  });
});

describe('consultant / admin side', () => {
  it('serves an admin page whose forms cancel, mark no-show, confirm and toggle confirmation', async () => {
    const et = sandbox.listEventTypes('dana-reyes')[0]!;
    expect((await post(`/_sandbox/event-types/${et.id}/requires-confirmation`, { value: 'true' })).location).toBe(
      '/_sandbox',
    );
    const start = new URL(slotLinks((await get('/dana-reyes/consultation-60')).text)[5]!, url).searchParams.get(
      'slot',
    )!;
    const pending = await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start,
      attendee: { name: 'Pat Doe', email: 'pat@example.net', timeZone: 'UTC' },
    });
    expect(pending.booking.status).toBe('pending');
    const admin = await get('/_sandbox');
    expect(admin.status).toBe(200);
    expect(admin.text).toContain(`action="/_sandbox/bookings/${pending.booking.uid}/confirm"`);
    expect((await post(`/_sandbox/bookings/${pending.booking.uid}/confirm`, {})).status).toBe(303);
    expect(
      (
        await post(`/_sandbox/bookings/${pending.booking.uid}/no-show`, {
          attendeeEmail: 'pat@example.net',
          noShow: 'true',
        })
      ).status,
    ).toBe(303);
    expect(
      (await post(`/_sandbox/bookings/${pending.booking.uid}/cancel`, { reason: 'Host unavailable' })).status,
    ).toBe(303);
    expect(sandbox.listBookings('dana-reyes').find((b) => b.uid === pending.booking.uid)).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'Host unavailable',
      cancelledByEmail: 'dana@example.com',
    });
    sandbox.setRequiresConfirmation(et.id, false);
  });

  it('answers JSON callers with {booking, deliveries} and clear errors', async () => {
    const json = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const start = new URL(slotLinks((await get('/dana-reyes/consultation-60')).text)[6]!, url).searchParams.get(
      'slot',
    )!;
    const created = await json('/_sandbox/bookings', {
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start,
      attendee: { name: 'Kim Roe', email: 'kim@example.net', timeZone: 'Europe/Paris' },
    });
    expect(created.status).toBe(200);
    const body = (await created.json()) as { booking: { uid: string }; deliveries: { status: number }[] };
    expect(body.deliveries).toEqual([expect.objectContaining({ triggerEvent: 'BOOKING_CREATED', status: 200 })]);
    const moved = await json(`/_sandbox/bookings/${body.booking.uid}/reschedule`, {
      start: new URL(slotLinks((await get('/dana-reyes/consultation-60')).text)[7]!, url).searchParams.get('slot'),
    });
    expect(((await moved.json()) as { deliveries: { triggerEvent: string }[] }).deliveries[0]?.triggerEvent).toBe(
      'BOOKING_RESCHEDULED',
    );
    expect((await json('/_sandbox/bookings', { username: 'dana-reyes' })).status).toBe(400);
    expect((await json('/_sandbox/bookings/nope/cancel', {})).status).toBe(404);
    const ping = await json('/_sandbox/ping', {});
    expect(((await ping.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(1);
    expect(((await (await json('/_sandbox/tokens/expire', {})).json()) as { expired: number }).expired).toBeGreaterThan(
      0,
    );
    expect((await json('/_sandbox/tokens/revoke-refresh', { username: 'dana-reyes' })).status).toBe(200);
    const malformed = await fetch(`${url}/_sandbox/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(malformed.status).toBe(400);
  });
});
