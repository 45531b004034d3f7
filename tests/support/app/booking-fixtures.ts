import type { BookingPayload, V2Booking, WebhookEnvelope } from '../../../common/calcom';

/** Test helpers: Cal.com-shaped webhook envelopes and v2 bookings (shapes from calcom-contract.md §3.9). */

export const organizer = {
  id: 48213,
  name: 'Dana Reyes',
  email: 'dana@example.com',
  username: 'dana-reyes',
  timeZone: 'America/Chicago',
};
export const sam = {
  name: 'Sam Lee',
  email: 'sam.lee@example.net',
  timeZone: 'America/New_York',
  language: { locale: 'en' },
};

/** A BOOKING_* payload for `uid`, with overrides. */
export function payload(uid: string, overrides: Partial<BookingPayload> = {}): BookingPayload {
  return {
    type: 'consultation-60',
    title: '60 Min Consultation between Dana Reyes and Sam Lee',
    description: 'First session',
    startTime: '2026-02-17T17:00:00Z',
    endTime: '2026-02-17T18:00:00Z',
    organizer,
    attendees: [sam],
    location: 'integrations:daily',
    eventTypeId: 1184502,
    length: 60,
    uid,
    bookingId: 1000 + uid.length,
    metadata: { videoCallUrl: `https://app.cal.com/video/${uid}` },
    videoCallData: { type: 'daily_video', url: 'https://meetco.daily.co/x' },
    status: 'ACCEPTED',
    ...overrides,
  };
}

type BookingTriggerEnvelope = Exclude<WebhookEnvelope, { triggerEvent: 'PING' | 'BOOKING_NO_SHOW_UPDATED' }>;

/** A booking envelope sent at `createdAt`. */
export function envelope(
  triggerEvent: BookingTriggerEnvelope['triggerEvent'],
  createdAt: string,
  p: BookingPayload,
): WebhookEnvelope {
  return { triggerEvent, createdAt, payload: p } as WebhookEnvelope;
}

export function noShowEnvelope(
  uid: string,
  createdAt: string,
  flags: readonly { email: string; noShow: boolean }[],
): WebhookEnvelope {
  return {
    triggerEvent: 'BOOKING_NO_SHOW_UPDATED',
    createdAt,
    payload: { message: 'x', attendees: [...flags], bookingUid: uid, bookingId: 1 },
  };
}

export function pingEnvelope(createdAt: string): WebhookEnvelope {
  return { triggerEvent: 'PING', createdAt, payload: { type: 'Test', title: 'Test trigger event' } };
}

/** A v2 booking (cal-api-version 2024-08-13). */
export function v2Booking(uid: string, overrides: Partial<V2Booking> = {}): V2Booking {
  return {
    id: 2000 + uid.length,
    uid,
    title: '30 Min Consultation',
    description: null,
    status: 'accepted',
    start: '2026-03-01T10:00:00.000Z',
    end: '2026-03-01T10:30:00.000Z',
    duration: 30,
    eventTypeId: 7,
    eventType: { id: 7, slug: 'consultation-30' },
    meetingUrl: 'https://app.cal.com/video/' + uid,
    location: 'integrations:daily',
    attendees: [
      { name: 'Ada Client', email: 'ada@example.org', timeZone: 'Europe/London', language: 'en', absent: false },
    ],
    hosts: [{ id: 1, name: 'Dana Reyes', email: 'dana@example.com' }],
    metadata: {},
    createdAt: '2026-02-01T09:00:00.000Z',
    updatedAt: '2026-02-01T09:00:00.000Z',
    ...overrides,
  };
}
