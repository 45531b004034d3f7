import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store';
import { createChannel, postWebhook, setSecret, startRelay, tempDir, testConfig, type TestRelay } from '../test-support';
import type { CreateChannelResponse } from '../../../common/relay';
import { sandboxEnvelopes } from './mail-fixtures';
import { waitFor } from './mail-test-kit';
import { startTestSmtp, type TestSmtp } from './smtp-test-server';

const SECRET = 'a-webhook-secret-of-some-length';

async function publishProfile(relayUrl: string, ch: CreateChannelResponse): Promise<Response> {
  return fetch(`${relayUrl}/api/channels/${ch.id}/profile`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ch.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      slug: 'dana-reyes',
      name: 'Dana Reyes',
      bio: '',
      preparationTips: 'Bring your sleep diary',
      timeZone: 'America/Chicago',
      email: 'dana@example.com',
      services: [{ durationMinutes: 60, title: '60 Min Consultation', bookingUrl: 'https://cal.example/dana-reyes/consultation-60min' }],
      emailsEnabled: true,
    }),
  });
}

/** The relay's own mailer and profile routes, as `npm run relay` runs them (relay.ts wires both). */
describe('mail and profiles inside the running relay', () => {
  let relay: TestRelay | undefined;
  let smtp: TestSmtp | undefined;
  let dir = '';
  afterEach(async () => {
    await relay?.relay.stop();
    await smtp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a signed Cal.com webhook becomes emails, once, even when Cal.com sends it twice; closing the channel unpublishes', async () => {
    dir = tempDir();
    smtp = await startTestSmtp();
    relay = await startRelay(testConfig(dir, { RELAY_LOG_LEVEL: 'silent', SMTP_URL: smtp.url, MAIL_FROM: 'mail@relay.example' }));
    expect(relay.relay.mailDestination).toContain('127.0.0.1');

    const ch = await createChannel(relay.url);
    await setSecret(relay.url, ch, SECRET);
    expect((await publishProfile(relay.url, ch)).status).toBe(204);
    const page = await fetch(`${relay.url}/consultations/dana-reyes`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('https://cal.example/dana-reyes/consultation-60min');

    const body = JSON.stringify(sandboxEnvelopes.cancelled);
    for (let i = 0; i < 2; i++) expect((await postWebhook(ch.ingestUrl, body, { secret: SECRET })).status).toBe(200);
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.ping), { secret: SECRET })).status).toBe(200);

    await waitFor(() => smtp!.received.length >= 3, 15_000, 'emails');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received).toHaveLength(3);
    const sam = smtp.received.find((r) => r.rcptTo.includes('sam.lee@example.net'));
    expect(sam?.mail.text).toContain(`${relay.url}/consultations/dana-reyes`);

    const closed = await fetch(`${relay.url}/api/channels/${ch.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ch.token}` } });
    expect(closed.status).toBe(204);
    expect((await fetch(`${relay.url}/consultations/dana-reyes`)).status).toBe(404);
  });

  it("mails an event committed just before a crash, before the mailer saw it, when the relay starts again", async () => {
    dir = tempDir();
    smtp = await startTestSmtp();
    const config = testConfig(dir, { RELAY_LOG_LEVEL: 'silent', SMTP_URL: smtp.url, MAIL_FROM: 'mail@relay.example' });
    relay = await startRelay(config);
    const ch = await createChannel(relay.url);
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.created))).status).toBe(200);
    await waitFor(() => smtp!.received.length >= 3, 15_000, 'first emails');
    await relay.relay.stop();

    // The crash window: the event is in the log, but no mailer ever saw it.
    const store = openSqliteStore(path.join(dir, 'relay.sqlite'));
    const [outcome] = await store.appendEvents([
      { channelId: ch.id, receivedAt: Date.now(), contentType: 'application/json', headers: {}, query: {}, body: Buffer.from(JSON.stringify(sandboxEnvelopes.cancelled)) },
    ]);
    expect(outcome?.ok).toBe(true);
    await store.close();

    relay = await startRelay(config);
    await waitFor(() => smtp!.received.length >= 6, 15_000, 'caught-up emails');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.map((r) => r.mail.subject?.split(':')[0]).sort()).toEqual(['Cancelled', 'Cancelled', 'Cancelled', 'Confirmed', 'Confirmed', 'New booking']);
  });
});
