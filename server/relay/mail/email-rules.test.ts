import { describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema, type WebhookEnvelope } from '../../../common/calcom';
import { sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { danaProfile } from '../../../tests/support/relay/mail/mail-test-kit';
import { dedupeKey, DEFAULT_TIPS, planEmails, tipsFrom } from './email-rules';

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
      ['created:attendee', 'alex@example.org'],
    ]);
    expect(new Set(items.map((i) => i.key)).size).toBe(3);
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
    const env = parse(sandboxEnvelopes.created);
    if (env.triggerEvent !== 'BOOKING_CREATED') throw new Error('fixture');
    env.payload.attendees.push(
      { ...env.payload.attendees[0]!, email: 'SAM.LEE@example.net' },
      { ...env.payload.attendees[0]!, email: 'bookings@dana.example' },
    );
    const items = planEmails(env, {
      ...ctx,
      profile: { ...danaProfile, email: 'bookings@dana.example', name: 'Dr. Dana Reyes' },
    });
    expect(items.map((i) => i.message.to.address)).toEqual([
      'bookings@dana.example',
      'sam.lee@example.net',
      'alex@example.org',
    ]);
    expect(items[1]?.message.subject).toContain('with Dr. Dana Reyes');
    expect(items[1]?.message.replyTo?.address).toBe('bookings@dana.example');
  });

  it('escapes everything from the payload in the HTML part', () => {
    const env = parse(sandboxEnvelopes.cancelled);
    if (env.triggerEvent !== 'BOOKING_CANCELLED') throw new Error('fixture');
    env.payload.cancellationReason = '<script>alert(1)</script>';
    env.payload.attendees[0]!.name = '<img src=x onerror=alert(2)>';
    const items = planEmails(env, ctx);
    for (const i of items) {
      expect(i.message.html).not.toMatch(/<script|<img/i);
    }
    expect(items[1]?.message.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    // The plain-text part carries the words as typed: text is not markup.
    expect(items[1]?.message.text).toContain('Reason given: <script>alert(1)</script>');
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
