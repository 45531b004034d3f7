import { describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema, type WebhookEnvelope } from '../../../common/calcom';
import { sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { danaProfile } from '../../../tests/support/relay/mail/mail-test-kit';
import { dedupeKey, DEFAULT_TIPS, planEmails, planJobs, renderJob, tipsFrom } from './email-rules';

const parse = (x: unknown): WebhookEnvelope => webhookEnvelopeSchema.parse(JSON.parse(JSON.stringify(x)));
type CreatedEnv = Extract<WebhookEnvelope, { triggerEvent: 'BOOKING_CREATED' }>;
const created = (): CreatedEnv => parse(sandboxEnvelopes.created) as CreatedEnv;
const ctx = {
  channelId: 'chanA',
  profile: danaProfile,
  publicUrl: 'https://relay.example',
  now: Date.parse('2026-02-10T15:00:00Z'),
};

describe('planEmails', () => {
  it('plans one row per recipient and kind, with content-derived keys', () => {
    const items = planEmails(parse(sandboxEnvelopes.created), ctx);
    expect(items.map((i) => [i.kind, i.message.to.address])).toEqual([
      ['created:organizer', 'dana@example.com'],
      ['created:attendee', 'sam.lee@example.net'],
    ]);
    expect(new Set(items.map((i) => i.key)).size).toBe(2);
    expect(planEmails(parse(sandboxEnvelopes.created), { ...ctx, now: ctx.now + 60_000 }).map((i) => i.key)).toEqual(
      items.map((i) => i.key),
    );
  });

  it('keys differ by trigger, start time, iCalSequence, recipient and channel; not by createdAt or formatting', () => {
    const env = created();
    const base = dedupeKey('c', env, 'created:attendee', 'sam.lee@example.net');
    expect(
      dedupeKey('c', { ...env, createdAt: 'later' } as typeof env, 'created:attendee', ' Sam.Lee@Example.net '),
    ).toBe(base);
    expect(
      dedupeKey(
        'c',
        { ...env, payload: { ...env.payload, startTime: '2026-02-17T17:00:00.000Z' } },
        'created:attendee',
        'sam.lee@example.net',
      ),
    ).toBe(base);
    for (const other of [
      dedupeKey('d', env, 'created:attendee', 'sam.lee@example.net'),
      dedupeKey('c', { ...env, triggerEvent: 'BOOKING_REQUESTED' }, 'created:attendee', 'sam.lee@example.net'),
      dedupeKey(
        'c',
        { ...env, payload: { ...env.payload, startTime: '2026-02-18T17:00:00Z' } },
        'created:attendee',
        'sam.lee@example.net',
      ),
      dedupeKey(
        'c',
        { ...env, payload: { ...env.payload, iCalSequence: 3 } },
        'created:attendee',
        'sam.lee@example.net',
      ),
      dedupeKey('c', env, 'created:attendee', 'alex@example.org'),
    ])
      expect(other).not.toBe(base);
  });

  it("uses the profile's address and name for the consultant, and mails a person once even if listed twice", () => {
    const profile = { ...danaProfile, email: 'bookings@dana.example', name: 'Dr. Dana Reyes' };
    const items = planEmails(parse(sandboxEnvelopes.created), { ...ctx, profile });
    expect(items.map((i) => i.message.to.address)).toEqual(['bookings@dana.example', 'sam.lee@example.net']);
    expect(items[1]?.message.subject).toContain('with Dr. Dana Reyes');
    expect(items[1]?.message.replyTo?.address).toBe('bookings@dana.example');
    // A booker who gives the consultant's own address gets no second, attendee's, email there.
    const env = parse(sandboxEnvelopes.created);
    if (env.triggerEvent !== 'BOOKING_CREATED') throw new Error('fixture');
    env.payload.attendees[0] = { ...env.payload.attendees[0]!, email: 'Bookings@Dana.example' };
    expect(planEmails(env, { ...ctx, profile }).map((i) => i.kind)).toEqual(['created:organizer']);
  });

  it.each(['created', 'rescheduled', 'cancelled', 'requested', 'rejected'] as const)(
    '%s: mails the consultant and the booker only, never the guests; the consultant still sees who attends',
    (trigger) => {
      const env = parse(sandboxEnvelopes[trigger]);
      if (env.triggerEvent === 'PING' || env.triggerEvent === 'BOOKING_NO_SHOW_UPDATED') throw new Error('fixture');
      const guests = Array.from({ length: 30 }, (_, i) => ({
        name: `Guest ${i}`,
        email: `guest${i}@victims.example`,
        timeZone: 'UTC',
      }));
      env.payload.attendees.push(...guests);
      const items = planEmails(env, ctx);
      const recipients = items.map((i) => i.message.to.address);
      expect(recipients.filter((r) => r !== 'dana@example.com')).toEqual(['sam.lee@example.net']);
      expect(recipients.length).toBe(trigger === 'rejected' ? 1 : 2);
      const consultant = items.find((i) => i.kind.endsWith(':organizer'));
      if (consultant) {
        expect(consultant.message.text).toContain('Alex Kim <alex@example.org>');
        expect(consultant.message.text).toContain('Guest 29 <guest29@victims.example>');
      }
      // A guest's job already queued (before this rule) renders nothing, so it is not sent.
      const sam = items.find((i) => i.kind.endsWith(':attendee'))!;
      const queued = { ...sam, to: { name: 'Alex Kim', address: 'alex@example.org' } };
      expect(renderJob(env, queued, ctx.publicUrl)).toBeUndefined();
      expect(planJobs(env, ctx)).toHaveLength(items.length);
    },
  );

  it('cancellation reason: to the attendee only when the consultant cancelled (or asked to reschedule)', () => {
    const cancelled = (patch: Record<string, unknown>, profile = danaProfile) => {
      const env = parse(sandboxEnvelopes.cancelled);
      if (env.triggerEvent !== 'BOOKING_CANCELLED') throw new Error('fixture');
      Object.assign(env.payload, { cancellationReason: 'Click https://evil.example to get a refund' }, patch);
      const items = planEmails(env, { ...ctx, profile });
      const of = (kind: string) => items.find((i) => i.kind === kind)?.message;
      return { attendee: of('cancelled:attendee'), consultant: of('cancelled:organizer') };
    };
    const shown = (m: { text: string; html: string } | undefined) => {
      const text = m?.text ?? '';
      expect(text.includes('evil.example')).toBe((m?.html ?? '').includes('evil.example'));
      return text.includes('Reason given: Click https://evil.example');
    };
    for (const patch of [
      { cancelledBy: 'sam.lee@example.net' },
      { cancelledBy: 'alex@example.org' },
      { cancelledBy: undefined },
      { cancelledBy: null },
      { cancelledBy: '' },
      { cancelledBy: 'dana@example.com.evil.example' },
    ]) {
      const { attendee, consultant } = cancelled(patch);
      expect(shown(attendee), JSON.stringify(patch)).toBe(false);
      expect(shown(consultant), JSON.stringify(patch)).toBe(true);
    }
    // The organizer in the payload, in any case; or the verified consultant address.
    for (const [patch, profile] of [
      [{ cancelledBy: 'dana@example.com' }, danaProfile],
      [{ cancelledBy: ' DANA@Example.COM ' }, danaProfile],
      [{ cancelledBy: 'bookings@dana.example' }, { ...danaProfile, email: 'bookings@dana.example' }],
      [{ cancelledBy: undefined, requestReschedule: true }, danaProfile],
    ] as const) {
      const { attendee, consultant } = cancelled(patch, profile);
      expect(shown(attendee), JSON.stringify(patch)).toBe(true);
      expect(shown(consultant), JSON.stringify(patch)).toBe(true);
    }
    // A rejection's reason is the consultant's note: shown as before.
    const rejected = planEmails(parse(sandboxEnvelopes.rejected), ctx)[0]?.message.text;
    expect(rejected).toContain('Note from the consultant: Fully booked that week');
  });

  it("the invite carries the booker's notes in the consultant's copy only", () => {
    for (const trigger of ['created', 'rescheduled', 'cancelled'] as const) {
      const env = parse(sandboxEnvelopes[trigger]);
      if (env.triggerEvent === 'PING' || env.triggerEvent === 'BOOKING_NO_SHOW_UPDATED') throw new Error('fixture');
      env.payload.description = 'Call me on +1 555 0100 - urgent';
      const items = planEmails(env, ctx);
      const unfolded = (kind: string) =>
        items.find((i) => i.kind === kind)?.message.ics?.content.replace(/\r\n[ \t]/g, '') ?? '';
      expect(unfolded(`${trigger}:organizer`)).toContain('Call me on +1 555 0100 - urgent');
      const attendee = unfolded(`${trigger}:attendee`);
      expect(attendee).toContain('BEGIN:VEVENT');
      expect(attendee).not.toContain('555 0100');
      // The join link alone (a cancelled booking has none left, and then no DESCRIPTION).
      for (const d of attendee.match(/^DESCRIPTION:.*$/gm) ?? []) expect(d).toMatch(/^DESCRIPTION:Join: http\S+$/);
    }
  });

  it('caps names at 100 characters in subjects and headers, keeping them whole in the body', () => {
    const env = parse(sandboxEnvelopes.created);
    if (env.triggerEvent !== 'BOOKING_CREATED') throw new Error('fixture');
    const long = `Sam ${'x'.repeat(1_496)}`;
    env.payload.attendees[0] = { ...env.payload.attendees[0]!, name: long };
    const items = planEmails(env, { ...ctx, profile: { ...danaProfile, name: `Dana ${'y'.repeat(300)}` } });
    const consultant = items[0]!.message;
    const capped = `Sam ${'x'.repeat(95)}…`;
    expect(Array.from(capped)).toHaveLength(100);
    expect(consultant.subject).toBe(`New booking: ${capped}, Alex Kim, 60 Min Consultation, Tue, Feb 17, 11:00 AM CST`);
    expect(consultant.text).toContain(long);
    expect(items[1]!.message.subject).toContain(`with Dana ${'y'.repeat(94)}…, `);
  });

  it('escapes everything from the payload in the HTML part', () => {
    const env = parse(sandboxEnvelopes.cancelled);
    if (env.triggerEvent !== 'BOOKING_CANCELLED') throw new Error('fixture');
    env.payload.cancellationReason = '<script>alert(1)</script>';
    env.payload.attendees[0]!.name = '<img src=x onerror=alert(2)>';
    env.payload.cancelledBy = 'dana@example.com'; // so the attendee's email shows the reason too
    const items = planEmails(env, ctx);
    for (const i of items) {
      expect(i.message.html).not.toMatch(/<script|<img/i);
      expect(i.message.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
      // The plain-text part carries the words as typed: text is not markup.
      expect(i.message.text).toContain('Reason given: <script>alert(1)</script>');
    }
  });

  it('never links a non-http meeting URL', () => {
    const env = parse(sandboxEnvelopes.created);
    if (env.triggerEvent !== 'BOOKING_CREATED') throw new Error('fixture');
    env.payload.metadata = { videoCallUrl: 'javascript:alert(1)' };
    env.payload.videoCallData = null;
    const items = planEmails(env, ctx);
    expect(items[1]?.message.html).not.toContain('javascript:');
    expect(items[1]?.message.text).not.toContain('Meeting link');
  });

  it('sends nothing for unreadable times, PING, or emails turned off', () => {
    const env = parse(sandboxEnvelopes.created);
    if (env.triggerEvent !== 'BOOKING_CREATED') throw new Error('fixture');
    expect(planEmails({ ...env, payload: { ...env.payload, startTime: 'soon' } }, ctx)).toEqual([]);
    expect(planEmails(parse(sandboxEnvelopes.ping), ctx)).toEqual([]);
    expect(planEmails(env, { ...ctx, profile: { ...danaProfile, emailsEnabled: false } })).toEqual([]);
  });

  it('falls back to a UID from the booking chain and a growing SEQUENCE when Cal.com sends no iCal fields', () => {
    const env = parse(sandboxEnvelopes.rescheduled);
    if (env.triggerEvent !== 'BOOKING_RESCHEDULED') throw new Error('fixture');
    delete env.payload.iCalUID;
    delete env.payload.iCalSequence;
    const ics = planEmails(env, ctx)[0]?.message.ics?.content ?? '';
    expect(ics).toContain('UID:pX3mQ8vT2nR6kW9yB4cZ1a@lifescore-relay');
    const later = planEmails({ ...env, createdAt: '2026-02-12T10:00:00Z' }, ctx)[0]?.message.ics?.content ?? '';
    const seq = (s: string) => Number(/SEQUENCE:(\d+)/.exec(s)?.[1]);
    expect(seq(later)).toBeGreaterThan(seq(ics));
  });
});

describe('tipsFrom', () => {
  it.each([
    ['- Bring water\n- Be on time', ['Bring water', 'Be on time']],
    ['1. One\n2) Two\n\n• Three', ['One', 'Two', 'Three']],
    ['', DEFAULT_TIPS],
    ['   \n  ', DEFAULT_TIPS],
    [undefined, DEFAULT_TIPS],
  ])('%j', (input, expected) => expect(tipsFrom(input)).toEqual(expected));
});
