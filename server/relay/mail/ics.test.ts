import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema } from '../../../common/calcom';
import { bookingFacts, type BookingFacts } from './email-booking-facts';
import { buildIcs, fold } from './ics';
import { sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { referenceIcs } from '../../../tests/support/relay/mail/reference-ics';

const facts = (patch: Partial<BookingFacts> = {}): BookingFacts => {
  const env = webhookEnvelopeSchema.parse(sandboxEnvelopes.created);
  const f = bookingFacts(env.triggerEvent as 'BOOKING_CREATED', env.createdAt, env.payload as never);
  if (!f) throw new Error('fixture');
  return { ...f, ...patch };
};

/** Every property of the VEVENT as ical.js reads it: name, parameters and decoded value(s). */
function parsed(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  const event = cal.getFirstSubcomponent('vevent');
  if (!event) throw new Error('no VEVENT');
  const props = (c: ICAL.Component) =>
    c.getAllProperties().map((p) => {
      const params = Object.fromEntries(
        Object.entries(p.toJSON()[1] as Record<string, unknown>).map(([k, v]) => [
          k.toLowerCase(),
          String(v).toLowerCase(),
        ]),
      );
      return [
        p.name,
        params,
        p.getValues().map((v: unknown) => (v && typeof v === 'object' ? v.toString() : String(v))),
      ];
    });
  return { calendar: props(cal), event: props(event) };
}

const tricky = facts({
  eventTitle: 'Sleep, stress; and "focus" \\ review',
  organizer: { name: 'Dana "DJ" Reyes', email: 'dana@example.com', timeZone: 'UTC', hour12: false },
  attendees: [
    { name: 'Zoë Ünal-Ødegård 🎉', email: 'zoe@example.net', timeZone: 'Europe/Oslo', hour12: false },
    { name: '山田 太郎', email: 'taro@example.jp', timeZone: 'Asia/Tokyo', hour12: false },
  ],
  notes: `First line; with, punctuation\\ and a backslash\r\nSecond line ${'long words à la française, '.repeat(12)}🎉🎉🎉 end`,
});

describe('buildIcs (hand-written iCalendar)', () => {
  it.each([
    ['created', facts(), 'REQUEST'],
    ['cancelled', facts({ trigger: 'BOOKING_CANCELLED' }), 'CANCEL'],
    [
      'tricky text, names and non-ASCII',
      { ...tricky, organizer: { ...tricky.organizer, name: 'Dana DJ Reyes' } },
      'REQUEST',
    ],
    [
      'no meeting link, a location',
      facts({ meetingUrl: undefined, location: 'Room 4, 2nd floor', notes: undefined }),
      'REQUEST',
    ],
  ] as const)(
    '%s: ical.js reads the same properties, parameters and values as from ical-generator',
    (_name, f, method) => {
      const ours = buildIcs(f, method, Date.parse('2026-02-10T15:00:00Z'), 'organizer');
      const reference = referenceIcs(f, method, Date.parse('2026-02-10T15:00:00Z'));
      expect(parsed(ours)).toEqual(parsed(reference));
      // The attendee's copy is the same invite without the booker's notes.
      const attendees = buildIcs(f, method, Date.parse('2026-02-10T15:00:00Z'), 'attendee');
      const withoutNotes = referenceIcs({ ...f, notes: undefined }, method, Date.parse('2026-02-10T15:00:00Z'));
      expect(parsed(attendees)).toEqual(parsed(withoutNotes));
    },
  );

  it('is RFC 5545 content lines: CRLF, at most 75 octets each, folded without splitting UTF-8, unfolding to the text', () => {
    const ics = buildIcs(tricky, 'REQUEST', 0, 'organizer');
    expect(ics.endsWith('\r\n')).toBe(true);
    const physical = ics.slice(0, -2).split('\r\n');
    for (const line of physical) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      expect(Buffer.from(line).toString('utf8')).toBe(line); // no broken sequences
      expect(line).not.toMatch(/[\r\n]/);
    }
    expect(physical.some((l) => l.startsWith(' '))).toBe(true);
    const description = new ICAL.Component(ICAL.parse(ics))
      .getFirstSubcomponent('vevent')
      ?.getFirstPropertyValue('description');
    expect(description).toBe(`Join: ${tricky.meetingUrl}\n\n${tricky.notes?.replace(/\r\n/g, '\n')}`);
  });

  it("carries the booker's notes in the consultant's copy only; the attendee's has the join link alone", () => {
    const description = (audience: 'organizer' | 'attendee') => {
      const ics = buildIcs(tricky, 'REQUEST', 0, audience);
      for (const line of ics.slice(0, -2).split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      return new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')?.getFirstPropertyValue('description');
    };
    expect(description('organizer')).toContain('First line; with, punctuation');
    expect(description('attendee')).toBe(`Join: ${tricky.meetingUrl}`);
    // Without a join link the attendee's copy has no DESCRIPTION at all rather than an empty one.
    const bare = buildIcs({ ...tricky, meetingUrl: undefined }, 'CANCEL', 0, 'attendee');
    expect(bare).not.toContain('DESCRIPTION');
    expect(new ICAL.Component(ICAL.parse(bare)).getFirstSubcomponent('vevent')?.getFirstPropertyValue('status')).toBe(
      'CANCELLED',
    );
  });

  it('keeps a DQUOTE in a name from breaking the CN parameter (ical-generator wrote an invalid \\" there)', () => {
    const organizer = new ICAL.Component(ICAL.parse(buildIcs(tricky, 'REQUEST', 0, 'organizer')))
      .getFirstSubcomponent('vevent')
      ?.getFirstProperty('organizer');
    expect(organizer?.getParameter('cn')).toBe("Dana 'DJ' Reyes");
  });

  it('folds at octet boundaries for every width of character', () => {
    for (const ch of ['a', 'é', '€', '🎉']) {
      const line = `DESCRIPTION:${ch.repeat(200)}`;
      const folded = fold(line);
      expect(folded.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
      expect(folded.replace(/\r\n /g, '')).toBe(line);
    }
    expect(fold('SHORT:line')).toBe('SHORT:line');
  });
});
