import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  contractEnvelopes,
  eventOf,
  SANDBOX_URL,
  sandboxEnvelopes,
  booking,
} from '../../../tests/support/relay/mail/mail-fixtures';
import { createMailer, type Mailer } from './mailer';
import {
  danaProfile,
  fast,
  fixedProfiles,
  icsOf,
  quietLogger,
  waitFor,
} from '../../../tests/support/relay/mail/mail-test-kit';
import type { MailProfile } from './email-rules';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../../../tests/support/relay/mail/smtp-test-server';

const CHANNEL = 'chanAAAAAAAAAAAAAAAAAAAAAA';
let smtp: TestSmtp;
let db: Database.Database;
let mailer: Mailer | undefined;

beforeAll(async () => {
  smtp = await startTestSmtp();
});
afterAll(() => smtp.close());
beforeEach(() => {
  smtp.received.length = 0;
  db = new Database(':memory:');
});
afterEach(async () => {
  await mailer?.stop();
  mailer = undefined;
  db.close();
});

/** A fresh mailer on the test SMTP server, started. */
function startMailer(profile: MailProfile | undefined): Mailer {
  mailer = createMailer({
    db,
    dataDir: '/nonexistent',
    smtpUrl: smtp.url,
    mailFrom: 'LifeScore <mail@relay.example>',
    publicUrl: 'https://relay.example',
    profiles: fixedProfiles(profile),
    logger: quietLogger(),
    ...fast,
  });
  mailer.start();
  return mailer;
}

/** Delivers one webhook body through a fresh mailer and returns what the SMTP server received, by recipient. */
async function deliver(
  body: unknown,
  expected: number,
  profile: MailProfile | undefined,
): Promise<Map<string, ReceivedMail>> {
  mailer = startMailer(profile);
  expect(await mailer.enqueueEvent(CHANNEL, eventOf(1, body))).toBe(expected);
  const m = mailer;
  await waitFor(async () => (await m.stats()).sent === expected, 8000, `${expected} emails`);
  expect(await mailer.stats()).toEqual({ pending: 0, sent: expected, failed: 0 });
  expect(smtp.received).toHaveLength(expected);
  return new Map(smtp.received.map((r) => [r.rcptTo.join(','), r]));
}

const text = (r: ReceivedMail | undefined) => r?.mail.text ?? '';
const html = (r: ReceivedMail | undefined) => (r?.mail.html || '') as string;
const videoUrl = (uid: string) => `${SANDBOX_URL}/video/${uid}`;

describe('booking emails over real SMTP (sandbox payloads)', () => {
  it('BOOKING_CREATED: confirmation to the consultant and the booker (not the guest), both time zones, link, tips, REQUEST invite', async () => {
    const got = await deliver(sandboxEnvelopes.created, 2, danaProfile);
    expect([...got.keys()].sort()).toEqual(['dana@example.com', 'sam.lee@example.net']);
    const sam = got.get('sam.lee@example.net');
    expect(sam?.mail.subject).toBe('Confirmed: 60 Min Consultation with Dana Reyes, Tue, Feb 17, 12:00 PM EST');
    expect(sam?.mail.from?.value[0]?.address).toBe('mail@relay.example');
    // The relay's own stable Message-ID, once (the transport hands it to nodemailer so none is generated).
    expect(sam?.mail.messageId).toMatch(/^<[0-9a-f]{40}@lifescore-relay>$/);
    expect(sam?.mail.headerLines.filter((h) => h.key === 'message-id')).toHaveLength(1);
    expect(sam?.mail.replyTo?.text).toContain('dana@example.com');
    expect(text(sam)).toContain('Tuesday, February 17, 2026, 12:00 PM – 1:00 PM EST (America/New_York)');
    expect(text(sam)).toContain('Tuesday, February 17, 2026, 11:00 AM – 12:00 PM CST (America/Chicago)');
    expect(text(sam)).toContain('Duration:');
    expect(text(sam)).toContain('1 hour');
    expect(text(sam)).toContain(videoUrl(booking.uid));
    expect(text(sam)).toMatch(/Location: *Cal Video\n/); // the app's name for the place (common/meeting-place.ts)
    expect(text(sam)).toContain('- Bring your sleep diary');
    expect(html(sam)).toContain(`href="${videoUrl(booking.uid)}"`);
    expect(html(sam)).not.toMatch(/<img|<link|src="http/);
    const dana = got.get('dana@example.com');
    expect(dana?.mail.subject).toBe('New booking: Sam Lee, Alex Kim, 60 Min Consultation, Tue, Feb 17, 11:00 AM CST');
    expect(text(dana)).toContain('(America/Chicago)');
    expect(text(dana)).toContain('(America/New_York)');
    expect(text(dana)).toContain('(Europe/London)');
    expect(text(dana)).toContain('Alex Kim <alex@example.org>'); // the guest is listed to the consultant
    expect(text(dana)).not.toContain('sleep diary');
    // The booker's notes are in the consultant's email and invite only.
    expect(text(dana)).toContain(booking.description);
    expect(icsOf(dana!.mail)).toContain(`DESCRIPTION:Join: ${videoUrl(booking.uid)}\\n\\n${booking.description}`);
    expect(`${text(sam)}${html(sam)}${icsOf(sam!.mail)}`).not.toContain(booking.description);
    expect(icsOf(sam!.mail)).toContain(`DESCRIPTION:Join: ${videoUrl(booking.uid)}\r\n`);
    for (const r of got.values()) {
      const ics = icsOf(r.mail) ?? '';
      expect(ics).toContain('METHOD:REQUEST');
      expect(ics).toContain('UID:pX3mQ8vT2nR6kW9yB4cZ1a@Cal.com');
      expect(ics).toContain('SEQUENCE:0');
      expect(ics).toContain('DTSTART:20260217T170000Z');
      expect(ics).toContain('ORGANIZER;CN="Dana Reyes":mailto:dana@example.com');
    }
  });

  it('BOOKING_RESCHEDULED: old and new time, same UID with a higher SEQUENCE', async () => {
    const got = await deliver(sandboxEnvelopes.rescheduled, 2, danaProfile);
    const sam = got.get('sam.lee@example.net');
    expect(sam?.mail.subject).toBe('Rescheduled: 60 Min Consultation with Dana Reyes, now Thu, Feb 19, 10:00 AM EST');
    expect(text(sam)).toContain('New time (your time):');
    expect(text(sam)).toContain('Thursday, February 19, 2026, 10:00 AM – 11:00 AM EST (America/New_York)');
    expect(text(sam)).toContain('Thursday, February 19, 2026, 9:00 AM – 10:00 AM CST (America/Chicago)');
    expect(text(sam)).toContain('Previous time (your time):');
    expect(text(sam)).toContain('Tuesday, February 17, 2026, 12:00 PM – 1:00 PM EST (America/New_York) (no longer)');
    expect(html(sam)).toContain('<s style');
    expect(text(sam)).toContain(videoUrl('Lr7cN2wQ5dF8hJ3kP6sV9x'));
    expect(got.get('dana@example.com')?.mail.subject).toBe(
      'Rescheduled: Sam Lee, Alex Kim, 60 Min Consultation, now Thu, Feb 19, 9:00 AM CST',
    );
    const ics = icsOf(sam!.mail) ?? '';
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain('UID:pX3mQ8vT2nR6kW9yB4cZ1a@Cal.com');
    expect(ics).toContain('SEQUENCE:1');
    expect(ics).toContain('DTSTART:20260219T150000Z');
  });

  it('BOOKING_CANCELLED by the booker: the appointment, a rebooking link to the profile, a CANCEL; the reason to the consultant only', async () => {
    const got = await deliver(sandboxEnvelopes.cancelled, 2, danaProfile);
    const sam = got.get('sam.lee@example.net');
    expect(sam?.mail.subject).toBe('Cancelled: 60 Min Consultation with Dana Reyes, Thu, Feb 19, 10:00 AM EST');
    expect(`${text(sam)}${html(sam)}`).not.toMatch(/Reason given|Feeling unwell/);
    expect(text(sam)).toContain('Book a new time with Dana Reyes: https://relay.example/consultations/dana-reyes');
    expect(html(sam)).toContain('href="https://relay.example/consultations/dana-reyes"');
    expect(text(sam)).toContain('(America/New_York)');
    expect(text(sam)).toContain('(America/Chicago)');
    expect(got.get('dana@example.com')?.mail.subject).toBe(
      'Cancelled: Sam Lee, Alex Kim, 60 Min Consultation, Thu, Feb 19, 9:00 AM CST',
    );
    expect(text(got.get('dana@example.com'))).toContain('Reason given: Feeling unwell, will rebook');
    const ics = icsOf(sam!.mail) ?? '';
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics).toContain('UID:pX3mQ8vT2nR6kW9yB4cZ1a@Cal.com');
    expect(ics).toContain('SEQUENCE:2');
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('DTSTART:20260219T150000Z');
  });

  it('BOOKING_CANCELLED by the consultant: the reason reaches the attendee too', async () => {
    const env = structuredClone(sandboxEnvelopes.cancelled) as { payload: Record<string, unknown> };
    env.payload.cancelledBy = 'Dana@Example.com';
    env.payload.cancellationReason = 'I am unwell, sorry';
    const got = await deliver(env, 2, danaProfile);
    expect(text(got.get('sam.lee@example.net'))).toContain('Reason given: I am unwell, sorry');
    expect(text(got.get('dana@example.com'))).toContain('Reason given: I am unwell, sorry');
  });

  it('a booker with 30 guests: the consultant and the booker are mailed, no guest', async () => {
    const env = structuredClone(sandboxEnvelopes.created) as unknown as { payload: { attendees: unknown[] } };
    for (let i = 0; i < 30; i++)
      env.payload.attendees.push({ name: `Guest ${i}`, email: `guest${i}@victims.example`, timeZone: 'UTC' });
    const got = await deliver(env, 2, danaProfile);
    expect([...got.keys()].sort()).toEqual(['dana@example.com', 'sam.lee@example.net']);
    expect(smtp.received.flatMap((r) => r.rcptTo)).not.toContain('guest0@victims.example');
  });

  it('a 1,500-character name and a 600-character address: every header line within 998 octets, the same Reply-To read', async () => {
    const address = `${'s'.repeat(600)}@example.net`;
    const name = `Sam ${'Lee'.repeat(500)}`;
    const env = structuredClone(sandboxEnvelopes.created) as unknown as {
      payload: { attendees: Array<{ name: string; email: string }> };
    };
    env.payload.attendees[0] = { ...env.payload.attendees[0]!, name, email: address };
    mailer = startMailer(danaProfile);
    expect(await mailer.enqueueEvent(CHANNEL, eventOf(1, env))).toBe(2);
    // The booker's own copy cannot be delivered: an SMTP peer refuses a 600-octet RCPT TO line (RFC 5321 allows
    // 512), as real servers do. The consultant's, whose Reply-To is the booker, must arrive intact.
    await waitFor(
      () => smtp.received.some((r) => r.rcptTo.includes('dana@example.com')),
      8000,
      "the consultant's email",
    );
    const dana = smtp.received.find((r) => r.rcptTo.includes('dana@example.com'))!.mail;
    for (const h of dana.headerLines)
      for (const line of h.line.split(/\r?\n/)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
    expect(dana.replyTo?.value).toEqual([{ name: `${name.slice(0, 99)}…`, address }]);
    expect(dana.subject).toBe(
      `New booking: ${name.slice(0, 99)}…, Alex Kim, 60 Min Consultation, Tue, Feb 17, 11:00 AM CST`,
    );
    expect(dana.text).toContain(`${name} <${address}>`); // the body keeps both whole
  });

  it('BOOKING_REQUESTED: "awaiting confirmation" to attendees, "please confirm" to the consultant, no invite yet', async () => {
    const got = await deliver(sandboxEnvelopes.requested, 2, danaProfile);
    const sam = got.get('sam.lee@example.net');
    expect(sam?.mail.subject).toBe('Request received: 60 Min Consultation with Dana Reyes, Tue, Feb 17, 12:00 PM EST');
    expect(text(sam)).toContain('Awaiting confirmation');
    const dana = got.get('dana@example.com');
    expect(dana?.mail.subject).toBe(
      'Please confirm: Sam Lee, Alex Kim requested 60 Min Consultation, Tue, Feb 17, 11:00 AM CST',
    );
    expect(text(dana)).toContain(`Review in Cal.com: ${SANDBOX_URL}/bookings/unconfirmed`);
    for (const r of got.values()) expect(icsOf(r.mail)).toBeUndefined();
  });

  it('BOOKING_REJECTED: a note to the booker only, with the reason and a rebooking link', async () => {
    const got = await deliver(sandboxEnvelopes.rejected, 1, danaProfile);
    expect([...got.keys()].sort()).toEqual(['sam.lee@example.net']);
    const sam = got.get('sam.lee@example.net');
    expect(sam?.mail.subject).toBe('Not confirmed: 60 Min Consultation with Dana Reyes, Tue, Feb 17, 12:00 PM EST');
    expect(text(sam)).toContain('Note from the consultant: Fully booked that week');
    expect(text(sam)).toContain('https://relay.example/consultations/dana-reyes');
    expect(icsOf(sam!.mail)).toBeUndefined();
  });
});

describe('contract examples without a published profile (payload organizer, default tips, Cal.com rebooking page)', () => {
  it('created → 2 emails with the default tips and metadata.videoCallUrl', async () => {
    const got = await deliver(contractEnvelopes.created, 2, undefined);
    const sam = got.get('sam.lee@example.net');
    expect(text(sam)).toContain('https://app.cal.com/video/pX3mQ8vT2nR6kW9yB4cZ1a');
    expect(text(sam)).toContain('Find a quiet, private place');
    expect(text(sam)).toContain('12:00 PM – 1:00 PM EST (America/New_York)');
    expect(text(sam)).toContain('11:00 AM – 12:00 PM CST (America/Chicago)');
  });

  it("created with a booker's metadata.videoCallUrl (merged over Cal.com's) → the video call's own link, not the booker's", async () => {
    const env = structuredClone(contractEnvelopes.created) as { payload: { metadata: Record<string, unknown> } };
    env.payload.metadata = { videoCallUrl: 'https://evil.example/cal-video-login' };
    const got = await deliver(env, 2, undefined);
    for (const mail of got.values()) {
      expect(`${text(mail)}${html(mail)}${icsOf(mail.mail) ?? ''}`).not.toContain('evil.example');
      expect(text(mail)).toContain('https://meetco.daily.co/Xk2pQr9TzLm4');
      expect(html(mail)).toContain('href="https://meetco.daily.co/Xk2pQr9TzLm4"');
    }
  });

  it("cancelled → the rebooking link falls back to the consultant's Cal.com page", async () => {
    const got = await deliver(contractEnvelopes.cancelled, 2, undefined);
    expect(text(got.get('sam.lee@example.net'))).toContain(
      'Book a new time with Dana Reyes: https://cal.com/dana-reyes',
    );
    expect(icsOf(got.get('sam.lee@example.net')!.mail)).toContain('SEQUENCE:2');
  });
});
