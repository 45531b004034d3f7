import { simpleParser, type ParsedMail } from 'mailparser';
import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema } from '../../../common/calcom';
import { sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { danaProfile } from '../../../tests/support/relay/mail/mail-test-kit';
import { addressOf, composeMime } from './mime';
import { planEmails } from './email-rules';
import { toMailOptions } from './render-batch';

const ctx = {
  channelId: 'chanA',
  seq: 4,
  profile: danaProfile,
  publicUrl: 'https://relay.example',
  now: Date.parse('2026-02-10T15:00:00Z'),
};
const nodemailer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** What a mail client reads from a message: the fields both writers must agree on. */
const view = (m: ParsedMail) => ({
  from: m.from?.value,
  to: (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value ?? []),
  replyTo: m.replyTo?.value,
  subject: m.subject,
  messageId: m.messageId,
  text: m.text?.replace(/\r\n/g, '\n').trimEnd(),
  html: typeof m.html === 'string' ? m.html.replace(/\r\n/g, '\n').trimEnd() : m.html,
  kind: m.headers.get('x-lifescore-kind'),
  autoSubmitted: m.headers.get('auto-submitted'),
  attachments: m.attachments.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    method: (a.headers.get('content-type') as { params?: Record<string, string> } | undefined)?.params?.method,
    content: a.content.toString('utf8'),
  })),
});

describe("composeMime (the relay's own MIME writer)", () => {
  const envs = [sandboxEnvelopes.created, sandboxEnvelopes.cancelled, sandboxEnvelopes.rescheduled];
  it.each(envs.map((e, i) => [i, e] as const))(
    "reads the same in mailparser as nodemailer's message (envelope %i)",
    async (_i, raw) => {
      const env = webhookEnvelopeSchema.parse(JSON.parse(JSON.stringify(raw)));
      for (const item of planEmails(env, ctx)) {
        const ours = composeMime(item, item.message, '"LifeScore Relay" <mail@relay.example>', ctx.now);
        const reference = await nodemailer.sendMail(
          toMailOptions(item, item.message, '"LifeScore Relay" <mail@relay.example>'),
        );
        expect(view(await simpleParser(ours.raw))).toEqual(view(await simpleParser(reference.message as Buffer)));
        expect(ours.envelope).toEqual({ from: 'mail@relay.example', to: [item.message.to.address] });
        for (const line of ours.raw.toString('utf8').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
        expect(ours.raw.toString('latin1')).not.toMatch(/[^\r]\n/); // CRLF only
      }
    },
  );

  it('encodes non-ASCII names and subjects, and quotes names with specials', async () => {
    const message = {
      to: { name: 'Zoë "Z" Ünal', address: 'zoe@example.net' },
      replyTo: { name: 'Dana, Reyes', address: 'dana@example.com' },
      subject: `Confirmed: Schlaf & Stress — ${'très long sujet '.repeat(8)}🎉`,
      text: 'Hallo Zoë\n',
      html: '<p>Hallo Zoë</p>',
    };
    const parsed = await simpleParser(
      composeMime({ key: 'a'.repeat(64), kind: 'created:attendee' }, message, 'mail@relay.example', 0).raw,
    );
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).toEqual([
      { name: 'Zoë "Z" Ünal', address: 'zoe@example.net' },
    ]);
    expect(parsed.replyTo?.value).toEqual([{ name: 'Dana, Reyes', address: 'dana@example.com' }]);
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.text?.trim()).toBe('Hallo Zoë');
    expect(parsed.attachments).toEqual([]);
    expect(addressOf('"LifeScore" <no-reply@localhost>')).toBe('no-reply@localhost');
  });

  it('keeps every header line within 998 octets for a 1,500-character name and a 600-character address', async () => {
    const env = webhookEnvelopeSchema.parse(JSON.parse(JSON.stringify(sandboxEnvelopes.created)));
    if (env.triggerEvent !== 'BOOKING_CREATED') throw new Error('fixture');
    const address = `${'a'.repeat(600)}@example.net`;
    for (const name of ['B'.repeat(1_500), `Sam ${'Lee '.repeat(374)}`, `Zoë ${'ü'.repeat(1_496)}`]) {
      env.payload.attendees[0] = { ...env.payload.attendees[0]!, name, email: address };
      const items = planEmails(env, ctx);
      expect(items.map((i) => i.kind)).toEqual(['created:organizer', 'created:attendee']);
      for (const item of items) {
        const raw = composeMime(item, item.message, '"LifeScore Relay" <mail@relay.example>', ctx.now).raw;
        // Every line of the message: headers, part headers and the base64 body.
        for (const line of raw.toString('utf8').split('\r\n')) {
          expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
          // Only the line holding the long address itself is past RFC 5322's recommended 78.
          if (!line.includes(address)) expect(line.length).toBeLessThanOrEqual(78);
        }
        const parsed = await simpleParser(raw);
        const booker = item.kind === 'created:attendee' ? parsed.to : parsed.replyTo;
        const mailbox = (booker && !Array.isArray(booker) ? booker.value : [])[0];
        expect(mailbox?.address).toBe(address);
        expect(Array.from(mailbox?.name ?? '')).toHaveLength(100);
        expect(mailbox?.name.endsWith('…')).toBe(true);
        expect(parsed.subject).toBe(item.message.subject);
        expect(parsed.subject?.length).toBeLessThan(250);
      }
    }
  });

  it('folds a long ASCII subject at spaces, so it reads back exactly', async () => {
    const subject = `Confirmed: ${'word '.repeat(300)}end`;
    const raw = composeMime(
      { key: 'b'.repeat(64), kind: 'created:attendee' },
      { to: { name: 'Sam', address: 'sam@example.net' }, subject, text: 'x', html: '<p>x</p>' },
      'mail@relay.example',
      0,
    ).raw.toString('utf8');
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(raw).not.toContain('=?UTF-8?');
    expect((await simpleParser(raw)).subject).toBe(subject);
  });
});
