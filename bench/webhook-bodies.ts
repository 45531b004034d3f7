import { randomBytes } from 'node:crypto';
import { signBody } from '../server/calcom-sandbox/webhook-sender';
import { buildCancelledPayload, buildCreatedLikePayload, envelope } from '../server/calcom-sandbox/webhook-payload';
import type { PayloadContext } from '../server/calcom-sandbox/webhook-payload';
import { seedUsers } from '../server/calcom-sandbox/state';
import type { SandboxBooking, SandboxEventType } from '../server/calcom-sandbox/state';

/**
 * Realistic Cal.com webhook bodies, built by the sandbox's own payload builders (golden-tested against Cal.com's
 * contract), serialized and signed exactly as the sandbox sends them. The benches never hand-write a payload.
 */

/** A body as Cal.com sends it: the exact string, its signature, and the booking uid it creates. */
export interface SignedBody {
  readonly uid: string;
  readonly body: string;
  readonly signature: string;
}

const organizer = seedUsers[0] as (typeof seedUsers)[number];

const eventTypes: readonly SandboxEventType[] = [30, 60, 90].map((minutes, i) => ({
  id: 1184502 + i,
  userId: organizer.id,
  title: `${minutes} Min Consultation`,
  slug: `consultation-${minutes}`,
  lengthInMinutes: minutes,
  description:
    'One-to-one wellness consultation: sleep, stress, nutrition and movement, with a written plan afterwards.',
  hidden: false,
  requiresConfirmation: false,
  minimumBookingNotice: 120,
  beforeEventBuffer: 0,
  afterEventBuffer: 0,
  slotInterval: null,
  locations: [{ type: 'integrations:daily' }],
  createdAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-01-05T09:00:00.000Z',
}));

const firstNames = [
  'Sam',
  'Ada',
  'Noor',
  'Lena',
  'Kofi',
  'Mateo',
  'Priya',
  'Yuki',
  'Olu',
  'Greta',
  'Ravi',
  'Sofia',
  'Chen',
  'Amara',
  'Liam',
  'Ines',
];
const lastNames = [
  'Lee',
  'Okafor',
  'Haddad',
  'Schmidt',
  'Mensah',
  'Garcia',
  'Patel',
  'Sato',
  'Adeyemi',
  'Berg',
  'Iyer',
  'Rossi',
  'Wang',
  'Diallo',
  'Murphy',
  'Silva',
];
const zones = [
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Tokyo',
  'America/Los_Angeles',
  'Australia/Sydney',
];

/** A deterministic attendee for index `i` (256 distinct people, so searches match a realistic share of rows). */
export function attendeeFor(i: number): { name: string; email: string; timeZone: string } {
  const first = firstNames[i % firstNames.length] as string;
  const last = lastNames[Math.floor(i / firstNames.length) % lastNames.length] as string;
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}@example.net`.toLowerCase(),
    timeZone: zones[i % zones.length] as string,
  };
}

/** A sandbox booking `i`, starting at `startMs`; `uid` defaults to a random Cal.com-like id. */
export function sandboxBooking(
  i: number,
  startMs: number,
  uid = randomBytes(16).toString('base64url'),
): { booking: SandboxBooking; eventType: SandboxEventType } {
  const eventType = eventTypes[i % eventTypes.length] as SandboxEventType;
  const a = attendeeFor(i);
  const booking: SandboxBooking = {
    id: 9_000_000 + i,
    uid,
    userId: organizer.id,
    eventTypeId: eventType.id,
    title: `${eventType.title} between ${organizer.name} and ${a.name}`,
    // Client notes as people write them: a few sentences (they appear three times in Cal.com's payload).
    description:
      'First session - sleep and stress. I wake up around 3am most nights and would like to talk about evening routines, caffeine and screens. Also curious about breathing exercises before presentations at work.',
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + eventType.lengthInMinutes * 60_000).toISOString(),
    status: 'ACCEPTED',
    attendees: [{ ...a, noShow: false }],
    location: 'integrations:daily',
    videoCallId: randomBytes(9).toString('base64url'),
    iCalUID: `${uid}@Cal.com`,
    iCalSequence: 0,
    cancellationReason: null,
    cancelledBy: null,
    rejectionReason: null,
    rescheduled: false,
    fromReschedule: null,
    rescheduledToUid: null,
    rescheduledBy: null,
    rescheduleReason: null,
    createdAt: new Date(startMs - 86_400_000).toISOString(),
    updatedAt: new Date(startMs - 86_400_000).toISOString(),
  };
  return { booking, eventType };
}

function context(booking: SandboxBooking, eventType: SandboxEventType, now: Date): PayloadContext {
  return { booking, eventType, organizer, bookerUrl: 'https://cal.com', now };
}

/** BOOKING_CREATED for booking `i` as the exact JSON string Cal.com sends (about 3 KB). */
export function createdBody(i: number, startMs: number, uid?: string): { uid: string; body: string } {
  const { booking, eventType } = sandboxBooking(i, startMs, uid);
  const now = new Date(startMs - 86_400_000);
  return {
    uid: booking.uid,
    body: JSON.stringify(
      envelope('BOOKING_CREATED', buildCreatedLikePayload(context(booking, eventType, now), 'ACCEPTED'), now),
    ),
  };
}

/** BOOKING_CANCELLED for the booking `createdBody(i, startMs, uid)` created. */
export function cancelledBody(i: number, startMs: number, uid: string): string {
  const { booking, eventType } = sandboxBooking(i, startMs, uid);
  const cancelled: SandboxBooking = {
    ...booking,
    status: 'CANCELLED',
    cancellationReason: 'Schedule conflict',
    cancelledBy: booking.attendees[0]?.email ?? null,
  };
  const now = new Date(startMs - 3_600_000);
  return JSON.stringify(envelope('BOOKING_CANCELLED', buildCancelledPayload(context(cancelled, eventType, now)), now));
}

/** `count` signed BOOKING_CREATED bodies with distinct uids, starting an hour apart from `fromMs`. */
export function signedCreatedBodies(count: number, secret: string, fromMs = Date.UTC(2030, 0, 7, 9)): SignedBody[] {
  return Array.from({ length: count }, (_, i) => {
    const { uid, body } = createdBody(i, fromMs + i * 3_600_000);
    return { uid, body, signature: signBody(body, secret) };
  });
}
