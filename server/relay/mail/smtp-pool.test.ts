import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpPool, type SmtpPool, type SmtpPoolOptions } from './smtp-pool';
import { startTestSmtp, type TestSmtp } from '../../../tests/support/relay/mail/smtp-test-server';

const envelope = (to = 'client@example.com') => ({ from: 'relay@example.com', to: [to] });
const message = (n: number) =>
  Buffer.from(
    `From: <relay@example.com>\r\nTo: <client@example.com>\r\nSubject: Message ${n}\r\n` +
      `Message-ID: <m${n}@relay.example>\r\n\r\nBody ${n}\r\n.starts with a dot\r\n`,
  );
const timeoutsMs = { connection: 2000, greeting: 2000, socket: 5000 };
const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('SMTP pool (sessions over nodemailer SMTPConnection)', () => {
  let smtp: TestSmtp | undefined;
  let pool: SmtpPool | undefined;
  const open = (s: TestSmtp, o: Partial<SmtpPoolOptions> = {}) =>
    (pool = createSmtpPool({ url: s.url, maxConnections: 2, maxMessages: 100, idleMs: 5000, timeoutsMs, ...o }));
  afterEach(async () => {
    pool?.close();
    pool = undefined;
    await smtp?.close();
    smtp = undefined;
  });

  it('sends many messages over at most maxConnections sessions, each message intact (dot-stuffing included)', async () => {
    smtp = await startTestSmtp();
    const p = open(smtp);
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => p.send(envelope(), message(i))));
    expect(replies.every((r) => r.response.startsWith('250'))).toBe(true);
    expect(smtp.sessions.opened).toBe(2);
    expect(smtp.received.map((m) => m.mail.subject).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `Message ${i}`).sort(),
    );
    expect(smtp.received[0]?.mail.text).toContain('\n.starts with a dot');
  });

  it('ends a session after maxMessages and opens a new one for the next message', async () => {
    smtp = await startTestSmtp();
    const p = open(smtp, { maxConnections: 1, maxMessages: 2 });
    for (let i = 0; i < 5; i++) await p.send(envelope(), message(i));
    expect(smtp.received).toHaveLength(5);
    expect(smtp.sessions.opened).toBe(3);
  });

  it('closes sessions left idle, and opens one again when mail comes', async () => {
    const s = (smtp = await startTestSmtp());
    const p = open(s, { idleMs: 100 });
    await p.send(envelope(), message(1));
    expect(s.sessions.open).toBe(1);
    await until(() => s.sessions.open === 0);
    await p.send(envelope(), message(2));
    expect(s.sessions.opened).toBe(2);
    expect(s.received).toHaveLength(2);
  });

  it('a refused recipient fails that message with the 550 and the same session carries on after RSET', async () => {
    smtp = await startTestSmtp();
    smtp.reject('nobody@example.com');
    const p = open(smtp, { maxConnections: 1 });
    await expect(p.send(envelope('nobody@example.com'), message(1))).rejects.toMatchObject({
      code: 'EENVELOPE',
      responseCode: 550,
    });
    await p.send(envelope(), message(2));
    expect(smtp.received.map((m) => m.mail.subject)).toEqual(['Message 2']);
    expect(smtp.sessions.opened).toBe(1);
  });

  it('a session the server ended while idle is not used again: the next message goes out on a new one', async () => {
    const s = (smtp = await startTestSmtp());
    const p = open(s, { maxConnections: 1 });
    await p.send(envelope(), message(1));
    s.dropSessions();
    await until(() => s.sessions.open === 0);
    await p.send(envelope(), message(2));
    expect(s.received).toHaveLength(2);
    expect(s.sessions.opened).toBe(2);
  });

  it('logs in with the URL credentials; a wrong password is EAUTH (the outbox keeps such mail for retry)', async () => {
    smtp = await startTestSmtp(0, { auth: { user: 'relay', pass: 's3cret' } });
    const good = open(smtp, { url: `smtp://relay:s3cret@127.0.0.1:${smtp.port}` });
    await good.send(envelope(), message(1));
    expect(smtp.received).toHaveLength(1);
    good.close();
    const bad = open(smtp, { url: `smtp://relay:wrong@127.0.0.1:${smtp.port}` });
    await expect(bad.send(envelope(), message(2))).rejects.toMatchObject({ code: 'EAUTH' });
    expect(smtp.received).toHaveLength(1);
  });

  it('a server that is down fails every waiting message (none is left hanging), and works again once up', async () => {
    smtp = await startTestSmtp();
    await smtp.down();
    const p = open(smtp, { maxConnections: 1 });
    const results = await Promise.allSettled([1, 2, 3].map((i) => p.send(envelope(), message(i))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ESOCKET' });
    await smtp.up();
    await p.send(envelope(), message(4));
    expect(smtp.received).toHaveLength(1);
  });

  it('a 421 greeting fails the message as transient (no 5xx), the next session is fine', async () => {
    smtp = await startTestSmtp();
    smtp.refuseNext(1);
    const p = open(smtp, { maxConnections: 1 });
    await expect(p.send(envelope(), message(1))).rejects.toMatchObject({ code: 'EPROTOCOL', responseCode: 421 });
    await p.send(envelope(), message(2));
    expect(smtp.received).toHaveLength(1);
  });

  it('close() fails messages waiting for a session and refuses new ones; open sessions QUIT', async () => {
    const s = (smtp = await startTestSmtp());
    const p = open(s, { maxConnections: 1 });
    await p.send(envelope(), message(1));
    const first = p.send(envelope(), message(2));
    const waiting = p.send(envelope(), message(3));
    p.close();
    await expect(waiting).rejects.toThrow('mail transport is closed');
    await first.catch(() => undefined);
    await expect(p.send(envelope(), message(4))).rejects.toThrow('mail transport is closed');
    await until(() => s.sessions.open === 0);
  });
});
