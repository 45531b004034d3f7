import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingSchema } from '../../common/booking';
import { bookingTriggers } from '../../common/calcom';
import type { SyncBookingStore } from '../../main/core/bookings/booking-store';
import { openBookingStore } from '../../main/core/bookings/booking-store';
import { noShowEnvelope, payload } from '../support/app/booking-fixtures';
import type { Intake } from '../../main/core/sync/event-intake';
import { createIntake } from '../../main/core/sync/event-intake';
import type { ChannelEvents } from '../../main/core/relay-client/relay-client';
import type { PulledEvent } from '../../common/relay';
import { signCalBody } from '../../main/core/sync/signature';

/**
 * Issue 11, bad input: Cal.com-signed booking payloads with odd fields (offset times, unknown triggers, missing or
 * mistyped fields, huge strings, unicode) through the real event intake into the real SQLite store. Each event is
 * applied or quarantined, never thrown; the store stays readable and every booking it returns fits the model.
 */

const SECRET = 'cal-webhook-secret-for-payload-fuzz';
const CHANNEL = 'fuzzchannel0000000000000';
let dir: string;
let store: SyncBookingStore;
let intake: Intake;
let seq = 0;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** What the relay holds, by sequence: the intake pulls raw bytes from here when a forward does not verify. */
const relayLog = new Map<number, PulledEvent>();
const fakeRelay: ChannelEvents = {
  pull: async (after: number) => ({
    events: relayLog.has(after + 1) ? [relayLog.get(after + 1)] : [],
    lastSeq: relayLog.size,
    oldestSeq: relayLog.size ? 1 : 0,
  }),
  ack: async (upTo: number) => upTo,
} as unknown as ChannelEvents;

/** Stores the event "on the relay" and forwards it, as smee-client would. */
function forward(body: Buffer, signature: string | undefined) {
  seq += 1;
  relayLog.set(seq, {
    seq,
    receivedAt: new Date().toISOString(),
    contentType: 'application/json',
    headers: signature ? { 'x-cal-signature-256': signature } : {},
    bodyBase64: body.toString('base64'),
  });
  return intake.acceptForwarded({ seq, reencoded: false, signature, body });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'payload-fuzz-'));
  store = openBookingStore(join(dir, 'bookings.sqlite'));
  intake = createIntake({
    random: Math.random,
    store,
    channelId: CHANNEL,
    api: fakeRelay,
    webhookSecret: async () => SECRET,
    logger: quiet,
    clock: { now: () => Date.now() },
    onChange: () => undefined,
    onActivity: () => undefined,
    gapDelayMs: 60_000,
    ackDelayMs: 60_000,
    pageSize: 100,
  });
});

afterAll(async () => {
  await intake.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const weird = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    '<script>alert(1)</script>',
    '"; DROP TABLE bookings; --',
    '\u202e\u0000\uffff',
    '👩🏽‍⚕️ Zoë Ångström',
    '',
  ),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
);
const time = fc.oneof(
  fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc
    .tuple(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
      fc.integer({ min: -14, max: 14 }),
    )
    .map(([d, h]) => {
      const off = `${h < 0 ? '-' : '+'}${String(Math.abs(h)).padStart(2, '0')}:30`;
      return new Date(d.getTime() + h * 3_600_000).toISOString().replace('Z', off);
    }),
  fc.constantFrom(
    '2026-02-17T17:00:00Z',
    '2026-02-17T17:00:00.000+00:00',
    '2026-02-17 17:00',
    '2026-13-45T99:99:99Z',
    'not a time',
    '',
    '1e999',
  ),
);
const oddValue = fc.oneof(
  weird,
  time,
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const base = payload('uid-base');
const payloadArb = fc.record({
  uid: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), weird),
  startTime: time,
  endTime: time,
  overrides: fc.dictionary(
    fc.constantFrom(
      ...Object.keys(base),
      'attendees',
      'organizer',
      'rescheduleUid',
      'cancellationReason',
      'responses',
      '__proto__',
    ),
    oddValue,
    { maxKeys: 3 },
  ),
  deletions: fc.subarray(['title', 'attendees', 'organizer', 'bookingId', 'startTime', 'endTime', 'type', 'uid']),
  attendeeName: weird,
});
const envelopeArb = fc
  .oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(
        fc.constantFrom(...bookingTriggers.filter((t) => t !== 'BOOKING_NO_SHOW_UPDATED')),
        payloadArb,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.oneof(fc.constantFrom('MEETING_ENDED', 'BOOKING_PAID', 'booking_created', 'PING'), weird),
        payloadArb,
      ),
    },
  )
  .map(([trigger, p]) => {
    const body: Record<string, unknown> = {
      ...base,
      uid: p.uid,
      startTime: p.startTime,
      endTime: p.endTime,
      attendees: [{ ...base.attendees[0], name: p.attendeeName }],
    };
    for (const [k, v] of Object.entries(p.overrides)) body[k] = v;
    for (const k of p.deletions) delete body[k];
    return { triggerEvent: trigger, createdAt: new Date().toISOString(), payload: body };
  });

it('every signed payload is applied or quarantined, and every stored booking fits the model (300 runs)', async () => {
  const outcomes = new Map<string, number>();
  const unparsableKept: string[] = [];
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        { weight: 9, arbitrary: envelopeArb.map((e) => JSON.stringify(e)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
      ),
      async (text) => {
        const body = Buffer.from(text, 'utf8');
        const outcome = await forward(body, signCalBody(SECRET, body));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        expect(['applied', 'quarantined']).toContain(outcome);
        expect(store.relayCursor(CHANNEL)).toBe(seq); // taken either way: nothing blocks the events after it
        let parsed: { payload?: { uid?: unknown; startTime?: unknown } } | undefined;
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          parsed = undefined;
        }
        const uid = parsed?.payload?.uid;
        if (outcome === 'applied' && typeof uid === 'string') {
          const booking = store.get(uid);
          if (booking) {
            expect(bookingSchema.safeParse(booking).success).toBe(true);
            const start = parsed?.payload?.startTime;
            if (typeof start === 'string' && !Number.isNaN(Date.parse(start)) && booking.startTime !== start) {
              // Offsets are normalised to UTC (a later event for the same uid may have moved it: compare only when ours won).
              expect(Number.isNaN(Date.parse(booking.startTime))).toBe(false);
            }
            if (Number.isNaN(Date.parse(booking.startTime))) unparsableKept.push(booking.startTime);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
  // The store still answers every screen's query.
  for (const tab of ['upcoming', 'past', 'cancelled', 'all'] as const) {
    const page = store.list({ tab, limit: 500 });
    for (const b of page.items) expect(bookingSchema.safeParse(b).success).toBe(true);
  }
  expect(() => store.counts()).not.toThrow();
  console.info(`[booking-payload-fuzz] outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  // A signed payload whose times do not parse is quarantined, never stored as a booking no screen can place.
  expect(unparsableKept).toEqual([]);
}, 60_000);

it('a signed payload with an unparsable time is quarantined', async () => {
  const body = Buffer.from(
    JSON.stringify({
      triggerEvent: 'BOOKING_CREATED',
      createdAt: new Date().toISOString(),
      payload: payload('bad-time', { startTime: 'not a time', endTime: '' }),
    }),
  );
  expect(await forward(body, signCalBody(SECRET, body))).toBe('quarantined');
  expect(store.get('bad-time')).toBeNull();
});

it('offset times are stored as the same instant in UTC', async () => {
  const body = Buffer.from(
    JSON.stringify({
      triggerEvent: 'BOOKING_CREATED',
      createdAt: new Date().toISOString(),
      payload: payload('offset-uid', { startTime: '2030-03-01T10:00:00+05:30', endTime: '2030-03-01T11:00:00+05:30' }),
    }),
  );
  expect(await forward(body, signCalBody(SECRET, body))).toBe('applied');
  expect(store.get('offset-uid')).toMatchObject({
    startTime: '2030-03-01T04:30:00.000Z',
    endTime: '2030-03-01T05:30:00.000Z',
    duration: 60,
  });
});

it('a forged signature is quarantined whatever the payload (100 runs)', async () => {
  await fc.assert(
    fc.asyncProperty(envelopeArb, fc.constantFrom('wrong', 'missing', 'garbage'), async (env, kind) => {
      const body = Buffer.from(JSON.stringify(env));
      const signature =
        kind === 'wrong' ? signCalBody('not-the-secret-000000', body) : kind === 'garbage' ? 'zz' : undefined;
      const before = store.list({ limit: 1 }).total;
      expect(await forward(body, signature)).toBe('quarantined');
      expect(store.list({ limit: 1 }).total).toBe(before);
    }),
    { numRuns: 100 },
  );
});

it('a no-show update for an unknown booking or with odd emails changes nothing visible', async () => {
  const body = Buffer.from(
    JSON.stringify(noShowEnvelope('never-seen', new Date().toISOString(), [{ email: '<b>x</b>@e', noShow: true }])),
  );
  expect(await forward(body, signCalBody(SECRET, body))).toBe('applied');
  expect(store.get('never-seen')).toBeNull();
});
