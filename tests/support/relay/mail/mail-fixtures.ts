import {
  contractCancelledExample,
  contractCreatedExample,
  contractRescheduledExample,
} from '../../sandbox/contract-examples';
import { seedUsers, type SandboxBooking, type SandboxEventType } from '../../../../server/calcom-sandbox/state';
import {
  buildCancelledPayload,
  buildCreatedLikePayload,
  buildPingPayload,
  buildRescheduledPayload,
  envelope,
  type PayloadContext,
} from '../../../../server/calcom-sandbox/webhook-payload';
import type { MailSourceEvent } from '../../../../server/relay/mail/mailer';

/** Test fixtures (not a test file): webhook bodies exactly as the Cal.com sandbox sends them. */

export const dana = seedUsers[0]!;
export const eventType: SandboxEventType = {
  id: 1184502,
  userId: dana.id,
  title: '60 Min Consultation',
  slug: 'consultation-60',
  lengthInMinutes: 60,
  description: 'One-to-one wellness consultation',
  hidden: false,
  requiresConfirmation: false,
  minimumBookingNotice: 120,
  beforeEventBuffer: 0,
  afterEventBuffer: 0,
  slotInterval: null,
  locations: [],
  createdAt: '',
  updatedAt: '',
};
export const booking: SandboxBooking = {
  id: 9876543,
  uid: 'pX3mQ8vT2nR6kW9yB4cZ1a',
  userId: dana.id,
  eventTypeId: eventType.id,
  title: '60 Min Consultation between Dana Reyes and Sam Lee',
  description: 'First session - sleep and stress',
  start: '2026-02-17T17:00:00.000Z',
  end: '2026-02-17T18:00:00.000Z',
  status: 'ACCEPTED',
  attendees: [
    { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York', noShow: false },
    { name: 'Alex Kim', email: 'alex@example.org', timeZone: 'Europe/London', noShow: false },
  ],
  location: 'integrations:daily',
  videoCallId: 'Xk2pQr9TzLm4',
  iCalUID: 'pX3mQ8vT2nR6kW9yB4cZ1a@Cal.com',
  iCalSequence: 0,
  cancellationReason: null,
  cancelledBy: null,
  rejectionReason: null,
  rescheduled: false,
  fromReschedule: null,
  rescheduledToUid: null,
  rescheduledBy: null,
  rescheduleReason: null,
  createdAt: '',
  updatedAt: '',
};
export const moved: SandboxBooking = {
  ...booking,
  id: 9876610,
  uid: 'Lr7cN2wQ5dF8hJ3kP6sV9x',
  start: '2026-02-19T15:00:00.000Z',
  end: '2026-02-19T16:00:00.000Z',
  iCalSequence: 1,
  fromReschedule: booking.uid,
  videoCallId: 'Qm8sTv3WxYz1',
};
export const SANDBOX_URL = 'http://127.0.0.1:5555';
const now = new Date('2026-02-10T14:03:27.512Z');
const ctx = (b: SandboxBooking): PayloadContext => ({
  booking: b,
  eventType,
  organizer: dana,
  bookerUrl: SANDBOX_URL,
  now,
});

/** One envelope per trigger, built by the sandbox's own payload builder. */
export const sandboxEnvelopes = {
  created: envelope('BOOKING_CREATED', buildCreatedLikePayload(ctx(booking), 'ACCEPTED'), now),
  requested: envelope(
    'BOOKING_REQUESTED',
    buildCreatedLikePayload(ctx({ ...booking, status: 'PENDING' }), 'PENDING'),
    now,
  ),
  rejected: envelope(
    'BOOKING_REJECTED',
    buildCreatedLikePayload(
      ctx({ ...booking, status: 'REJECTED', rejectionReason: 'Fully booked that week' }),
      'REJECTED',
    ),
    now,
  ),
  rescheduled: envelope(
    'BOOKING_RESCHEDULED',
    buildRescheduledPayload(ctx(moved), { ...booking, rescheduled: true }, 'ACCEPTED'),
    now,
  ),
  cancelled: envelope(
    'BOOKING_CANCELLED',
    buildCancelledPayload(
      ctx({
        ...moved,
        status: 'CANCELLED',
        iCalSequence: 2,
        cancellationReason: 'Feeling unwell, will rebook',
        cancelledBy: 'sam.lee@example.net',
      }),
    ),
    now,
  ),
  ping: envelope('PING', buildPingPayload(now), now),
};

export const contractEnvelopes = {
  created: contractCreatedExample,
  rescheduled: contractRescheduledExample,
  cancelled: contractCancelledExample,
};

/** A stored relay event carrying the body as Cal.com sent it. */
export function eventOf(seq: number, body: unknown): MailSourceEvent {
  return { seq, body: Buffer.from(JSON.stringify(body)) };
}
