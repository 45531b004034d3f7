import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelStatusSchema,
  presentIdentityResponseSchema,
  publishProfileResponseSchema,
  type CreateChannelResponse,
} from '../../../common/relay';
import type { Sandbox } from '../../calcom-sandbox';
import { eventually, metricValue } from '../../../tests/support/relay/relay-probe';
import {
  ADMIN_TOKEN,
  METRICS_TOKEN,
  newDeviceId,
  presentIdentity,
  profileBody,
  putProfile,
  startTestSandbox,
  trustedConfig,
  verifiedChannel,
} from '../../../tests/support/relay/verified-channel';
import { runAdminCli } from '../admin-cli';
import { sandboxEnvelopes } from '../../../tests/support/relay/mail/mail-fixtures';
import { startTestSmtp } from '../../../tests/support/relay/mail/smtp-test-server';
import {
  createChannel,
  postWebhook,
  readSse,
  TEST_SECRET,
  relaysPerTest,
} from '../../../tests/support/relay/relay-test-kit';

/** Identity, channel status, approval and the operator's tools (issue 16), over HTTP against the real sandbox. */
let sandbox: Sandbox;
let sandboxUrl = '';
beforeAll(async () => {
  ({ sandbox, url: sandboxUrl } = await startTestSandbox());
});
afterAll(() => sandbox.stop());
const start = relaysPerTest((dir, env) => trustedConfig(dir, sandboxUrl, env)).start;
const auth = (ch: CreateChannelResponse) => ({ authorization: `Bearer ${ch.token}` });
const status = async (url: string, ch: CreateChannelResponse) => {
  const res = await fetch(`${url}/api/channels/${ch.id}`, { headers: auth(ch) });
  expect(res.status).toBe(200);
  return channelStatusSchema.parse(await res.json());
};

describe('POST /api/channels/:id/identity and GET /api/channels/:id', () => {
  it('binds a channel to the Cal.com account /v2/me names; the status says what the app shows', async () => {
    const r = await start();
    const ch = await createChannel(r.url);
    expect(await status(r.url, ch)).toEqual({
      id: ch.id,
      secretSet: false,
      identity: null,
      approval: 'none',
      profile: null,
      otherDeviceSince: null,
      emailsActive: false,
    });
    const v = await verifiedChannel(r.url, sandboxUrl);
    expect(v.identity).toMatchObject({
      identity: { userId: 48213, username: 'dana-reyes', email: 'dana@example.com', timeZone: 'America/Chicago' },
      approval: 'approved',
      replacedChannels: 0,
    });
    const published = publishProfileResponseSchema.parse(
      await (await putProfile(r.url, v.ch, profileBody({ emailsEnabled: false }))).json(),
    );
    expect(published).toEqual({ slug: 'dana-reyes', url: `${r.url}/consultations/dana-reyes`, visible: true });
    expect(await status(r.url, v.ch)).toMatchObject({
      secretSet: true,
      approval: 'approved',
      identity: { username: 'dana-reyes' },
      profile: { slug: 'dana-reyes', visible: true },
      emailsActive: false,
    });
    // The status of a channel needs its token, like everything else about it.
    expect((await fetch(`${r.url}/api/channels/${v.ch.id}`, { headers: auth(ch) })).status).toBe(401);
  });

  it('a new channel of the same account and device replaces the old one (deleted, stream ended, page gone)', async () => {
    const r = await start();
    const deviceId = newDeviceId();
    const old = await verifiedChannel(r.url, sandboxUrl, { deviceId });
    expect((await putProfile(r.url, old.ch, profileBody())).status).toBe(200);
    const stream = readSse(old.ch.streamUrl, auth(old.ch), 'never-appears', 8000);
    await new Promise((res) => setTimeout(res, 200));
    const fresh = await verifiedChannel(r.url, sandboxUrl, { deviceId, accessToken: old.accessToken });
    expect(fresh.identity.replacedChannels).toBe(1);
    const ended = await stream;
    expect(ended.status).toBe(200);
    expect((await fetch(`${r.url}/api/channels/${old.ch.id}/events`, { headers: auth(old.ch) })).status).toBe(401);
    expect((await fetch(`${r.url}/consultations/dana-reyes`)).status).toBe(404);
    expect((await status(r.url, fresh.ch)).otherDeviceSince).toBeNull();
  });

  it('the same account on another device: both live, the older one learns otherDeviceSince', async () => {
    const r = await start();
    const first = await verifiedChannel(r.url, sandboxUrl);
    const second = await verifiedChannel(r.url, sandboxUrl, { accessToken: first.accessToken });
    expect(second.identity.replacedChannels).toBe(0);
    const s = await status(r.url, first.ch);
    expect(s.otherDeviceSince).not.toBeNull();
    expect(Date.parse(s.otherDeviceSince as string)).toBeGreaterThan(Date.now() - 60_000);
    expect((await status(r.url, second.ch)).otherDeviceSince).toBeNull();
  });

  it('400 on a bad body (naming the field, never its value), 415 on non-JSON, 401 without the channel token', async () => {
    const r = await start();
    const ch = await createChannel(r.url);
    const bad = await presentIdentity(r.url, ch, { accessToken: 'secret-looking-token-value', deviceId: 'x' });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('deviceId');
    expect(text).not.toContain('secret-looking-token-value');
    expect(
      (await presentIdentity(r.url, ch, { accessToken: 'a'.repeat(20), deviceId: newDeviceId(), extra: 1 })).status,
    ).toBe(400);
    // A token that could not travel in a header (it once failed as a 500 when sent on to Cal.com).
    const split = await presentIdentity(r.url, ch, {
      accessToken: 'secret-looking\r\nX-Injected: 1',
      deviceId: newDeviceId(),
    });
    expect(split.status).toBe(400);
    const splitText = await split.text();
    expect(splitText).toContain('accessToken');
    expect(splitText).not.toContain('secret-looking');
    const form = await fetch(`${r.url}/api/channels/${ch.id}/identity`, {
      method: 'POST',
      headers: { ...auth(ch), 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(form.status).toBe(415);
    const noAuth = await fetch(`${r.url}/api/channels/${ch.id}/identity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noAuth.status).toBe(401);
  });

  it('rate-limits identity attempts per IP (429), so the relay is no token-checking oracle', async () => {
    const r = await start({ RELAY_RATE_LIMIT_IDENTITY_PER_MIN: '2' });
    const ch = await createChannel(r.url);
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push(
        (await presentIdentity(r.url, ch, { accessToken: `forged-token-${i}-abcdef`, deviceId: newDeviceId() })).status,
      );
    expect(codes).toEqual([401, 401, 429]);
  });
});

describe('approval (RELAY_APPROVAL=manual) with the admin API and the CLI', () => {
  it('pending → page "not available yet", no mail; approve with the CLI → visible at once; suspend → hidden again', async () => {
    const r = await start({ RELAY_APPROVAL: 'manual' });
    const { ch, identity } = await verifiedChannel(r.url, sandboxUrl);
    expect(presentIdentityResponseSchema.parse(identity).approval).toBe('pending');
    const put = publishProfileResponseSchema.parse(await (await putProfile(r.url, ch, profileBody())).json());
    expect(put.visible).toBe(false);
    const hidden = await fetch(`${r.url}/consultations/dana-reyes`);
    expect(hidden.status).toBe(404);
    const hiddenHtml = await hidden.text();
    expect(hiddenHtml).toContain('Not available yet');
    expect(hiddenHtml).not.toContain('Dana Reyes');
    expect(hiddenHtml).not.toContain('cal.example');
    expect(await status(r.url, ch)).toMatchObject({
      approval: 'pending',
      profile: { visible: false },
      emailsActive: false,
    });

    const lines: string[] = [];
    const env = { RELAY_ADMIN_URL: r.url, RELAY_ADMIN_TOKEN: ADMIN_TOKEN };
    expect(await runAdminCli(['list'], env, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/dana-reyes\s+pending\s+1\s+dana-reyes\s+dana@example.com/);
    expect(await runAdminCli(['approve', 'dana-reyes'], env, (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toBe('dana-reyes is now approved.');
    expect(await (await fetch(`${r.url}/consultations/dana-reyes`)).text()).toContain('<h1>Dana Reyes</h1>');
    expect(await status(r.url, ch)).toMatchObject({
      approval: 'approved',
      profile: { visible: true },
      emailsActive: true,
    });

    expect(await runAdminCli(['suspend', 'dana-reyes'], env, (l) => lines.push(l))).toBe(0);
    expect((await fetch(`${r.url}/consultations/dana-reyes`)).status).toBe(404);
    expect((await status(r.url, ch)).approval).toBe('suspended');
    // Re-verifying does not lift a suspension.
    await verifiedChannel(r.url, sandboxUrl);
    expect((await status(r.url, ch)).approval).toBe('suspended');

    // The CLI's failures are clear and non-zero.
    expect(await runAdminCli(['approve', 'nobody-here'], env, (l) => lines.push(l))).toBe(1);
    expect(lines.at(-1)).toMatch(/^404 not_found/);
    expect(await runAdminCli(['list'], { ...env, RELAY_ADMIN_TOKEN: 'wrong'.repeat(8) }, (l) => lines.push(l))).toBe(1);
    expect(lines.at(-1)).toMatch(/^401 unauthorized/);
    expect(await runAdminCli(['approve'], env, (l) => lines.push(l))).toBe(2);
    expect(await runAdminCli(['list'], { RELAY_ADMIN_URL: r.url }, (l) => lines.push(l))).toBe(2);
  });

  it('GET /api/admin/consultants lists one row per verified account', async () => {
    const r = await start({ RELAY_APPROVAL: 'manual' });
    await verifiedChannel(r.url, sandboxUrl);
    await verifiedChannel(r.url, sandboxUrl, { username: 'omar-haddad' });
    const res = await fetch(`${r.url}/api/admin/consultants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { consultants } = (await res.json()) as {
      consultants: Array<{ username: string; approval: string; channels: number }>;
    };
    expect(consultants.map((c) => [c.username, c.approval, c.channels])).toEqual([
      ['dana-reyes', 'pending', 1],
      ['omar-haddad', 'pending', 1],
    ]);
  });
});

describe('mail switches', () => {
  it("a verified, approved consultant's emailsEnabled:false still turns mail off; turning it on mails later events", async () => {
    const smtp = await startTestSmtp();
    try {
      const r = await start({ SMTP_URL: smtp.url, MAIL_FROM: 'mail@relay.example' });
      const { ch } = await verifiedChannel(r.url, sandboxUrl, { secret: TEST_SECRET });
      expect((await putProfile(r.url, ch, profileBody({ emailsEnabled: false }))).status).toBe(200);
      expect((await status(r.url, ch)).emailsActive).toBe(false);
      expect(
        (await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.created), { secret: TEST_SECRET })).status,
      ).toBe(200);
      await new Promise((res) => setTimeout(res, 500));
      expect((await putProfile(r.url, ch, profileBody({ emailsEnabled: true }))).status).toBe(200);
      expect((await status(r.url, ch)).emailsActive).toBe(true);
      expect(
        (await postWebhook(ch.ingestUrl, JSON.stringify(sandboxEnvelopes.cancelled), { secret: TEST_SECRET })).status,
      ).toBe(200);
      await eventually(() => smtp.received.length >= 2, 15_000, 'cancellation emails');
      await new Promise((res) => setTimeout(res, 300));
      expect(smtp.received.map((m) => m.mail.subject?.split(':')[0])).toEqual(['Cancelled', 'Cancelled']);
      // Nothing was refused: the consultant's own switch is not an abuse refusal.
      expect(await metricValue(r.url, 'relay_mail_refused_total')).toBe(0);
    } finally {
      await smtp.close();
    }
  });
});

describe('operational limits', () => {
  it('/metrics needs RELAY_METRICS_TOKEN (401 without or wrong), and does not exist without one configured (404)', async () => {
    const r = await start();
    expect((await fetch(`${r.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${r.url}/metrics`, { headers: { authorization: 'Bearer wrong-metrics-token-000' } })).status,
    ).toBe(401);
    const ok = await fetch(`${r.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('relay_ingest_total');
    const closed = await start({ RELAY_METRICS_TOKEN: '' });
    expect(
      (await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(404);
  });

  it('limits channel creation per IP separately (429 after RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR)', async () => {
    const r = await start({ RELAY_RATE_LIMIT_CHANNEL_CREATE_PER_HOUR: '2' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await fetch(`${r.url}/api/channels`, { method: 'POST' })).status);
    expect(codes).toEqual([201, 201, 429]);
    // Other API calls are not affected by the creation limit.
    expect(await metricValue(r.url, 'relay_ingest_total')).toBe(0);
  });

  it('warns once when X-Forwarded-For arrives while RELAY_TRUST_PROXY is off, and not when it is on', async () => {
    const r = await start();
    for (let i = 0; i < 3; i++) await fetch(`${r.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    await eventually(() => r.logs().includes('RELAY_TRUST_PROXY is off'), 2000, 'warning');
    expect(r.logs().split('RELAY_TRUST_PROXY is off').length - 1).toBe(1);
    const trusted = await start({ RELAY_TRUST_PROXY: 'loopback' });
    await fetch(`${trusted.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    await new Promise((res) => setTimeout(res, 100));
    expect(trusted.logs()).not.toContain('RELAY_TRUST_PROXY is off');
  });
});
