import { describe, expect, it } from 'vitest';
import type { CalcomEventType, CalcomWebhook } from '../../../common/calcom';
import type { CalcomClient } from '../calcom/calcom-client';
import { CalcomApiError } from '../calcom/calcom-http';
import { createMemoryKeychain } from '../keychain/memory-keychain';
import type { RelayClient } from '../relay-client/relay-client';
import { createMemorySettingsStore } from '../settings/memory-settings';
import { runConnectSetup } from './connect-setup';
import type { ConnectProgress } from './integration-records';
import { recordKeys } from './integration-records';

const logger = { info: () => {}, warn: () => {}, error: () => {} };
const ingestUrl = 'https://relay.test/hooks/CCCCCCCCCCCCCCCCCCCCCCCC';

/** A tiny in-memory Cal.com with a log of calls, and a knob to hide a webhook from listing (a racing create). */
function fakeCalcom(opts: { userId?: number; hideFromFirstList?: boolean } = {}) {
  const log: string[] = [];
  const eventTypes: CalcomEventType[] = [];
  const webhooks: CalcomWebhook[] = [];
  let lists = 0;
  const client = {
    me: async () => (
      log.push('me'),
      { id: opts.userId ?? 7, username: 'dana-reyes', email: 'd@x.test', name: 'Dana', timeZone: 'UTC' }
    ),
    listEventTypes: async () => (log.push('list event types'), [...eventTypes]),
    createEventType: async (i: { title: string; slug: string; lengthInMinutes: number }) => {
      log.push(`create ${i.slug}`);
      const et = {
        id: eventTypes.length + 1,
        title: i.title,
        slug: i.slug,
        lengthInMinutes: i.lengthInMinutes,
        hidden: false,
      };
      eventTypes.push(et);
      return et;
    },
    updateEventType: async () => {
      throw new Error('not expected');
    },
    listWebhooks: async () => {
      log.push('list webhooks');
      lists++;
      return opts.hideFromFirstList && lists === 1 ? [] : [...webhooks];
    },
    createWebhook: async (i: { subscriberUrl: string; triggers: string[]; active: boolean; secret?: string }) => {
      log.push('create webhook');
      if (webhooks.some((w) => w.subscriberUrl === i.subscriberUrl))
        throw new CalcomApiError('calcom_error', 'exists', 409);
      const w = {
        id: `w${webhooks.length + 1}`,
        subscriberUrl: i.subscriberUrl,
        triggers: i.triggers,
        active: i.active,
        secret: i.secret ?? null,
      };
      webhooks.push(w);
      return w;
    },
    updateWebhook: async (id: string, p: { secret?: string }) => {
      log.push(`patch webhook ${id}`);
      const w = webhooks.find((x) => x.id === id) as CalcomWebhook;
      Object.assign(w, p);
      return w;
    },
  } as unknown as CalcomClient;
  return { client, log, eventTypes, webhooks };
}

function fakeRelay(log: string[]) {
  return {
    createChannel: async () => (
      log.push('create channel'),
      { id: 'C'.repeat(24), token: 't'.repeat(40), ingestUrl, streamUrl: ingestUrl }
    ),
    presentIdentity: async (_id: string, _t: string, body: { accessToken: string; deviceId: string }) => {
      log.push(`identity ${body.accessToken} ${body.deviceId}`);
      return {
        identity: { userId: 7, username: 'dana-reyes', email: 'd@x.test', timeZone: 'UTC', verifiedAt: 'now' },
        approval: 'approved',
        replacedChannels: 0,
      };
    },
    setSecret: async (_id: string, _t: string, secret: string) => void log.push(`relay secret ${secret}`),
  } as unknown as RelayClient;
}

function deps(
  calcom: ReturnType<typeof fakeCalcom>,
  services: { 30: boolean; 60: boolean; 90: boolean } = { 30: true, 60: false, 90: true },
) {
  const settings = createMemorySettingsStore();
  const keychain = createMemoryKeychain();
  let secrets = 0;
  return {
    settings,
    keychain,
    d: {
      calcom: calcom.client,
      relay: fakeRelay(calcom.log),
      relayUrl: 'https://relay.test',
      calcomAppUrl: 'https://cal.test',
      keychain,
      settings,
      clock: { now: () => 0 },
      logger,
      services,
      newSecret: () => `secret-${++secrets}`,
      relayFor: () => fakeRelay(calcom.log),
      accessToken: async () => 'access-1',
      deviceId: 'device-0123456789ab',
    },
  };
}

describe('runConnectSetup', () => {
  it('refuses with no enabled service before calling anyone', async () => {
    const cal = fakeCalcom();
    const { d } = deps(cal, { 30: false, 60: false, 90: false });
    await expect(runConnectSetup(d)).rejects.toMatchObject({ code: 'no_services_enabled' });
    expect(cal.log).toEqual([]);
  });

  it('runs the steps in order, registering the secret at the relay before Cal.com signs with it', async () => {
    const cal = fakeCalcom();
    const { d, settings, keychain } = deps(cal);
    const rec = await runConnectSetup(d);
    expect(cal.log).toEqual([
      'me',
      'list event types',
      'create consultation-30min',
      'create consultation-90min',
      'create channel',
      'identity access-1 device-0123456789ab',
      'list webhooks',
      'relay secret secret-1',
      'create webhook',
    ]);
    expect(rec).toMatchObject({
      isConnected: true,
      approval: 'approved',
      identity: { userId: 7 },
      username: 'dana-reyes',
      name: 'Dana',
      webhookId: 'w1',
      eventTypes: [{ duration: 30, link: 'https://cal.test/dana-reyes/consultation-30min' }, { duration: 90 }],
    });
    expect(cal.webhooks[0]).toMatchObject({ subscriberUrl: ingestUrl, secret: 'secret-1', active: true });
    expect(keychain.entries.get('webhook:secret')).toBe('secret-1');
    expect(settings.readRecord(recordKeys.progress)).toBeUndefined();
  });

  it('on 409 (a webhook created by a run that died before recording it) finds it and patches it', async () => {
    const cal = fakeCalcom({ hideFromFirstList: true });
    cal.webhooks.push({ id: 'w-old', subscriberUrl: ingestUrl, triggers: [], active: false, secret: 'lost' });
    const { d } = deps(cal);
    const rec = await runConnectSetup(d);
    expect(rec.webhookId).toBe('w-old');
    expect(cal.webhooks).toHaveLength(1);
    expect(cal.webhooks[0]).toMatchObject({ active: true, secret: 'secret-1' });
    expect(cal.log.slice(-3)).toEqual(['create webhook', 'list webhooks', 'patch webhook w-old']);
  });

  it('a resumed run for another account does not reuse the first account’s progress', async () => {
    const cal = fakeCalcom({ userId: 8 });
    const { d, settings } = deps(cal);
    settings.writeRecord<ConnectProgress>(recordKeys.progress, {
      startedAt: 's',
      completed: ['me', 'event-types', 'webhook'],
      userId: 7,
      webhookId: 'w-of-7',
    });
    const rec = await runConnectSetup(d);
    expect(rec.userId).toBe(8);
    expect(rec.webhookId).toBe('w1');
  });
});
