import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bookingTriggers } from '../../common/calcom';
import type { AppFailure } from '../../common/errors';
import type { FetchFn } from './ports';
import type { Stack, TestCore } from '../../tests/support/app/connect-harness';
import { consent, FakeSyncEngine, followRedirect, makeCore, startStack } from '../../tests/support/app/connect-harness';
import type { ConnectStepName, IntegrationRecord, PendingCleanup } from './integration/integration-records';
import { recordKeys } from './integration/integration-records';
import { createSyncEngine } from './sync/sync-engine';

/** app-core against the real Cal.com sandbox and the real relay over loopback (DESIGN.md §3, issue 5). */
let stack: Stack;
let t: TestCore;
const cores: TestCore[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(async () => {
  FakeSyncEngine.instances = [];
  // A fresh consultant state per test.
  await stack.freshSandbox();
});
afterEach(async () => {
  while (cores.length) await cores.pop()?.dispose();
});

async function core(opts: Parameters<typeof makeCore>[1] = {}): Promise<TestCore> {
  const c = await makeCore(stack, opts);
  cores.push(c);
  return c;
}

/** Connect end to end through the browser and the loopback redirect. */
async function connectThroughBrowser(c: TestCore, decision: 'allow' | 'deny' = 'allow') {
  const { authorizeUrl } = await c.core.handlers.connect({});
  expect(c.opened.at(-1)).toBe(authorizeUrl);
  const page = await followRedirect(await consent(authorizeUrl, decision), c.core);
  return { authorizeUrl, page };
}

const ours = () => stack.sandbox.listEventTypes('dana-reyes').filter((e) => e.slug.startsWith('consultation-'));
const integration = (c: TestCore) => c.settings.readRecord<IntegrationRecord>(recordKeys.integration);

describe('connect', () => {
  it('connects end to end: event types, relay channel, signed webhook, record, sync started; no token leaks', async () => {
    t = await core();
    const { page } = await connectThroughBrowser(t);
    expect(page.status).toBe(200);
    expect(page.body).toContain('You can close this tab and return to LifeScore Consultant');
    const s = await t.waitFor((x) => x.connection.status === 'connected');

    expect(s.connection.username).toBe('dana-reyes');
    expect(s.connection.eventTypes.map((e) => [e.duration, e.slug, e.title, e.hidden])).toEqual([
      [30, 'consultation-30min', '30 Min Consultation', false],
      [60, 'consultation-60min', '60 Min Consultation', false],
      [90, 'consultation-90min', '90 Min Consultation', false],
    ]);
    expect(s.connection.eventTypes[0]?.link).toBe(`${stack.calcomUrl}/dana-reyes/consultation-30min`);
    expect(ours()).toHaveLength(3);

    const rec = integration(t);
    expect(rec).toMatchObject({
      isConnected: true,
      username: 'dana-reyes',
      webhookId: expect.any(String),
      connectedAt: expect.any(String),
    });
    const hooks = stack.sandbox.listWebhooks('dana-reyes');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      id: rec?.webhookId,
      subscriberUrl: rec?.channel.ingestUrl,
      active: true,
      secret: t.keychain.entries.get('webhook:secret'),
    });
    expect([...(hooks[0]?.triggers ?? [])].sort()).toEqual([...bookingTriggers].sort());
    expect([...t.keychain.entries.keys()].sort()).toEqual([
      'calcom:access',
      'calcom:expires',
      'calcom:refresh',
      'relay:token',
      'webhook:secret',
    ]);

    // The sync engine got the channel and its token from the keychain.
    const engine = FakeSyncEngine.instances.at(-1);
    expect(engine?.started).toBe(1);
    expect(engine?.deps.channel).toEqual({
      relayUrl: stack.relayUrl,
      channelId: rec?.channel.channelId,
      token: t.keychain.entries.get('relay:token'),
      streamUrl: rec?.channel.streamUrl,
    });
    expect(await engine?.deps.webhookSecret()).toBe(t.keychain.entries.get('webhook:secret'));

    // A booking reaches the relay and passes its signature check: the secret was registered there.
    const when = new Date(Date.now() + 7 * 86400_000);
    when.setUTCHours(15, 0, 0, 0);
    const booked = await stack.sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-30min',
      start: when.toISOString(),
      attendee: { name: 'Ana', email: 'ana@example.com', timeZone: 'Europe/Lisbon' },
    });
    expect(booked.deliveries.map((d) => d.status)).toEqual([202].map(() => expect.any(Number)));
    expect(booked.deliveries[0]?.status).toBeLessThan(300);

    // The public profile is published best effort (its page is the relay's business, issue 8): when the relay
    // serves PUT /api/channels/:id/profile the state links it; when it does not, connect still succeeded without it.
    const probe = await fetch(`${stack.relayUrl}/api/channels/${rec?.channel.channelId}/profile`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.keychain.entries.get('relay:token')}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (probe.status === 404) expect(s.connection.profileUrl).toBeUndefined();
    else expect(s.connection.profileUrl).toBe(`${stack.relayUrl}/consultations/dana-reyes`);

    // Secrets never leave the core.
    const secrets = ['calcom:access', 'calcom:refresh', 'relay:token', 'webhook:secret'].map(
      (k) => t.keychain.entries.get(k) as string,
    );
    const exposed = JSON.stringify([
      s,
      t.events,
      await t.core.handlers.getSettings({}),
      [...t.settings.records.entries()],
    ]);
    for (const secret of secrets) expect(exposed).not.toContain(secret);
  });

  it('works through the relay bounce page and lifescore:// (form a), ignoring a wrong state', async () => {
    t = await core({ redirectUri: stack.bounceRedirect });
    const { authorizeUrl } = await t.core.handlers.connect({});
    const location = await consent(authorizeUrl);
    const state = location.searchParams.get('state') as string;
    const code = location.searchParams.get('code') as string;
    // A forged/old callback with another state is ignored, the attempt keeps waiting.
    await t.core.handleDeepLink(`lifescore://calcom/callback?code=${code}&state=${state.slice(0, -2)}xx`);
    await t.core.handleDeepLink('lifescore://calcom/callback?code=x');
    await t.core.handleDeepLink('nonsense');
    expect((await t.state()).connection).toMatchObject({
      status: 'connecting',
      step: 'waiting-for-browser',
      authorizeUrl,
    });
    await followRedirect(location, t.core);
    expect((await t.state()).connection.status).toBe('connected');
  });

  it('denied consent leaves nothing behind', async () => {
    t = await core();
    const before = ours().length;
    await connectThroughBrowser(t, 'deny');
    const s = await t.waitFor((x) => x.connection.status !== 'connecting');
    expect(s.connection).toMatchObject({ status: 'disconnected', error: { code: 'oauth_denied' } });
    expect(ours()).toHaveLength(before);
    expect(t.keychain.entries.size).toBe(0);
  });

  it('an already-used (expired) code ends as oauth_expired', async () => {
    // The "browser" replays the code once before the app exchanges it, as a stale or stolen code would be.
    const replayFirst: FetchFn = async (input, init) => {
      if (String(input).endsWith('/v2/auth/oauth2/token') && String(init?.body).includes('authorization_code'))
        await fetch(input, init);
      return fetch(input, init);
    };
    t = await core({ ports: { fetch: replayFirst } });
    await connectThroughBrowser(t);
    const s = await t.waitFor((x) => x.connection.status !== 'connecting');
    expect(s.connection).toMatchObject({ status: 'disconnected', error: { code: 'oauth_expired' } });
  });

  it('a state older than its lifetime is refused', async () => {
    t = await core({ overrides: { stateTtlMs: 50 } });
    const { authorizeUrl } = await t.core.handlers.connect({});
    await new Promise((r) => setTimeout(r, 120));
    const s = await t.state();
    expect(s.connection).toMatchObject({ status: 'disconnected', error: { code: 'oauth_expired' } });
    void authorizeUrl;
  });

  it('refuses to start without an enabled service, before anything is created', async () => {
    t = await core();
    await t.core.handlers.setServices({ 30: false, 60: false, 90: false });
    await expect(t.core.handlers.connect({})).rejects.toMatchObject({ code: 'no_services_enabled' });
    expect(t.opened).toEqual([]);
  });

  it('a new connect cancels the pending one', async () => {
    t = await core();
    const first = await t.core.handlers.connect({});
    const second = await t.core.handlers.connect({});
    expect(second.authorizeUrl).not.toBe(first.authorizeUrl);
    const stale = await consent(first.authorizeUrl);
    const res = await fetch(stale);
    expect(res.status).toBe(400);
    expect((await t.state()).connection.status).toBe('connecting');
    await followRedirect(await consent(second.authorizeUrl), t.core);
    await t.waitFor((x) => x.connection.status === 'connected');
  });
});

describe('loopback listener', () => {
  it('listens only while an attempt is pending', async () => {
    t = await core();
    const port = new URL(stack.loopbackRedirect).port;
    const probe = () =>
      fetch(`http://127.0.0.1:${port}/calcom/callback?state=x`).then(
        (r) => r.status,
        () => 'refused',
      );
    expect(await probe()).toBe('refused');
    await t.core.handlers.connect({});
    expect(await probe()).toBe(400);
    await t.core.handlers.cancelConnect({});
    expect(await probe()).toBe('refused');
    expect((await t.state()).connection.status).toBe('disconnected');
  });
});

describe('resumable connect', () => {
  const steps: ConnectStepName[] = ['me', 'event-types', 'channel', 'secret', 'webhook'];
  it.each(steps)('interrupted after "%s", then resumed: no duplicate event types or webhooks', async (step) => {
    let interrupt = true;
    t = await core({
      overrides: {
        afterConnectStep: (s) => {
          if (s === step && interrupt) {
            interrupt = false;
            throw Object.assign(new Error('power cut'), {});
          }
        },
      },
    });
    await connectThroughBrowser(t);
    const failed = await t.waitFor((x) => x.connection.status !== 'connecting');
    expect(failed.connection.status).toBe('error');
    // After a restart the interrupted attempt is visible, and Connect finishes it.
    await t.core.stop();
    t = await core({ keychain: t.keychain, settings: t.settings, dataDir: t.dataDir });
    expect((await t.state()).connection).toMatchObject({
      status: 'error',
      error: { message: expect.stringMatching(/interrupted/) },
    });
    await connectThroughBrowser(t);
    const s = await t.waitFor((x) => x.connection.status === 'connected');
    expect(ours()).toHaveLength(3);
    const hooks = stack.sandbox.listWebhooks('dana-reyes');
    expect(hooks.filter((h) => h.subscriberUrl === integration(t)?.channel.ingestUrl)).toHaveLength(1);
    expect(s.connection.eventTypes).toHaveLength(3);
  });
});

describe('while connected', () => {
  it('setServices hides and re-shows event types', async () => {
    t = await core();
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    const s = await t.core.handlers.setServices({ 30: true, 60: true, 90: false });
    expect(s.services).toEqual({ 30: true, 60: true, 90: false });
    expect(s.connection.eventTypes.find((e) => e.duration === 90)?.hidden).toBe(true);
    expect(ours().find((e) => e.slug === 'consultation-90min')?.hidden).toBe(true);
    await t.core.handlers.setServices({ 30: true, 60: true, 90: true });
    expect(ours().find((e) => e.slug === 'consultation-90min')?.hidden).toBe(false);
  });

  it('refreshes once when the access token expires mid-session, saving the rotated refresh token', async () => {
    t = await core();
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    const oldRefresh = t.keychain.entries.get('calcom:refresh');
    stack.sandbox.expireAccessTokens();
    await t.core.handlers.setServices({ 30: true, 60: false, 90: true });
    expect(t.keychain.entries.get('calcom:refresh')).not.toBe(oldRefresh);
    expect((await t.state()).connection.status).toBe('connected');
  });

  it('a revoked refresh token moves to reconnect-needed without a retry storm; reconnecting clears it', async () => {
    let tokenCalls = 0;
    const counting: FetchFn = (input, init) => {
      if (String(input).endsWith('/v2/auth/oauth2/token') && String(init?.body).includes('refresh_token')) tokenCalls++;
      return fetch(input, init);
    };
    t = await core({ ports: { fetch: counting } });
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    stack.sandbox.revokeRefreshTokens('dana-reyes');
    stack.sandbox.expireAccessTokens();
    await expect(t.core.handlers.setServices({ 30: true, 60: true, 90: false })).rejects.toMatchObject({
      code: 'reconnect_needed',
    } satisfies Partial<AppFailure>);
    // Later changes are kept locally and applied on reconnect; nobody hammers the token endpoint.
    await t.core.handlers.setServices({ 30: true, 60: true, 90: false });
    await t.core.handlers.setServices({ 30: true, 60: true, 90: true });
    expect(tokenCalls).toBe(1);
    expect(t.notified).toEqual(['Reconnect Cal.com']);
    expect((await t.state()).connection).toMatchObject({
      status: 'reconnect-needed',
      error: { code: 'reconnect_needed' },
    });
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    expect(
      stack.sandbox.listWebhooks('dana-reyes').filter((h) => h.subscriberUrl === integration(t)?.channel.ingestUrl),
    ).toHaveLength(1);
  });

  it('a failed reconnect keeps the live relay subscription of the recorded connection', async () => {
    let failSetup = false;
    t = await core({
      overrides: {
        afterConnectStep: (step) => {
          if (failSetup && step === 'me') throw new Error('Cal.com hiccup');
        },
      },
    });
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    stack.sandbox.revokeRefreshTokens('dana-reyes');
    stack.sandbox.expireAccessTokens();
    await expect(t.core.handlers.setServices({ 30: true, 60: true, 90: false })).rejects.toMatchObject({
      code: 'reconnect_needed',
    });
    failSetup = true;
    await connectThroughBrowser(t);
    const s = await t.waitFor((x) => x.connection.status !== 'connecting');
    expect(s.connection.status).toBe('reconnect-needed');
    const engine = FakeSyncEngine.instances.at(-1);
    expect(engine && engine.started > engine.stopped).toBe(true);
  });

  it('retries a 500 and waits out a 429 from the API', async () => {
    const sleeps: number[] = [];
    t = await core({ ports: { sleep: async (ms) => void sleeps.push(ms) } });
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    stack.sandbox.setFaults({ api: [{ mode: '500', times: 2, path: '^/v2/event-types' }] });
    await t.core.handlers.setServices({ 30: true, 60: true, 90: false });
    expect(sleeps).toHaveLength(2);
    stack.sandbox.setFaults({ api: [{ mode: '429', times: 1, path: '^/v2/event-types' }] });
    await t.core.handlers.setServices({ 30: true, 60: true, 90: true });
    expect(sleeps[2]).toBeGreaterThanOrEqual(60_000);
    stack.sandbox.setFaults({ api: [{ mode: '500', path: '^/v2/event-types' }] });
    await expect(t.core.handlers.setServices({ 30: true, 60: false, 90: true })).rejects.toMatchObject({
      code: 'calcom_unavailable',
    });
    // The failed change is not saved: settings still say what Cal.com has.
    expect((await t.state()).services).toEqual({ 30: true, 60: true, 90: true });
  });
});

describe('disconnect', () => {
  it('removes webhook, hides event types, deletes the channel and keychain entries; reconnect reuses event types', async () => {
    t = await core();
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    const rec = integration(t) as IntegrationRecord;
    const relayToken = t.keychain.entries.get('relay:token') as string;
    const idsBefore = ours()
      .map((e) => e.id)
      .sort();

    await t.core.handlers.disconnect({ hideEventTypes: true });
    expect((await t.state()).connection.status).toBe('disconnected');
    expect(stack.sandbox.listWebhooks('dana-reyes')).toEqual([]);
    expect(ours().every((e) => e.hidden)).toBe(true);
    expect(t.keychain.entries.size).toBe(0);
    expect([...t.settings.records.keys()]).toEqual(['device.id']); // the installation's id outlives a connection (issue 16)
    expect(FakeSyncEngine.instances.at(-1)).toMatchObject({ stopped: 1, syncs: 1 });
    const gone = await fetch(`${stack.relayUrl}/api/channels/${rec.channel.channelId}/events`, {
      headers: { authorization: `Bearer ${relayToken}` },
    });
    expect(gone.status).toBe(401);

    await connectThroughBrowser(t);
    const s = await t.waitFor((x) => x.connection.status === 'connected');
    expect(
      ours()
        .map((e) => e.id)
        .sort(),
    ).toEqual(idsBefore);
    expect(s.connection.eventTypes.every((e) => !e.hidden)).toBe(true);
    expect(stack.sandbox.listWebhooks('dana-reyes')).toHaveLength(1);
  });

  it('with the relay and Cal.com unreachable: disconnected at once, leftovers retried later', async () => {
    let offline = false;
    const flaky: FetchFn = (input, init) =>
      offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    t = await core({ ports: { fetch: flaky } });
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    const webhookId = integration(t)?.webhookId;
    offline = true;
    await t.core.handlers.disconnect({ hideEventTypes: false });
    expect((await t.state()).connection.status).toBe('disconnected');
    const left = t.settings.readRecord<PendingCleanup>(recordKeys.cleanup);
    expect(left).toMatchObject({ webhookId, channel: { channelId: expect.any(String) } });
    expect(t.events.some((e) => e.type === 'toast')).toBe(true);
    expect(stack.sandbox.listWebhooks('dana-reyes')).toHaveLength(1);

    offline = false;
    await t.core.handlers.disconnect({ hideEventTypes: false });
    expect(t.settings.readRecord(recordKeys.cleanup)).toBeUndefined();
    expect(stack.sandbox.listWebhooks('dana-reyes')).toEqual([]);
    expect(t.keychain.entries.size).toBe(0);
  });
});

describe('with the real sync engine', () => {
  it('a booking made after connecting reaches the local store through the relay', async () => {
    t = await core({ overrides: { createSyncEngine: createSyncEngine } });
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    await t.waitFor((x) => x.sync.status === 'live');
    const when = new Date(Date.now() + 8 * 86400_000);
    when.setUTCHours(16, 0, 0, 0);
    const { booking } = await stack.sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60min',
      start: when.toISOString(),
      attendee: { name: 'Bo', email: 'bo@example.com', timeZone: 'UTC' },
    });
    const deadline = Date.now() + 10_000;
    while (!(await t.core.handlers.getBooking({ uid: booking.uid })) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await t.core.handlers.getBooking({ uid: booking.uid })).toMatchObject({
      uid: booking.uid,
      status: 'scheduled',
      duration: 60,
    });
    expect(t.events).toContainEqual({ type: 'bookings-changed', uids: [booking.uid], reason: 'created' });
    await t.core.handlers.disconnect({ hideEventTypes: true });
    // Booking history stays on the machine.
    expect(await t.core.handlers.getBooking({ uid: booking.uid })).not.toBeNull();
  });
});

describe('lifecycle and small handlers', () => {
  it('start() resumes a connected integration with a fresh sync engine', async () => {
    t = await core();
    await connectThroughBrowser(t);
    await t.waitFor((x) => x.connection.status === 'connected');
    await t.core.stop();
    const again = await core({ keychain: t.keychain, settings: t.settings, dataDir: t.dataDir });
    expect((await again.state()).connection.status).toBe('connected');
    expect(FakeSyncEngine.instances.at(-1)?.started).toBe(1);
    await again.core.handlers.syncNow({});
    expect((await again.state()).connection.lastSyncedAt).toBe('2026-11-26T08:00:00.000Z');
  });

  it('deep links to bookings become open-booking events; bookings delegate to the store', async () => {
    t = await core();
    await t.core.handleDeepLink('lifescore://bookings/abc123');
    expect(t.events).toContainEqual({ type: 'open-booking', uid: 'abc123' });
    expect(await t.core.handlers.getBooking({ uid: 'nope' })).toBeNull();
    expect((await t.core.handlers.listBookings({ tab: 'all', offset: 0, limit: 10 })).total).toBe(0);
    await expect(t.core.handlers.syncNow({})).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('openExternal allows https and loopback only; settings merge', async () => {
    t = await core();
    await t.core.handlers.openExternal({ url: 'https://app.cal.com/dana' });
    await t.core.handlers.openExternal({ url: 'http://127.0.0.1:5555/x' });
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@evil.com/',
    ]) {
      await expect(t.core.handlers.openExternal({ url })).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(t.opened).toEqual(['https://app.cal.com/dana', 'http://127.0.0.1:5555/x']);
    const s = await t.core.handlers.updateSettings({ profile: { name: 'Dana' }, notifications: false });
    expect(s.profile).toMatchObject({ name: 'Dana', bio: '' });
    expect(s.notifications).toBe(false);
  });
  it('diagnostics: versions, data folder, database size, activity; the folder opens only where the shell can', async () => {
    t = await core();
    const browser = await t.core.handlers.getDiagnostics({});
    expect(browser.versions).toMatchObject({ app: '0.0.0-test', host: 'browser', node: process.versions.node });
    expect(browser.dataFolder).toBe(t.dataDir);
    expect(browser.database.file).toBe(join(t.dataDir, 'bookings.db'));
    expect(browser.database.sizeBytes).toBeGreaterThan(0);
    expect(browser.quarantined).toEqual([]);
    await expect(t.core.handlers.openDataFolder({})).rejects.toMatchObject({ code: 'not_supported' });

    const shown: string[] = [];
    let fail = false;
    const desktop = await core({
      ports: {
        runtime: { host: 'electron', electron: '45.0.0', chrome: '140.0.0.0' },
        openPath: async (folder) => {
          if (fail) throw new Error('no file manager');
          shown.push(folder);
        },
      },
    });
    await connectThroughBrowser(desktop);
    await desktop.waitFor((x) => x.connection.status === 'connected');
    const d = await desktop.core.handlers.getDiagnostics({});
    expect(d.versions).toMatchObject({ host: 'electron', electron: '45.0.0', chrome: '140.0.0.0' });
    // The core's own log lines are there, newest first, and carry no secret.
    expect(d.activity.map((a) => a.message)).toContain('calcom connected');
    const leaves = (v: unknown): string[] =>
      typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(leaves) : [];
    const secrets = [...desktop.keychain.entries.values()].flatMap((raw) => {
      try {
        return leaves(JSON.parse(raw));
      } catch {
        return [raw];
      }
    });
    expect(secrets.filter((x) => x.length >= 16).length).toBeGreaterThan(0);
    for (const secret of secrets.filter((x) => x.length >= 16)) expect(JSON.stringify(d)).not.toContain(secret);
    await desktop.core.handlers.openDataFolder({});
    expect(shown).toEqual([desktop.dataDir]);
    fail = true;
    await expect(desktop.core.handlers.openDataFolder({})).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('no file manager'),
    });
  });
});
