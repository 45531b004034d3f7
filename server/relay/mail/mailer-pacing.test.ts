import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventOf, sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
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
import { createSqliteOutboxStore } from '../store/sqlite/sqlite-outbox-store';
import { createMailPacer } from './mail-pacer';
import { createMailer, type Mailer, type MailerOptions } from './mailer';

const CHANNEL = 'chanPACEPACEPACEPACEPACEPA';
/** The sandbox's confirmation mails two people: the consultant and the booker (its guest gets nothing). */
const RECIPIENTS = 2;
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

/** A distinct booking per i (its own uid), so each one is mailed. */
function bookingBody(i: number) {
  const e = sandboxEnvelopes.created;
  return { ...e, payload: { ...e.payload, uid: `pace-booking-${i}`, bookingId: 90_000 + i } };
}

function newMailer(extra: Partial<MailerOptions>): Mailer {
  mailer = createMailer({
    db,
    dataDir: '/nonexistent',
    smtpUrl: smtp.url,
    mailFrom: 'LifeScore <mail@relay.example>',
    publicUrl: 'https://relay.example',
    profiles: fixedProfiles(danaProfile),
    logger: quietLogger(),
    ...fast,
    ...extra,
  });
  mailer.start();
  return mailer;
}

/** The SQLite outbox on this test's database, recording how many jobs each enqueue transaction held. */
function countedOutbox() {
  const store = createSqliteOutboxStore(db);
  const enqueues: number[] = [];
  const outbox = {
    ...store,
    enqueue: (...a: Parameters<typeof store.enqueue>) => (enqueues.push(a[0].length), store.enqueue(...a)),
  };
  return { enqueues, outbox };
}

describe('mail during a burst of webhooks (issue 18)', () => {
  it('past planQueueBytes a waiting event keeps only its sequence; its body is read back from the event log and it mails once', async () => {
    const log = memoryEventLog();
    // eventReader, not eventLog: the start-up catch-up would replan the whole log and hide a lost event.
    const m = log.recording(newMailer({ eventReader: log, planQueueBytes: 0 }));
    // Stored in one turn, as a committed batch is: all wait to be planned together, none with its body in memory.
    for (let i = 1; i <= 12; i++) m.onEventStored(CHANNEL, eventOf(i, bookingBody(i)));
    await waitFor(async () => (await m.stats()).sent === 12 * RECIPIENTS, 10_000, 'every booking mailed');
    expect(await m.stats()).toEqual({ pending: 0, sent: 12 * RECIPIENTS, failed: 0 });
    const subjects = smtp.received.filter((r) => r.rcptTo.includes('sam.lee@example.net'));
    expect(subjects).toHaveLength(12);
    expect(await createSqliteOutboxStore(db).getCursor(CHANNEL)).toBe(12);
  });

  it('an event gone from the log before it was planned (pruned) mails nothing, and the cursor still moves past it', async () => {
    const log = memoryEventLog();
    const m = newMailer({ eventReader: log, planQueueBytes: 0 });
    for (let i = 1; i <= 3; i++) log.add(CHANNEL, eventOf(i, bookingBody(i)));
    for (let i = 1; i <= 4; i++) m.onEventStored(CHANNEL, eventOf(i, bookingBody(i)));
    await waitFor(async () => (await createSqliteOutboxStore(db).getCursor(CHANNEL)) === 4, 10_000, 'cursor at 4');
    await waitFor(async () => (await m.stats()).sent === 3 * RECIPIENTS, 10_000, 'the three logged bookings');
    expect(smtp.received.filter((r) => r.rcptTo.includes('sam.lee@example.net'))).toHaveLength(3);
  });

  it('a long queue of waiting events (a burst) is planned in order to its end: every booking once, the cursor at the last, counted as unplanned until then', async () => {
    const log = memoryEventLog();
    const m = log.recording(newMailer({ eventReader: log }));
    // 1,500 events in one turn, of which every 100th is a booking and the rest PINGs (planned, nothing to mail).
    for (let seq = 1; seq <= 1_500; seq++)
      m.onEventStored(CHANNEL, eventOf(seq, seq % 100 === 0 ? bookingBody(seq) : sandboxEnvelopes.ping));
    // Nothing planned yet in this turn: all 1,500 are waiting, none in the outbox (its pending count says 0).
    expect(m.unplanned()).toBe(1_500);
    expect((await m.stats()).pending).toBe(0);
    await waitFor(async () => m.unplanned() === 0, 15_000, 'every event planned');
    expect(await createSqliteOutboxStore(db).getCursor(CHANNEL)).toBe(1_500);
    await waitFor(async () => (await m.stats()).sent === 15 * RECIPIENTS, 10_000, 'the 15 bookings');
    expect(smtp.received.filter((r) => r.rcptTo.includes('sam.lee@example.net'))).toHaveLength(15);
  });

  it('events stored together across many channels are enqueued in one outbox transaction, each cursor at its last', async () => {
    const log = memoryEventLog();
    const { enqueues, outbox } = countedOutbox();
    const m = log.recording(newMailer({ eventReader: log, outbox }));
    const channels = Array.from({ length: 10 }, (_, c) => `chanMANY${String(c).padStart(18, '0')}`);
    // One committed group: two bookings in each of ten channels, stored in one turn.
    channels.forEach((channel, c) => {
      for (const seq of [1, 2]) m.onEventStored(channel, eventOf(seq, bookingBody(c * 2 + seq)));
    });
    await waitFor(async () => m.unplanned() === 0, 10_000, 'every event planned');
    expect(enqueues).toEqual([20 * RECIPIENTS]);
    for (const channel of channels) expect(await outbox.getCursor(channel)).toBe(2);
    await waitFor(async () => (await m.stats()).sent === 20 * RECIPIENTS, 10_000, 'every booking mailed');
  });

  it('after a quiet spell, events stored within planGatherMs of the first are planned and enqueued together', async () => {
    const { enqueues, outbox } = countedOutbox();
    const log = memoryEventLog();
    const m = log.recording(newMailer({ eventReader: log, outbox, planGatherMs: 400 }));
    for (let i = 1; i <= 3; i++) {
      m.onEventStored(CHANNEL, eventOf(i, bookingBody(i)));
      await sleep(40);
    }
    await waitFor(async () => m.unplanned() === 0, 10_000, 'every event planned');
    expect(enqueues).toEqual([3 * RECIPIENTS]);
    await waitFor(async () => (await m.stats()).sent === 3 * RECIPIENTS, 10_000, 'every booking mailed');
  });

  it('during a burst planning does not wait planGatherMs: batches form by themselves then', async () => {
    const pacer = createMailPacer({ burstPerSecond: 200 });
    const burst = setInterval(() => pacer.noteIngest(50), 10);
    try {
      const log = memoryEventLog();
      const m = log.recording(newMailer({ eventReader: log, pacer, planGatherMs: 10_000 }));
      await sleep(100);
      expect(pacer.busy()).toBe(true);
      m.onEventStored(CHANNEL, eventOf(1, bookingBody(1)));
      await waitFor(async () => m.unplanned() === 0, 3_000, 'planned without the 10 s wait');
    } finally {
      clearInterval(burst);
    }
  });

  it('with planGatherMs 0 an event is planned on the next turn: events stored apart are enqueued apart', async () => {
    const { enqueues, outbox } = countedOutbox();
    const log = memoryEventLog();
    const m = log.recording(newMailer({ eventReader: log, outbox, planGatherMs: 0 }));
    for (let i = 1; i <= 2; i++) {
      m.onEventStored(CHANNEL, eventOf(i, bookingBody(i)));
      await waitFor(async () => m.unplanned() === 0, 10_000, `event ${i} planned`);
    }
    expect(enqueues).toEqual([RECIPIENTS, RECIPIENTS]);
  });

  it('while ingest is busy the worker claims small batches, spaced out; every email still goes out once', async () => {
    const pacer = createMailPacer({ burstPerSecond: 200, burstBatch: 2, share: 0.5 });
    const burst = setInterval(() => pacer.noteIngest(50), 10); // 5,000 webhooks/s for as long as the test runs
    try {
      const store = createSqliteOutboxStore(db);
      // The batch size asked for each claim that found mail.
      const claims: number[] = [];
      const claimDue = store.claimDue.bind(store);
      store.claimDue = async (now, limit, leaseMs) => {
        const rows = await claimDue(now, limit, leaseMs);
        if (rows.length > 0) claims.push(limit);
        return rows;
      };
      await new Promise((r) => setTimeout(r, 300)); // the burst is under way
      const log = memoryEventLog();
      const m = log.recording(newMailer({ db: undefined, outbox: store, eventLog: log, pacer }));
      for (let i = 1; i <= 4; i++) m.onEventStored(CHANNEL, eventOf(i, bookingBody(i)));
      await waitFor(async () => (await m.stats()).sent === 4 * RECIPIENTS, 15_000, 'every email, paced');
      expect(await m.stats()).toEqual({ pending: 0, sent: 4 * RECIPIENTS, failed: 0 });
      expect(smtp.received).toHaveLength(4 * RECIPIENTS);
      expect(claims.length).toBeGreaterThanOrEqual((4 * RECIPIENTS) / 2);
      expect(Math.max(...claims)).toBeLessThanOrEqual(2);
    } finally {
      clearInterval(burst);
    }
  });

  it('stopping during a burst finishes the mail in hand without waiting for the burst to end', async () => {
    const pacer = createMailPacer({ burstPerSecond: 200, share: 0.05 });
    const burst = setInterval(() => pacer.noteIngest(50), 10);
    try {
      const log = memoryEventLog();
      const m = log.recording(newMailer({ eventLog: log, pacer }));
      // A long batch owed: the next one would wait ~19 s while the burst lasts.
      await new Promise((r) => setTimeout(r, 100));
      pacer.spent(1_000);
      m.onEventStored(CHANNEL, eventOf(1, bookingBody(1)));
      const t0 = performance.now();
      await m.stop();
      mailer = undefined;
      expect(performance.now() - t0).toBeLessThan(3_000);
      // Planned and durable: sent during the stop, or pending for the next start.
      const counts = await createSqliteOutboxStore(db).counts();
      expect(counts.pending + counts.sent).toBe(RECIPIENTS);
    } finally {
      clearInterval(burst);
    }
  });
});
