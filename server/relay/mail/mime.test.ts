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
});
