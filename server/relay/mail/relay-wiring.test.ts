import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  profileBody,
  putProfile,
  startTestSandbox,
  trustedConfig,
  verifiedChannel,
} from '../../../tests/support/relay/verified-channel';
import type { Sandbox } from '../../calcom-sandbox';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { postWebhook, startRelay, tempDir, type TestRelay } from '../../../tests/support/relay/relay-test-kit';
import { sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { waitFor } from '../../../tests/support/relay/mail/mail-test-kit';
import { startTestSmtp, type TestSmtp } from '../../../tests/support/relay/mail/smtp-test-server';

const SECRET = 'a-webhook-secret-of-some-length';

/** The relay's own mailer and profile routes, as `npm run relay` runs them (relay.ts wires both). */
let sandbox: Sandbox;
let sandboxUrl = '';
beforeAll(async () => {
  ({ sandbox, url: sandboxUrl } = await startTestSandbox());
});
afterAll(() => sandbox.stop());

// Mail flows only for channels verified with Cal.com (the sandbox here) and approved (auto in tests): issue 16.
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
    relay = await startRelay(
      trustedConfig(dir, sandboxUrl, {
        RELAY_LOG_LEVEL: 'silent',
        SMTP_URL: smtp.url,
        MAIL_FROM: 'mail@relay.example',
      }),
    );
    expect(relay.relay.mailDestination).toContain('127.0.0.1');

    const { ch } = await verifiedChannel(relay.url, sandboxUrl, { secret: SECRET });
    expect((await putProfile(relay.url, ch, profileBody())).status).toBe(200);
    const page = await fetch(`${relay.url}/consultations/dana-reyes`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('https://cal.example/dana-reyes/consultation-60min');

    const body = JSON.stringify(sandboxEnvelopes.cancelled);
    for (let i = 0; i < 2; i++) expect((await postWebhook(ch.ingestUrl, body, { secret: SECRET })).status).toBe(200);
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.ping), { secret: SECRET })).status).toBe(
      200,
    );

    await waitFor(() => smtp!.received.length >= 2, 15_000, 'emails');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received).toHaveLength(2);
    const sam = smtp.received.find((r) => r.rcptTo.includes('sam.lee@example.net'));
    expect(sam?.mail.text).toContain(`${relay.url}/consultations/dana-reyes`);

    const closed = await fetch(`${relay.url}/api/channels/${ch.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ch.token}` },
    });
    expect(closed.status).toBe(204);
    expect((await fetch(`${relay.url}/consultations/dana-reyes`)).status).toBe(404);
  });

  it('mails an event committed just before a crash, before the mailer saw it, when the relay starts again', async () => {
    dir = tempDir();
    smtp = await startTestSmtp();
    const config = trustedConfig(dir, sandboxUrl, {
      RELAY_LOG_LEVEL: 'silent',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'mail@relay.example',
    });
    relay = await startRelay(config);
    const { ch } = await verifiedChannel(relay.url, sandboxUrl, { secret: SECRET });
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.created), { secret: SECRET })).status).toBe(
      200,
    );
    await waitFor(() => smtp!.received.length >= 2, 15_000, 'first emails');
    await relay.relay.stop();

    // The crash window: the event is in the log, but no mailer ever saw it.
    const store = openSqliteStore(path.join(dir, 'relay.sqlite'));
    const [outcome] = await store.appendEvents([
      {
        channelId: ch.id,
        receivedAt: Date.now(),
        contentType: 'application/json',
        headers: {},
        query: {},
        body: Buffer.from(JSON.stringify(sandboxEnvelopes.cancelled)),
      },
    ]);
    expect(outcome?.ok).toBe(true);
    await store.close();

    relay = await startRelay(config);
    await waitFor(() => smtp!.received.length >= 4, 15_000, 'caught-up emails');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.map((r) => r.mail.subject?.split(':')[0]).sort()).toEqual([
      'Cancelled',
      'Cancelled',
      'Confirmed',
      'New booking',
    ]);
  });
});
