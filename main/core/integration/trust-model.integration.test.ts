import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAdminCli } from '../../../server/relay/admin-cli';
import type { AppCoreOverrides } from '../app-core';
import type { Stack, TestCore } from '../../../tests/support/app/connect-harness';
import {
  consent,
  FakeSyncEngine,
  followRedirect,
  makeCore,
  startStack,
} from '../../../tests/support/app/connect-harness';
import type { IntegrationRecord } from './integration-records';
import { recordKeys } from './integration-records';

/**
 * The app side of the relay's trust model (issue 16), against the real relay and Cal.com sandbox over loopback:
 * identity at connect, approval shown and polled, no orphans on reconnect, a lost channel re-created, another computer.
 */
const fast: AppCoreOverrides = {
  channelPollMs: 150,
  offlineProbeMs: 100,
  healGuard: { baseDelayMs: 50, maxPerHour: 5 },
};
const integration = (c: TestCore) => c.settings.readRecord<IntegrationRecord>(recordKeys.integration);
const cores: TestCore[] = [];

async function core(stack: Stack, overrides: AppCoreOverrides = fast): Promise<TestCore> {
  const c = await makeCore(stack, { overrides });
  cores.push(c);
  return c;
}

async function connectAs(c: TestCore, username: string, switchAccount = false): Promise<void> {
  const { authorizeUrl } = await c.core.handlers.connect({ switchAccount });
  await followRedirect(await consent(authorizeUrl, 'allow', username), c.core);
  await c.waitFor((s) => s.connection.status === 'connected' && s.connection.username === username);
}

const pageStatus = async (stack: Stack, slug: string) =>
  (await fetch(`${stack.relayUrl}/consultations/${slug}`)).status;

afterEach(async () => {
  while (cores.length) await cores.pop()?.dispose();
});

describe('relay in auto approval (development default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(async () => {
    FakeSyncEngine.instances = [];
    await stack.freshSandbox();
  });

  it('connect presents the Cal.com identity: the channel is verified and approved, the profile is public', async () => {
    const t = await core(stack);
    await connectAs(t, 'dana-reyes');
    const rec = integration(t);
    expect(rec).toMatchObject({
      approval: 'approved',
      identity: { username: 'dana-reyes', email: 'dana@example.com' },
    });
    const token = t.keychain.entries.get('relay:token') as string;
    const status = await fetch(`${stack.relayUrl}/api/channels/${rec?.channel.channelId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await status.json()).toMatchObject({
      secretSet: true,
      approval: 'approved',
      identity: { username: 'dana-reyes' },
      profile: { slug: 'dana-reyes', visible: true },
    });
    const state = await t.waitFor((s) => s.connection.profileVisible === true);
    expect(state.connection).toMatchObject({
      approval: 'approved',
      profileAnswer: { status: 'saved', slug: 'dana-reyes' },
    });
    expect(await pageStatus(stack, 'dana-reyes')).toBe(200);
  });

  it('reconnecting as another account leaves no webhook, channel or profile of the first one behind', async () => {
    const t = await core(stack);
    await connectAs(t, 'dana-reyes');
    const first = integration(t) as IntegrationRecord;
    const firstToken = t.keychain.entries.get('relay:token') as string;
    expect(stack.sandbox.listWebhooks('dana-reyes')).toHaveLength(1);
    expect(await pageStatus(stack, 'dana-reyes')).toBe(200);

    await connectAs(t, 'omar-haddad', true);
    const second = integration(t) as IntegrationRecord;
    expect(second.channel.channelId).not.toBe(first.channel.channelId);
    expect(stack.sandbox.listWebhooks('dana-reyes')).toEqual([]);
    const oldChannel = await fetch(`${stack.relayUrl}/api/channels/${first.channel.channelId}`, {
      headers: { authorization: `Bearer ${firstToken}` },
    });
    expect(oldChannel.status).toBe(401);
    expect(await pageStatus(stack, 'dana-reyes')).toBe(404);
    expect(stack.sandbox.listWebhooks('omar-haddad').map((w) => w.subscriberUrl)).toEqual([second.channel.ingestUrl]);
    expect(await pageStatus(stack, 'omar-haddad')).toBe(200);
  });

  it('the relay lost its data: the app re-creates its channel, re-points the webhook, republishes and says so', async () => {
    const t = await core(stack);
    await connectAs(t, 'dana-reyes');
    const before = integration(t) as IntegrationRecord;
    const hookId = stack.sandbox.listWebhooks('dana-reyes')[0]?.id;

    await stack.restartRelay({ wipe: true });
    const healed = await t.waitFor((s) => s.connection.notice !== undefined, 15_000);
    expect(healed.connection.notice?.message).toMatch(/lost your connection/);
    const after = integration(t) as IntegrationRecord;
    expect(after.channel.channelId).not.toBe(before.channel.channelId);
    expect(after.channel.relayUrl).toBe(before.channel.relayUrl);
    // The same Cal.com webhook, pointed at the new channel (no second webhook).
    expect(stack.sandbox.listWebhooks('dana-reyes').map((w) => [w.id, w.subscriberUrl])).toEqual([
      [hookId, after.channel.ingestUrl],
    ]);
    await expect.poll(() => pageStatus(stack, 'dana-reyes'), { timeout: 5_000 }).toBe(200);
    // Sync restarted on the new channel (its start reconciles with Cal.com).
    expect(FakeSyncEngine.instances.at(-1)?.deps.channel.channelId).toBe(after.channel.channelId);
    expect(t.events.some((e) => e.type === 'toast' && /lost your connection/.test(e.message))).toBe(true);
  });

  it('Settings → Profile address: the relay answers taken or saved, and the app shows which', async () => {
    const omar = await core(stack);
    await connectAs(omar, 'omar-haddad');
    await omar.waitFor((s) => s.connection.profileAnswer?.status === 'saved');
    const dana = await core(stack);
    await connectAs(dana, 'dana-reyes');

    await dana.core.handlers.updateSettings({ profile: { slug: 'omar-haddad' } });
    const taken = (await dana.state()).connection.profileAnswer;
    expect(taken).toMatchObject({ status: 'taken', slug: 'omar-haddad' });
    expect(taken?.message).toMatch(/already taken/);
    expect(dana.events.some((e) => e.type === 'toast' && /already taken/.test(e.message))).toBe(true);

    await dana.core.handlers.updateSettings({
      profile: { slug: 'dana-wellness', photoUrl: 'https://images.example.com/dana.jpg' },
    });
    expect((await dana.state()).connection).toMatchObject({
      profileAnswer: { status: 'saved', slug: 'dana-wellness', url: `${stack.relayUrl}/consultations/dana-wellness` },
      profileUrl: `${stack.relayUrl}/consultations/dana-wellness`,
    });
    expect(await pageStatus(stack, 'dana-wellness')).toBe(200);
    // Emptying the field (null) goes back to the Cal.com username.
    await dana.core.handlers.updateSettings({ profile: { slug: null, photoUrl: null } });
    expect((await dana.core.handlers.getSettings({})).profile).not.toHaveProperty('slug');
    expect((await dana.state()).connection.profileAnswer).toMatchObject({ status: 'saved', slug: 'dana-reyes' });
  });

  it('the same account on another computer: the first app learns it from the relay', async () => {
    const first = await core(stack);
    await connectAs(first, 'dana-reyes');
    const second = await core(stack);
    await connectAs(second, 'dana-reyes');
    const seen = await first.waitFor((s) => s.connection.otherDeviceSince !== undefined, 10_000);
    expect(seen.connection.status).toBe('connected');
    // When Cal.com then refuses this computer's refresh token, the state says why instead of a bare "reconnect".
    first.settings.writeRecord(recordKeys.integration, { ...integration(first), reconnectNeeded: true });
    const state = await first.state();
    expect(state.connection).toMatchObject({ status: 'reconnect-needed', error: { code: 'other_computer' } });
    expect(state.connection.error?.message).toMatch(/^Connected on another computer/);
  });
});

describe('relay in manual approval', () => {
  let stack: Stack;
  const adminToken = randomBytes(24).toString('hex');
  beforeAll(async () => {
    stack = await startStack({ RELAY_APPROVAL: 'manual', RELAY_ADMIN_TOKEN: adminToken });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('"waiting for approval" until the operator approves with the CLI; the app updates without a restart', async () => {
    const t = await core(stack);
    await connectAs(t, 'dana-reyes');
    const pending = await t.waitFor(
      (s) => s.connection.approval === 'pending' && s.connection.profileVisible === false,
    );
    expect(pending.connection.profileAnswer?.message).toMatch(/once LifeScore has approved/);
    expect(await pageStatus(stack, 'dana-reyes')).toBe(404);

    const out: string[] = [];
    const env = { RELAY_ADMIN_TOKEN: adminToken, RELAY_ADMIN_URL: stack.relayUrl };
    expect(await runAdminCli(['approve', 'dana-reyes'], env, (l) => out.push(l))).toBe(0);
    expect(out).toEqual(['dana-reyes is now approved.']);

    const approved = await t.waitFor(
      (s) => s.connection.approval === 'approved' && s.connection.profileVisible === true,
      5_000,
    );
    expect(approved.connection.emailsActive).toBe(true);
    expect(await pageStatus(stack, 'dana-reyes')).toBe(200);

    expect(await runAdminCli(['suspend', 'dana-reyes'], env, () => undefined)).toBe(0);
    await t.core.handlers.refreshChannelStatus({});
    expect((await t.state()).connection).toMatchObject({ approval: 'suspended', profileVisible: false });
  });
});
