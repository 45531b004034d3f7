import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Booking } from '../../../common/booking';
import type { BookingPayload, WebhookEnvelope } from '../../../common/calcom';
import { factFromV2, factsFromEnvelope } from './facts-from-calcom';
import type { BookingRecord } from './booking-record';
import { toBooking } from './booking-record';
import { applyFacts, canonicalJson } from './booking-transition';
import { envelope, noShowEnvelope, payload, v2Booking } from '../../../tests/support/app/booking-fixtures';

const BEFORE = Date.parse('2026-02-01T00:00:00Z'); // before every fixture booking
const AFTER = Date.parse('2026-06-01T00:00:00Z'); // after every fixture booking

/** Applies envelopes in order to an in-memory store; returns the final records. */
function run(envelopes: readonly WebhookEnvelope[]): Map<string, BookingRecord> {
  const store = new Map<string, BookingRecord>();
  for (const e of envelopes) {
    for (const [uid, r] of applyFacts(factsFromEnvelope(e).facts, (u) => store.get(u) ?? null)) store.set(uid, r);
  }
  return store;
}

function bookings(envelopes: readonly WebhookEnvelope[], now = BEFORE): Record<string, Booking | null> {
  return Object.fromEntries([...run(envelopes)].map(([uid, r]) => [uid, toBooking(r, now)]));
}

const T = (minute: number) => `2026-02-10T14:${String(minute).padStart(2, '0')}:00.000Z`;

describe('transitions, one trigger at a time', () => {
  const cases: readonly { name: string; events: WebhookEnvelope[]; uid: string; expected: Partial<Booking> }[] = [
    {
      name: 'created → scheduled',
      events: [envelope('BOOKING_CREATED', T(0), payload('a'))],
      uid: 'a',
      expected: {
        status: 'scheduled',
        calcomBookingId: 1001,
        duration: 60,
        eventTypeSlug: 'consultation-60',
        meetingUrl: 'https://app.cal.com/video/a',
      },
    },
    {
      // Cal.com merges the booker's metadata over its own (security review 42): the Join button keeps Cal.com's link.
      name: "created with a booker's metadata.videoCallUrl → the video call's own link",
      events: [
        envelope('BOOKING_CREATED', T(0), payload('a', { metadata: { videoCallUrl: 'https://evil.example/join' } })),
      ],
      uid: 'a',
      expected: { status: 'scheduled', meetingUrl: 'https://meetco.daily.co/x' },
    },
    {
      name: 'created with a location the booker typed (a link) → no join link, the text is the place',
      events: [
        envelope(
          'BOOKING_CREATED',
          T(0),
          payload('a', {
            metadata: {},
            videoCallData: null,
            location: 'https://evil.example/join',
            responses: {
              location: {
                label: 'location',
                value: { value: 'somewhereElse', optionValue: 'https://evil.example/join' },
              },
            },
          } as Partial<BookingPayload>),
        ),
      ],
      uid: 'a',
      expected: { status: 'scheduled', meetingUrl: null, location: 'https://evil.example/join' },
    },
    {
      name: 'requested → pending',
      events: [envelope('BOOKING_REQUESTED', T(0), payload('a', { status: 'PENDING' }))],
      uid: 'a',
      expected: { status: 'pending' },
    },
    {
      name: 'requested then created → scheduled',
      events: [envelope('BOOKING_REQUESTED', T(0), payload('a')), envelope('BOOKING_CREATED', T(1), payload('a'))],
      uid: 'a',
      expected: { status: 'scheduled' },
    },
    {
      name: 'rejected → rejected with reason',
      events: [envelope('BOOKING_REJECTED', T(0), payload('a', { rejectionReason: 'Fully booked' }))],
      uid: 'a',
      expected: { status: 'rejected', rejectionReason: 'Fully booked' },
    },
    {
      name: 'cancelled by the attendee → cancelled, reason, by user, at',
      events: [
        envelope('BOOKING_CREATED', T(0), payload('a')),
        envelope(
          'BOOKING_CANCELLED',
          T(5),
          payload('a', { cancellationReason: 'Unwell', cancelledBy: 'SAM.LEE@example.net' }),
        ),
      ],
      uid: 'a',
      expected: { status: 'cancelled', cancellationReason: 'Unwell', cancelledBy: 'user', cancelledAt: T(5) },
    },
    {
      name: 'host "request reschedule" → cancelled by consultant, flagged',
      events: [
        envelope('BOOKING_CANCELLED', T(5), payload('a', { cancelledBy: 'dana@example.com', requestReschedule: true })),
      ],
      uid: 'a',
      expected: {
        status: 'cancelled',
        cancelledBy: 'consultant',
        metadata: { videoCallUrl: 'https://app.cal.com/video/a', requestReschedule: true },
      },
    },
    {
      name: 'rescheduled → new booking scheduled and linked back',
      events: [
        envelope('BOOKING_CREATED', T(0), payload('old')),
        envelope(
          'BOOKING_RESCHEDULED',
          T(3),
          payload('new', {
            rescheduleUid: 'old',
            startTime: '2026-02-19T15:00:00+00:00',
            endTime: '2026-02-19T16:00:00+00:00',
          }),
        ),
      ],
      uid: 'new',
      expected: { status: 'scheduled', rescheduledFrom: 'old', startTime: '2026-02-19T15:00:00.000Z' },
    },
    {
      name: 'rescheduled → old booking rescheduled, linked forward, keeps its own data',
      events: [
        envelope('BOOKING_CREATED', T(0), payload('old', { title: 'Original' })),
        envelope(
          'BOOKING_RESCHEDULED',
          T(3),
          payload('new', { rescheduleUid: 'old', rescheduledBy: 'sam.lee@example.net' }),
        ),
      ],
      uid: 'old',
      expected: {
        status: 'rescheduled',
        rescheduledTo: 'new',
        title: 'Original',
        calcomBookingId: 1003,
        metadata: { videoCallUrl: 'https://app.cal.com/video/old', rescheduledBy: 'sam.lee@example.net' },
      },
    },
    {
      name: 'reschedule of a never-seen booking → placeholder with the old slot',
      events: [
        envelope(
          'BOOKING_RESCHEDULED',
          T(3),
          payload('new', {
            rescheduleUid: 'ghost',
            rescheduleId: 77,
            rescheduleStartTime: '2026-02-17T17:00:00Z',
            rescheduleEndTime: '2026-02-17T17:30:00Z',
          }),
        ),
      ],
      uid: 'ghost',
      expected: {
        status: 'rescheduled',
        rescheduledTo: 'new',
        calcomBookingId: 77,
        startTime: '2026-02-17T17:00:00.000Z',
        duration: 30,
        meetingUrl: null,
      },
    },
    {
      name: 'no-show of the main attendee → no-show',
      events: [
        envelope('BOOKING_CREATED', T(0), payload('a')),
        noShowEnvelope('a', T(9), [{ email: 'sam.lee@example.net', noShow: true }]),
      ],
      uid: 'a',
      expected: {
        status: 'no-show',
        attendee: {
          name: 'Sam Lee',
          email: 'sam.lee@example.net',
          timeZone: 'America/New_York',
          locale: 'en',
          noShow: true,
        },
      },
    },
    {
      name: 'no-show of a guest only → still scheduled, guest flagged',
      events: [
        envelope(
          'BOOKING_CREATED',
          T(0),
          payload('a', {
            attendees: [
              { name: 'Sam', email: 's@x', timeZone: 'UTC' },
              { name: 'Gil', email: 'g@x', timeZone: 'UTC' },
            ],
          }),
        ),
        noShowEnvelope('a', T(9), [{ email: 'g@x', noShow: true }]),
      ],
      uid: 'a',
      expected: { status: 'scheduled', guests: [{ name: 'Gil', email: 'g@x', timeZone: 'UTC', noShow: true }] },
    },
    {
      name: 'no-show cleared later → scheduled',
      events: [
        envelope('BOOKING_CREATED', T(0), payload('a')),
        noShowEnvelope('a', T(9), [{ email: 'sam.lee@example.net', noShow: true }]),
        noShowEnvelope('a', T(10), [{ email: 'sam.lee@example.net', noShow: false }]),
      ],
      uid: 'a',
      expected: { status: 'scheduled' },
    },
    {
      name: 'cancel arriving before create → cancelled',
      events: [envelope('BOOKING_CANCELLED', T(5), payload('a')), envelope('BOOKING_CREATED', T(0), payload('a'))],
      uid: 'a',
      expected: { status: 'cancelled' },
    },
  ];
  it.each(cases)('$name', ({ events, uid, expected }) => {
    expect(bookings(events)[uid]).toMatchObject(expected);
  });

  it('completes a scheduled booking once it has ended, but not a cancelled one', () => {
    const after = bookings(
      [
        envelope('BOOKING_CREATED', T(0), payload('a')),
        envelope('BOOKING_CREATED', T(0), payload('b')),
        envelope('BOOKING_CANCELLED', T(1), payload('b')),
      ],
      AFTER,
    );
    expect(after.a?.status).toBe('completed');
    expect(after.b?.status).toBe('cancelled');
  });

  it('keeps a no-show update for an unseen booking until the booking arrives', () => {
    const records = run([noShowEnvelope('a', T(9), [{ email: 'sam.lee@example.net', noShow: true }])]);
    expect(toBooking(records.get('a') as BookingRecord, BEFORE)).toBeNull();
    expect(
      bookings([
        noShowEnvelope('a', T(9), [{ email: 'sam.lee@example.net', noShow: true }]),
        envelope('BOOKING_CREATED', T(0), payload('a')),
      ]).a?.status,
    ).toBe('no-show');
  });

  it('ignores PING', () => {
    expect(factsFromEnvelope({ triggerEvent: 'PING', createdAt: T(0), payload: {} }).facts).toEqual([]);
  });
});

// The meeting URL's table moved to common/meeting-place.test.ts (issue 20).

describe('v2 bookings (reconciliation) go through the same join', () => {
  const one = (b: ReturnType<typeof v2Booking>) =>
    toBooking(applyFacts([factFromV2(b)], () => null).get(b.uid) as BookingRecord, BEFORE);
  it.each([
    [
      'accepted',
      {},
      {
        status: 'scheduled',
        meetingUrl: 'https://app.cal.com/video/v',
        eventTypeSlug: 'consultation-30',
        calcomBookingId: 2001,
      },
    ],
    ['pending', { status: 'pending' as const }, { status: 'pending' }],
    ['rejected', { status: 'rejected' as const, rejectionReason: 'No' }, { status: 'rejected', rejectionReason: 'No' }],
    [
      'cancelled',
      { status: 'cancelled' as const, cancellationReason: 'Busy', cancelledByEmail: 'dana@example.com' },
      { status: 'cancelled', cancellationReason: 'Busy', cancelledBy: 'consultant' },
    ],
    [
      'rescheduled away',
      { status: 'cancelled' as const, rescheduledToUid: 'w' },
      { status: 'rescheduled', rescheduledTo: 'w' },
    ],
    [
      'absent attendee',
      { attendees: [{ name: 'A', email: 'a@x', timeZone: 'UTC', absent: true }] },
      { status: 'no-show' },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(one(v2Booking('v', overrides))).toMatchObject(expected);
  });

  it('a webhook newer than the v2 snapshot wins, an older one does not', () => {
    const created = envelope('BOOKING_CREATED', '2026-02-01T08:00:00Z', payload('v'));
    const cancelled = envelope('BOOKING_CANCELLED', '2026-02-01T10:00:00Z', payload('v', { title: 'From webhook' }));
    const apply = (facts: Parameters<typeof applyFacts>[0], prev: Map<string, BookingRecord>) =>
      applyFacts(facts, (u) => prev.get(u) ?? null);
    const s1 = new Map(apply(factsFromEnvelope(created).facts, new Map()));
    const s2 = new Map(apply([factFromV2(v2Booking('v', { title: 'From v2' }))], s1));
    expect(toBooking(s2.get('v') as BookingRecord, BEFORE)?.title).toBe('From v2');
    const s3 = new Map(apply(factsFromEnvelope(cancelled).facts, s2));
    expect(toBooking(s3.get('v') as BookingRecord, BEFORE)).toMatchObject({
      title: 'From webhook',
      status: 'cancelled',
    });
  });
});

describe('order independence (property)', () => {
  /** Every event a booking, its reschedule chain and a stray no-show could produce, with random times. */
  const eventArb = fc
    .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 9 }), fc.constantFrom('A', 'B'))
    .map(([minute, kind, reason]) => {
      const t = T(minute);
      switch (kind) {
        case 0:
          return envelope('BOOKING_REQUESTED', t, payload('u1'));
        case 1:
          return envelope('BOOKING_CREATED', t, payload('u1', { title: `Title ${reason}` }));
        case 2:
          return envelope('BOOKING_REJECTED', t, payload('u1', { rejectionReason: reason }));
        case 3:
          return envelope('BOOKING_CANCELLED', t, payload('u1', { cancellationReason: reason }));
        case 4:
          return envelope(
            'BOOKING_RESCHEDULED',
            t,
            payload('u2', { rescheduleUid: 'u1', startTime: '2026-02-20T10:00:00Z', endTime: '2026-02-20T11:00:00Z' }),
          );
        case 5:
          return envelope('BOOKING_CANCELLED', t, payload('u2', { cancellationReason: reason }));
        case 6:
          return envelope('BOOKING_RESCHEDULED', t, payload('u3', { rescheduleUid: 'u2' }));
        case 7:
          return noShowEnvelope('u1', t, [{ email: 'sam.lee@example.net', noShow: reason === 'A' }]);
        case 8:
          return noShowEnvelope('u3', t, [{ email: 'sam.lee@example.net', noShow: true }]);
        default:
          return envelope('BOOKING_CREATED', t, payload('u3', { description: reason }));
      }
    });

  it('any permutation, with duplicates, reaches the same final state', () => {
    fc.assert(
      fc.property(
        fc
          .array(eventArb, { minLength: 1, maxLength: 14 })
          .chain((events) =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }),
              fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 5 }),
            ),
          ),
        ([events, shuffled, dupIdx]) => {
          const withDups = [...shuffled, ...dupIdx.map((i) => events[i] as WebhookEnvelope)];
          const a = run(events);
          const b = run(withDups);
          expect(canonicalJson([...b].sort())).toBe(canonicalJson([...a].sort()));
          for (const now of [BEFORE, AFTER]) {
            expect(canonicalJson([...b].map(([u, r]) => [u, toBooking(r, now)]).sort())).toBe(
              canonicalJson([...a].map(([u, r]) => [u, toBooking(r, now)]).sort()),
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
