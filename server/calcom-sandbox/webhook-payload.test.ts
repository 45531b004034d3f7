import { describe, expect, it } from 'vitest';
import { bookingPayloadSchema, webhookEnvelopeSchema } from '../../common/calcom';
import {
  contractCancelledExample,
  contractCreatedExample,
  contractRescheduledExample,
} from '../../tests/support/sandbox/contract-examples';
import { shapeOf } from '../../tests/support/sandbox/shape';
import { seedUsers, type SandboxBooking, type SandboxEventType } from './state';
import {
  buildCancelledPayload,
  buildCreatedLikePayload,
  buildNoShowPayload,
  buildPingPayload,
  buildRescheduledPayload,
  envelope,
  type PayloadContext,
} from './webhook-payload';

const dana = seedUsers[0]!;
const et: SandboxEventType = {
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
const booking: SandboxBooking = {
  id: 9876543,
  uid: 'pX3mQ8vT2nR6kW9yB4cZ1a',
  userId: dana.id,
  eventTypeId: et.id,
  title: '60 Min Consultation between Dana Reyes and Sam Lee',
  description: 'First session - sleep and stress',
  start: '2026-02-17T17:00:00.000Z',
  end: '2026-02-17T18:00:00.000Z',
  status: 'ACCEPTED',
  attendees: [{ name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York', noShow: false }],
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
const now = new Date('2026-02-10T14:03:27.512Z');
const ctx = (b: SandboxBooking): PayloadContext => ({
  booking: b,
  eventType: et,
  organizer: dana,
  bookerUrl: 'https://cal.com',
  now,
});

describe('webhook payload builder (golden against contract §3.9)', () => {
  it('BOOKING_CREATED has exactly the field set, nesting and types of example A', () => {
    const env = envelope('BOOKING_CREATED', buildCreatedLikePayload(ctx(booking), 'ACCEPTED'), now);
    expect(shapeOf(env)).toEqual(shapeOf(contractCreatedExample));
    // Values the contract pins down for this input.
    expect(env.payload).toMatchObject({
      startTime: '2026-02-17T17:00:00Z',
      endTime: '2026-02-17T18:00:00Z',
      type: 'consultation-60',
      bookingId: 9876543,
      uid: booking.uid,
      status: 'ACCEPTED',
      length: 60,
      eventTypeId: 1184502,
    });
    expect(env.payload.organizer).toEqual(contractCreatedExample.payload.organizer);
    expect(env.payload.attendees).toEqual(contractCreatedExample.payload.attendees);
    expect(env.payload.responses).toEqual(contractCreatedExample.payload.responses);
    expect(webhookEnvelopeSchema.safeParse(env).success).toBe(true);
  });

  it('BOOKING_RESCHEDULED has the field set of example B and links the old booking', () => {
    const old = { ...booking, status: 'CANCELLED' as const, rescheduled: true, rescheduledBy: 'sam.lee@example.net' };
    const next = {
      ...booking,
      id: 9876610,
      uid: 'Lr7cN2wQ5dF8hJ3kP6sV9x',
      start: '2026-02-19T15:00:00.000Z',
      end: '2026-02-19T16:00:00.000Z',
      iCalSequence: 1,
      fromReschedule: booking.uid,
      rescheduleReason: 'Work trip',
      videoCallId: 'Qm8sTv3WxYz1',
    };
    const env = envelope('BOOKING_RESCHEDULED', buildRescheduledPayload(ctx(next), old, 'ACCEPTED'), now);
    expect(shapeOf(env)).toEqual(shapeOf(contractRescheduledExample));
    expect(env.payload).toMatchObject({
      uid: next.uid,
      bookingId: 9876610,
      rescheduleUid: booking.uid,
      rescheduleId: 9876543,
      rescheduleStartTime: '2026-02-17T17:00:00Z',
      rescheduleEndTime: '2026-02-17T18:00:00Z',
      rescheduledBy: 'sam.lee@example.net',
      iCalSequence: 1,
    });
    expect(env.payload.responses).toEqual(contractRescheduledExample.payload.responses);
  });

  it('BOOKING_CANCELLED has the field set of example C (+00:00 times, no first/last name)', () => {
    const cancelled = {
      ...booking,
      status: 'CANCELLED' as const,
      cancellationReason: 'Feeling unwell, will rebook',
      cancelledBy: 'sam.lee@example.net',
      iCalSequence: 2,
    };
    const env = envelope('BOOKING_CANCELLED', buildCancelledPayload(ctx(cancelled)), now);
    expect(shapeOf(env)).toEqual(shapeOf(contractCancelledExample));
    expect(env.payload).toMatchObject({
      startTime: '2026-02-17T17:00:00+00:00',
      cancellationReason: 'Feeling unwell, will rebook',
      cancelledBy: 'sam.lee@example.net',
      status: 'CANCELLED',
      requestReschedule: false,
    });
    expect(bookingPayloadSchema.safeParse(env.payload).success).toBe(true);
  });

  it('REQUESTED and REJECTED reuse the created shape with their status (+ rejectionReason)', () => {
    const requested = buildCreatedLikePayload(ctx({ ...booking, status: 'PENDING' }), 'PENDING');
    expect(shapeOf(requested)).toEqual(shapeOf(contractCreatedExample.payload));
    expect(requested.status).toBe('PENDING');
    const rejected = buildCreatedLikePayload(
      ctx({ ...booking, status: 'REJECTED', rejectionReason: 'Fully booked' }),
      'REJECTED',
    );
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'Fully booked' });
  });

  it('guests follow the booker in attendees and appear in responses.guests', () => {
    const withGuest = {
      ...booking,
      attendees: [
        ...booking.attendees,
        { name: '', email: 'partner@example.net', timeZone: 'America/New_York', noShow: false },
      ],
    };
    const p = buildCreatedLikePayload(ctx(withGuest), 'ACCEPTED') as {
      attendees: { email: string }[];
      responses: { guests: { value: string[] } };
    };
    expect(p.attendees.map((a) => a.email)).toEqual(['sam.lee@example.net', 'partner@example.net']);
    expect(p.responses.guests.value).toEqual(['partner@example.net']);
  });

  it('NO_SHOW_UPDATED and PING have the documented shapes (§3.5, §3.6)', () => {
    expect(buildNoShowPayload(booking, [{ email: 'sam.lee@example.net', noShow: true }])).toEqual({
      message: expect.any(String),
      attendees: [{ email: 'sam.lee@example.net', noShow: true }],
      bookingUid: booking.uid,
      bookingId: booking.id,
    });
    const ping = buildPingPayload(now);
    expect(ping).toMatchObject({
      type: 'Test',
      title: 'Test trigger event',
      description: '',
      organizer: { name: 'Cal', email: 'no-reply@cal.com' },
    });
    expect(webhookEnvelopeSchema.safeParse(envelope('PING', ping, now)).success).toBe(true);
  });
});
