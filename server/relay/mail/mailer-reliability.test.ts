import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventOf, sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { createMailer, type Mailer, type MailerOptions } from './mailer';
import {
  danaProfile,
  fast,
  fixedProfiles,
  memoryEventLog,
  quietLogger,
  sleep,
  waitFor,
} from '../../../tests/support/relay/mail/mail-test-kit';
import { startTestSmtp, type TestSmtp } from '../../../tests/support/relay/mail/smtp-test-server';

const CHANNEL = 'chanAAAAAAAAAAAAAAAAAAAAAA';
let dir: string;
let smtp: TestSmtp;
let events: ReturnType<typeof memoryEventLog>;
const open: Array<{ mailer: Mailer; db: Database.Database }> = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-test-'));
  smtp = await startTestSmtp();
  events = memoryEventLog();
});
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.mailer.stop();
    o.db.close();
  }
  await smtp.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A mailer on the SQLite file in the test folder (a second one on the same file = a relay restart). */
function newMailer(patch: Partial<MailerOptions> = {}): Mailer {
  const db = new Database(path.join(dir, 'relay.sqlite'));
  db.pragma('journal_mode = WAL');
  const mailer = createMailer({
    db,
    dataDir: dir,
    smtpUrl: smtp.url,
    mailFrom: 'mail@relay.example',
    publicUrl: 'https://relay.example',
    profiles: fixedProfiles(danaProfile),
    logger: quietLogger(),
    eventReader: events,
    ...fast,
    ...patch,
  });
  open.push({ mailer, db });
  return events.recording(mailer);
}

const attemptsOf = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[], { kind: string; status: string; attempts: number }>(
        'SELECT kind, status, attempts FROM mail_job ORDER BY id',
      )
      .all();
  } finally {
    db.close();
  }
};

const sentCount = (m: Mailer, n: number) => async () => (await m.stats()).sent === n;

describe('mail outbox reliability (real SMTP on loopback)', () => {
  it('SMTP down for a while (connection refused), then up: every email delivered exactly once', async () => {
    await smtp.down();
    const mailer = newMailer();
    mailer.start();
    expect(await mailer.enqueueEvent(CHANNEL, eventOf(1, sandboxEnvelopes.created))).toBe(2);
    await sleep(600); // several backoff rounds against a closed port
    expect(await mailer.stats()).toEqual({ pending: 2, sent: 0, failed: 0 });
    await smtp.up();
    await waitFor(sentCount(mailer, 2), 8000, 'delivery after the outage');
    await sleep(400); // nothing more arrives later
    expect(smtp.received.map((r) => r.rcptTo.join()).sort()).toEqual(['dana@example.com', 'sam.lee@example.net']);
    expect(attemptsOf(path.join(dir, 'relay.sqlite')).every((r) => r.status === 'sent' && r.attempts > 1)).toBe(true);
  });

  it('SMTP answering 421 for a while: retried with backoff, then delivered exactly once', async () => {
    smtp.refuseNext(5);
    const mailer = newMailer();
    mailer.start();
    await mailer.enqueueEvent(CHANNEL, eventOf(1, sandboxEnvelopes.cancelled));
    await waitFor(sentCount(mailer, 2), 8000, 'delivery after 421s');
    await sleep(300);
    expect(smtp.received).toHaveLength(2);
    expect(new Set(smtp.received.map((r) => r.rcptTo.join())).size).toBe(2);
    expect(attemptsOf(path.join(dir, 'relay.sqlite')).reduce((n, r) => n + r.attempts, 0)).toBe(2 + 5);
  });

  it('a 550 is recorded as failed and not retried; the consultant still gets theirs', async () => {
    smtp.reject('sam.lee@example.net');
    const mailer = newMailer();
    mailer.start();
    await mailer.enqueueEvent(CHANNEL, eventOf(1, sandboxEnvelopes.created));
    await waitFor(
      async () => (await mailer.stats()).failed === 1 && (await mailer.stats()).sent === 1,
      8000,
      '550 recorded',
    );
    await sleep(500);
    expect(await mailer.stats()).toEqual({ pending: 0, sent: 1, failed: 1 });
    expect(smtp.rcptAttempts.filter((a) => a === 'sam.lee@example.net')).toHaveLength(1);
    const failed = attemptsOf(path.join(dir, 'relay.sqlite')).find((r) => r.status === 'failed');
    expect(failed).toMatchObject({ kind: 'created:attendee', attempts: 1 });
  });

  it('a duplicate webhook (same event again, new relay seq, new createdAt, re-serialized) mails each recipient once', async () => {
    const mailer = newMailer();
    mailer.start();
    const again = { ...sandboxEnvelopes.created, createdAt: '2026-02-10T14:05:00.000Z' };
    const added = [
      await mailer.enqueueEvent(CHANNEL, eventOf(1, sandboxEnvelopes.created)),
      await mailer.enqueueEvent(CHANNEL, eventOf(2, sandboxEnvelopes.created)),
      await mailer.enqueueEvent(CHANNEL, { seq: 3, body: Buffer.from(JSON.stringify(again, null, 2)) }),
    ];
    expect(added).toEqual([2, 0, 0]);
    await waitFor(sentCount(mailer, 2));
    await sleep(300);
    expect(smtp.received).toHaveLength(2);
    // A different event of the same booking is not a duplicate.
    expect(await mailer.enqueueEvent(CHANNEL, eventOf(4, sandboxEnvelopes.cancelled))).toBe(2);
  });

  it('restart: pending mail written by one mailer is sent by the next one on the same database file', async () => {
    await smtp.down();
    const first = newMailer();
    first.start();
    first.onEventStored(CHANNEL, eventOf(1, sandboxEnvelopes.rescheduled));
    await waitFor(async () => (await first.stats()).pending === 2, 4000, 'enqueue');
    await sleep(200);
    await first.stop();
    await smtp.up();
    const second = newMailer();
    expect(await second.stats()).toEqual({ pending: 2, sent: 0, failed: 0 });
    second.start();
    await waitFor(sentCount(second, 2), 8000, 'delivery after restart');
    expect(smtp.received).toHaveLength(2);
  });

  it('ignores PING, NO_SHOW, non-JSON and unknown bodies; sends nothing when the consultant turned emails off', async () => {
    const mailer = newMailer({ profiles: fixedProfiles({ ...danaProfile, emailsEnabled: false }) });
    mailer.start();
    const noShow = {
      triggerEvent: 'BOOKING_NO_SHOW_UPDATED',
      createdAt: '2026-02-17T18:30:00Z',
      payload: { attendees: [{ email: 'sam.lee@example.net', noShow: true }], bookingUid: 'x' },
    };
    for (const body of [sandboxEnvelopes.ping, noShow, { hello: 'world' }, sandboxEnvelopes.created])
      expect(await mailer.enqueueEvent(CHANNEL, eventOf(1, body))).toBe(0);
    expect(await mailer.enqueueEvent(CHANNEL, { seq: 9, body: Buffer.from('not json') })).toBe(0);
    expect(await mailer.stats()).toEqual({ pending: 0, sent: 0, failed: 0 });
  });

  it('without SMTP_URL writes .eml files to <dataDir>/mail-outbox and reports where', async () => {
    const logger = quietLogger();
    const mailer = newMailer({ smtpUrl: undefined, logger });
    expect(mailer.transportKind).toBe('eml');
    expect(mailer.destination).toBe(path.join(dir, 'mail-outbox'));
    mailer.start();
    expect(logger.lines.join('\n')).toContain(`writing .eml files to ${path.join(dir, 'mail-outbox')}`);
    await mailer.enqueueEvent(CHANNEL, eventOf(1, sandboxEnvelopes.created));
    await waitFor(sentCount(mailer, 2));
    const files = fs.readdirSync(mailer.destination).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(2);
    const parsed = await Promise.all(
      files.map(async (f) => simpleParser(fs.readFileSync(path.join(mailer.destination, f)))),
    );
    expect(parsed.map((p) => p.subject).sort()[0]).toMatch(/^Confirmed: 60 Min Consultation with Dana Reyes/);
    expect(parsed.every((p) => p.attachments.some((a) => a.contentType.startsWith('text/calendar')))).toBe(true);
  });
  it('a relay killed while sending: the restarted one sends what it held at once, not after the 5-minute lease', async () => {
    const first = newMailer({ leaseMs: 5 * 60_000 });
    expect(await first.enqueueEvent(CHANNEL, eventOf(1, sandboxEnvelopes.created))).toBe(2);
    // The dead process had claimed them: "sending", leased for five minutes, nothing delivered.
    const db = new Database(path.join(dir, 'relay.sqlite'));
    db.prepare(`UPDATE mail_job SET status = 'sending', due_at = ?`).run(Date.now() + 5 * 60_000);
    db.close();
    const restarted = newMailer({ leaseMs: 5 * 60_000 });
    restarted.start();
    await waitFor(sentCount(restarted, 2), 8000, 'the held emails sent after restart');
    expect(smtp.received).toHaveLength(2);
    expect(attemptsOf(path.join(dir, 'relay.sqlite')).map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});
