import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelStatusSchema, pullResponseSchema, type CreateChannelResponse } from '../../common/relay';
import type { Sandbox } from '../calcom-sandbox';
import { dataFolderBytes, eventually, metricValue } from '../../tests/support/relay/relay-probe';
import {
  accessTokenFor,
  adminDecide,
  newDeviceId,
  presentIdentity,
  profileBody,
  putProfile,
  startTestSandbox,
  trustedConfig,
  verifiedChannel,
} from '../../tests/support/relay/verified-channel';
import { sandboxEnvelopes } from '../../tests/support/relay/mail/mail-fixtures';
import { startTestSmtp, type TestSmtp } from '../../tests/support/relay/mail/smtp-test-server';
import {
  createChannel,
  postWebhook,
  setSecret,
  startRelay,
  tempDir,
  type TestRelay,
} from '../../tests/support/relay/relay-test-kit';

/**
 * Issue 16, tried as an attacker with nothing but HTTP: every path is refused with a precise status, and nothing is
 * stored, streamed or mailed. Real relay on loopback, real Cal.com sandbox answering /v2/me, real SMTP peer.
 */
const SECRET = 'a-webhook-secret-of-some-length';
let sandbox: Sandbox;
let sandboxUrl = '';
let relay: TestRelay | undefined;
let smtp: TestSmtp | undefined;
let dir = '';

beforeAll(async () => {
  ({ sandbox, url: sandboxUrl } = await startTestSandbox());
});
afterAll(() => sandbox.stop());
afterEach(async () => {
  await relay?.relay.stop();
  await smtp?.close();
  relay = undefined;
  smtp = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}) {
  dir = tempDir();
  smtp = await startTestSmtp();
  relay = await startRelay(
    trustedConfig(dir, sandboxUrl, { SMTP_URL: smtp.url, MAIL_FROM: 'mail@relay.example', ...env }),
  );
  return relay;
}

const pull = async (url: string, ch: CreateChannelResponse) =>
  pullResponseSchema.parse(
    await (
      await fetch(`${url}/api/channels/${ch.id}/events`, { headers: { authorization: `Bearer ${ch.token}` } })
    ).json(),
  );
const status = async (url: string, ch: CreateChannelResponse) =>
  channelStatusSchema.parse(
    await (await fetch(`${url}/api/channels/${ch.id}`, { headers: { authorization: `Bearer ${ch.token}` } })).json(),
  );
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** A booking with a phishing organizer address and `n` attendees, as an attacker would sign it with their own secret. */
function phishingBooking(n: number, uid = 'phish-uid-1') {
  const env = structuredClone(sandboxEnvelopes.created) as unknown as {
    payload: Record<string, unknown> & { organizer: Record<string, unknown> };
  };
  env.payload.uid = uid;
  env.payload.title = 'Your account is locked - Join the session';
  env.payload.organizer = { ...env.payload.organizer, email: 'attacker@evil.example' };
  env.payload.attendees = Array.from({ length: n }, (_, i) => ({
    name: `Victim ${i}`,
    email: `victim${i}@example.net`,
    timeZone: 'UTC',
    language: { locale: 'en' },
  }));
  return JSON.stringify(env);
}

describe('relay abuse paths (issue 16)', () => {
  it('unsigned ingest before a secret: 409 channel_not_ready, nothing stored, streamed or mailed', async () => {
    const r = await start();
    const ch = await createChannel(r.url);
    const res = await postWebhook(ch.ingestUrl, phishingBooking(2000));
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('channel_not_ready');
    expect((await pull(r.url, ch)).lastSeq).toBe(0);
    expect(await metricValue(r.url, 'relay_ingest_total', { outcome: 'not_ready' })).toBe(1);
    expect(smtp!.rcptAttempts).toEqual([]);
  });

  it('mail from an unverified channel: the event is relayed, nothing is sent, the refusal is counted', async () => {
    const r = await start();
    const ch = await createChannel(r.url);
    await setSecret(r.url, ch, SECRET);
    expect((await postWebhook(ch.ingestUrl, phishingBooking(3), { secret: SECRET })).status).toBe(200);
    expect((await pull(r.url, ch)).lastSeq).toBe(1);
    await eventually(
      async () => (await metricValue(r.url, 'relay_mail_refused_total', { reason: 'not_verified' })) === 1,
      10_000,
      'refusal',
    );
    expect(smtp!.rcptAttempts).toEqual([]);
    // And an anonymous channel cannot publish a page to phish from either.
    const page = await putProfile(r.url, ch, profileBody());
    expect(page.status).toBe(403);
    expect(await errorCode(page)).toBe('not_verified');
  });

  it('mail from a verified but unapproved consultant: nothing sent until an operator approves', async () => {
    const r = await start({ RELAY_APPROVAL: 'manual' });
    const { ch } = await verifiedChannel(r.url, sandboxUrl, { secret: SECRET });
    expect((await status(r.url, ch)).approval).toBe('pending');
    expect((await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.created), { secret: SECRET })).status).toBe(
      200,
    );
    await eventually(
      async () => (await metricValue(r.url, 'relay_mail_refused_total', { reason: 'not_approved' })) === 1,
      10_000,
      'refusal',
    );
    expect(smtp!.rcptAttempts).toEqual([]);
    expect((await adminDecide(r.url, 'dana-reyes', 'approve')).status).toBe(200);
    // Approved without a restart: the next event mails the VERIFIED organizer address, never the payload's.
    expect((await postWebhook(ch.ingestUrl, phishingBooking(2, 'after-approval'), { secret: SECRET })).status).toBe(
      200,
    );
    await eventually(() => smtp!.received.length === 2, 15_000, 'two emails');
    // The consultant and the booker; the second attendee is a guest and gets nothing from the relay.
    expect(smtp!.received.flatMap((m) => m.rcptTo).sort()).toEqual(['dana@example.com', 'victim0@example.net']);
  });

  it('guests as a spam cannon: a booking listing 30 guests mails the consultant and the booker only', async () => {
    const r = await start();
    const { ch } = await verifiedChannel(r.url, sandboxUrl, { secret: SECRET });
    expect((await postWebhook(ch.ingestUrl, phishingBooking(31), { secret: SECRET })).status).toBe(200);
    await eventually(() => smtp!.received.length === 2, 15_000, 'two emails');
    await new Promise((res) => setTimeout(res, 300));
    expect(smtp!.rcptAttempts.sort()).toEqual(['dana@example.com', 'victim0@example.net']);
    const dana = smtp!.received.find((m) => m.rcptTo.includes('dana@example.com'));
    expect(dana?.mail.text).toContain('Victim 30 <victim30@example.net>'); // the consultant still sees who attends
  });

  it('recipient cap: an event with more recipients than RELAY_MAIL_MAX_RECIPIENTS sends nothing at all', async () => {
    // Consultant and booker are the most an event mails now, so the guard shows only when set below 2.
    const r = await start({ RELAY_MAIL_MAX_RECIPIENTS: '1' });
    const { ch } = await verifiedChannel(r.url, sandboxUrl, { secret: SECRET });
    expect((await postWebhook(ch.ingestUrl, phishingBooking(30), { secret: SECRET })).status).toBe(200);
    await eventually(
      async () => (await metricValue(r.url, 'relay_mail_refused_total', { reason: 'too_many_recipients' })) === 1,
      10_000,
      'refusal',
    );
    expect(smtp!.rcptAttempts).toEqual([]);
    expect(r.logs()).toMatch(/"reason":"too_many_recipients","recipients":2,"max":1/);
  });

  it("daily cap: counts emails to attendees only; a booker booking and cancelling cannot stop the consultant's", async () => {
    const r = await start({ RELAY_MAIL_DAILY_CAP: '2' });
    const { ch } = await verifiedChannel(r.url, sandboxUrl, { secret: SECRET });
    const created = (uid: string) => phishingBooking(1, uid);
    const cancelled = (uid: string) => {
      const env = JSON.parse(created(uid)) as { triggerEvent: string; payload: Record<string, unknown> };
      env.triggerEvent = 'BOOKING_CANCELLED';
      env.payload.cancellationReason = 'changed my mind';
      env.payload.cancelledBy = 'victim0@example.net';
      return JSON.stringify(env);
    };
    for (const uid of ['u1', 'u2', 'u3']) {
      expect((await postWebhook(ch.ingestUrl, created(uid), { secret: SECRET })).status).toBe(200);
      expect((await postWebhook(ch.ingestUrl, cancelled(uid), { secret: SECRET })).status).toBe(200);
    }
    const to = (address: string) => smtp!.received.filter((m) => m.rcptTo.includes(address));
    await eventually(() => to('dana@example.com').length === 6, 15_000, "all six of the consultant's emails");
    await eventually(
      async () => (await metricValue(r.url, 'relay_mail_refused_total', { reason: 'daily_cap' })) === 4,
      10_000,
      'refusals',
    );
    await new Promise((res) => setTimeout(res, 300));
    expect(to('victim0@example.net')).toHaveLength(2);
    expect(smtp!.received).toHaveLength(8);
    // Every event still reached the app.
    expect((await pull(r.url, ch)).lastSeq).toBe(6);
  });

  it('slug squatting: another account takes "dana-reyes" first, Dana takes it back; her username stays reserved', async () => {
    const r = await start();
    const omar = await verifiedChannel(r.url, sandboxUrl, { username: 'omar-haddad' });
    expect((await putProfile(r.url, omar.ch, profileBody({ name: 'Not Dana', slug: 'dana-reyes' }))).status).toBe(200);
    expect(await (await fetch(`${r.url}/consultations/dana-reyes`)).text()).toContain('Not Dana');

    const dana = await verifiedChannel(r.url, sandboxUrl, { username: 'dana-reyes' });
    const taken = await putProfile(r.url, dana.ch, profileBody());
    expect(taken.status).toBe(200);
    expect(await taken.json()).toEqual({ slug: 'dana-reyes', url: `${r.url}/consultations/dana-reyes`, visible: true });
    const html = await (await fetch(`${r.url}/consultations/dana-reyes`)).text();
    expect(html).toContain('<h1>Dana Reyes</h1>');
    expect(html).not.toContain('Not Dana');
    expect((await status(r.url, omar.ch)).profile).toBeNull();

    // The squatter cannot take it again, and custom slugs are first come among verified accounts.
    const again = await putProfile(r.url, omar.ch, profileBody({ name: 'Not Dana', slug: 'dana-reyes' }));
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('slug_taken');
    expect((await putProfile(r.url, omar.ch, profileBody({ name: 'Omar', slug: 'calm-coach' }))).status).toBe(200);
    const custom = await putProfile(r.url, dana.ch, profileBody({ slug: 'calm-coach' }));
    expect(custom.status).toBe(409);
    expect(await errorCode(custom)).toBe('slug_taken');
    expect(await (await fetch(`${r.url}/consultations/calm-coach`)).text()).toContain('<h1>Omar</h1>');
  });

  it('a forged identity token: 401 invalid_calcom_token, the channel stays anonymous, the token is nowhere on disk or in logs', async () => {
    const r = await start();
    const ch = await createChannel(r.url);
    const forged = 'forged-token-9f8e7d6c5b4a39281706';
    const res = await presentIdentity(r.url, ch, { accessToken: forged, deviceId: newDeviceId() });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('invalid_calcom_token');
    expect(await status(r.url, ch)).toMatchObject({ identity: null, approval: 'none', emailsActive: false });
    // A real token, verified, is forgotten just the same.
    const real = await verifiedChannel(r.url, sandboxUrl);
    await r.relay.stop();
    const disk = dataFolderBytes(dir);
    for (const t of [forged, real.accessToken]) {
      expect(disk.includes(Buffer.from(t))).toBe(false);
      expect(r.logs()).not.toContain(t);
    }
    expect(r.logs()).toContain('channel verified');
  });

  it('a token from another Cal.com user: 409 account_mismatch, the channel stays bound to its own account', async () => {
    const r = await start();
    const dana = await verifiedChannel(r.url, sandboxUrl);
    const res = await presentIdentity(r.url, dana.ch, {
      accessToken: await accessTokenFor(sandboxUrl, 'omar-haddad'),
      deviceId: dana.deviceId,
    });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('account_mismatch');
    expect((await status(r.url, dana.ch)).identity?.username).toBe('dana-reyes');
  });

  it('the admin API without its token (401), with a wrong one (401), and on a relay without one (404): nothing changes', async () => {
    const r = await start({ RELAY_APPROVAL: 'manual' });
    const { ch } = await verifiedChannel(r.url, sandboxUrl);
    expect((await fetch(`${r.url}/api/admin/consultants`)).status).toBe(401);
    expect((await fetch(`${r.url}/api/admin/consultants/dana-reyes/approve`, { method: 'POST' })).status).toBe(401);
    const wrong = await adminDecide(r.url, 'dana-reyes', 'approve', 'x'.repeat(40));
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe('unauthorized');
    // The channel token is no admin token either.
    expect((await adminDecide(r.url, 'dana-reyes', 'approve', ch.token)).status).toBe(401);
    expect((await status(r.url, ch)).approval).toBe('pending');

    await r.relay.stop();
    // A relay started without RELAY_ADMIN_TOKEN has no admin API at all.
    const base = trustedConfig(dir, sandboxUrl);
    relay = await startRelay({ ...base, trust: { ...base.trust, adminToken: undefined } });
    expect((await adminDecide(relay.url, 'dana-reyes', 'approve')).status).toBe(404);
    expect((await fetch(`${relay.url}/api/admin/consultants`)).status).toBe(404);
  });

  it('Cal.com unreachable: 502 calcom_unavailable, the channel stays anonymous', async () => {
    dir = tempDir();
    relay = await startRelay(trustedConfig(dir, 'http://127.0.0.1:9'));
    const ch = await createChannel(relay.url);
    const res = await presentIdentity(relay.url, ch, { accessToken: 'whatever-token-value', deviceId: newDeviceId() });
    expect(res.status).toBe(502);
    expect(await errorCode(res)).toBe('calcom_unavailable');
    expect((await status(relay.url, ch)).identity).toBeNull();
  });
});
