import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createProfiles } from '../profile/profiles';
import { openSqliteStore } from '../store/sqlite-store';
import type { RelayStore } from '../store/types';
import { createChannel, postWebhook, setSecret, startRelay, tempDir, testConfig, type TestRelay } from '../test-support';
import { sandboxEnvelopes } from './mail-fixtures';
import { createMailer, type Mailer } from './mailer';
import { fast, quietLogger, waitFor } from './mail-test-kit';
import { startTestSmtp, type TestSmtp } from './smtp-test-server';

/** The wiring the lead adds to relay.ts, done from outside: the real relay's onEventStored feeds the mailer. */
describe('mailer wired to the real relay', () => {
  let relay: TestRelay | undefined;
  let smtp: TestSmtp | undefined;
  let mailer: Mailer | undefined;
  let db: Database.Database | undefined;
  let dir = '';
  afterEach(async () => {
    await mailer?.stop();
    await relay?.relay.stop();
    db?.close();
    await smtp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a signed Cal.com webhook committed by the relay becomes emails, once, even when Cal.com sends it twice', async () => {
    dir = tempDir();
    smtp = await startTestSmtp();
    relay = await startRelay(testConfig(dir, { RELAY_LOG_LEVEL: 'silent' }));
    // A second connection to the relay's own SQLite file (WAL): the outbox and profile tables live beside the log.
    db = new Database(path.join(dir, 'relay.sqlite'));
    db.pragma('busy_timeout = 5000');
    const profiles = createProfiles(db);
    const m = createMailer({ db, dataDir: dir, smtpUrl: smtp.url, mailFrom: 'mail@relay.example', publicUrl: () => relay?.url ?? '', profiles, logger: quietLogger(), ...fast });
    mailer = m;
    relay.relay.onEventStored((channelId, event) => m.onEventStored(channelId, event));
    m.start();

    const ch = await createChannel(relay.url);
    await setSecret(relay.url, ch, 'a-webhook-secret-of-some-length');
    await profiles.publish(ch.id, {
      slug: 'dana-reyes', name: 'Dana Reyes', bio: '', preparationTips: 'Bring your sleep diary', timeZone: 'America/Chicago', email: 'dana@example.com', services: [], emailsEnabled: true,
    });
    const body = JSON.stringify(sandboxEnvelopes.cancelled);
    for (let i = 0; i < 2; i++) expect((await postWebhook(ch.ingestUrl, body, { secret: 'a-webhook-secret-of-some-length' })).status).toBe(200);
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.ping), { secret: 'a-webhook-secret-of-some-length' })).status).toBe(200);

    await waitFor(async () => (await m.stats()).sent === 3, 8000, 'emails');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(3);
    const sam = smtp.received.find((r) => r.rcptTo.includes('sam.lee@example.net'));
    expect(sam?.mail.text).toContain(`${relay.url}/consultations/dana-reyes`);
  });

  it('after a crash between the relay\'s commit and the enqueue, the next mailer catches up from the event log', async () => {
    dir = tempDir();
    smtp = await startTestSmtp();
    let store: RelayStore | undefined;
    relay = await startRelay(testConfig(dir, { RELAY_LOG_LEVEL: 'silent' }), { openStore: () => (store = openSqliteStore(path.join(dir, 'relay.sqlite'))) });
    db = new Database(path.join(dir, 'relay.sqlite'));
    db.pragma('busy_timeout = 5000');
    const profiles = createProfiles(db);
    const options = { db, dataDir: dir, smtpUrl: smtp.url, mailFrom: 'mail@relay.example', publicUrl: relay.url, profiles, logger: quietLogger(), ...fast };
    const first = createMailer(options);
    const unsubscribe = relay.relay.onEventStored((channelId, event) => first.onEventStored(channelId, event));
    first.start();
    const ch = await createChannel(relay.url);
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.created))).status).toBe(200);
    await waitFor(async () => (await first.stats()).sent === 3, 8000, 'first emails');
    // The crash window: committed by the relay, never seen by the mailer.
    unsubscribe();
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.cancelled))).status).toBe(200);
    await first.stop();

    const m = createMailer({ ...options, eventLog: store });
    mailer = m;
    m.start();
    await waitFor(async () => (await m.stats()).sent === 6, 8000, 'caught-up emails');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.map((r) => r.mail.subject?.split(':')[0]).sort()).toEqual(['Cancelled', 'Cancelled', 'Cancelled', 'Confirmed', 'Confirmed', 'New booking']);
  });
});
