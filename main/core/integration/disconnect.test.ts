import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../../common/errors';
import type { CalcomClient } from '../calcom/calcom-client';
import { CalcomApiError } from '../calcom/calcom-http';
import { createMemoryKeychain } from '../keychain/memory-keychain';
import type { RelayClient } from '../relay-client/relay-client';
import { RelayApiError } from '../relay-client/relay-client';
import { createMemorySettingsStore } from '../settings/memory-settings';
const silentLogger = { info: () => {}, warn: () => {}, error: () => {} };
import { disconnect, runPendingCleanup } from './disconnect';
import type { IntegrationRecord, PendingCleanup } from './integration-records';
import { recordKeys } from './integration-records';

const record: IntegrationRecord = {
  isConnected: true,
  username: 'dana-reyes',
  userId: 1,
  email: 'd@x',
  timeZone: 'UTC',
  webhookId: 'wh-1',
  connectedAt: 'c',
  eventTypes: [
    { duration: 30, id: 11, slug: 'consultation-30min', title: 't', hidden: false, link: 'l' },
    { duration: 60, id: 12, slug: 'consultation-60min', title: 't', hidden: true, link: 'l' },
  ],
  channel: { relayUrl: 'http://relay.test', channelId: 'ch-1', ingestUrl: 'i', streamUrl: 's' },
};

function setup(
  opts: { calcomDown?: boolean; relayDown?: boolean; keychainBroken?: boolean; calcomRevoked?: boolean } = {},
) {
  const calls: string[] = [];
  const fail = () => {
    if (opts.calcomRevoked) throw new AppFailure('reconnect_needed', 'revoked');
    if (opts.calcomDown) throw new CalcomApiError('calcom_unavailable', 'down', undefined);
  };
  const calcom = {
    deleteWebhook: async (id: string) => (fail(), calls.push(`delete webhook ${id}`), true),
    updateEventType: async (id: number, p: { hidden?: boolean }) => (
      fail(),
      calls.push(`hide ${id} ${p.hidden}`),
      {} as never
    ),
  } as unknown as CalcomClient;
  const relay = {
    deleteChannel: async (id: string, token: string) => {
      if (opts.relayDown) throw new RelayApiError('relay_unavailable', 'down', undefined);
      calls.push(`delete channel ${id} with ${token}`);
      return true;
    },
  } as unknown as RelayClient;
  const keychain = createMemoryKeychain({
    'calcom:access': 'a',
    'calcom:refresh': 'r',
    'calcom:expires': '1',
    'relay:token': 'rt',
    'webhook:secret': 'ws',
  });
  if (opts.keychainBroken) {
    keychain.get = async () => Promise.reject(new AppFailure('keychain_unavailable', 'no keyring'));
    keychain.delete = async () => Promise.reject(new AppFailure('keychain_unavailable', 'no keyring'));
  }
  const settings = createMemorySettingsStore();
  settings.writeRecord(recordKeys.integration, record);
  const deps = {
    calcom,
    relayFor: () => relay,
    keychain,
    settings,
    clock: { now: () => 0 },
    logger: silentLogger,
    clearTokens: async () => {
      for (const k of ['calcom:access', 'calcom:refresh', 'calcom:expires']) await keychain.delete(k);
    },
  };
  return { deps, calls, keychain, settings };
}

describe('disconnect', () => {
  it('deletes the webhook, hides visible event types, deletes the channel and every keychain entry', async () => {
    const { deps, calls, keychain, settings } = setup();
    expect(await disconnect(deps, { hideEventTypes: true })).toBeUndefined();
    expect(calls).toEqual(['delete webhook wh-1', 'hide 11 true', 'delete channel ch-1 with rt']);
    expect(keychain.entries.size).toBe(0);
    expect(settings.records.size).toBe(0);
  });

  it('keeps event types visible when asked', async () => {
    const { deps, calls } = setup();
    await disconnect(deps, { hideEventTypes: false });
    expect(calls).toEqual(['delete webhook wh-1', 'delete channel ch-1 with rt']);
  });

  it('Cal.com and relay down: disconnected anyway, the rest recorded, tokens kept only for the retry', async () => {
    const s = setup({ calcomDown: true, relayDown: true });
    const left = await disconnect(s.deps, { hideEventTypes: true });
    expect(left).toEqual({
      since: '1970-01-01T00:00:00.000Z',
      webhookId: 'wh-1',
      hideEventTypeIds: [11],
      channel: { relayUrl: 'http://relay.test', channelId: 'ch-1' },
    });
    expect(s.settings.readRecord(recordKeys.integration)).toBeUndefined();
    expect([...s.keychain.entries.keys()].sort()).toEqual([
      'calcom:access',
      'calcom:expires',
      'calcom:refresh',
      'relay:cleanup-token',
    ]);

    // Later, with the network back, the same record finishes the job.
    const back = setup();
    back.settings.writeRecord(recordKeys.integration, undefined);
    back.settings.writeRecord<PendingCleanup>(recordKeys.cleanup, left as PendingCleanup);
    back.keychain.entries.set('relay:cleanup-token', 'rt');
    back.keychain.entries.delete('relay:token');
    back.keychain.entries.delete('webhook:secret');
    expect(await runPendingCleanup(back.deps)).toBeUndefined();
    expect(back.calls).toEqual(['delete webhook wh-1', 'hide 11 true', 'delete channel ch-1 with rt']);
    expect(back.keychain.entries.size).toBe(0);
  });

  it('a revoked Cal.com grant does not block the relay part', async () => {
    const { deps, calls, settings } = setup({ calcomRevoked: true });
    const left = await disconnect(deps, { hideEventTypes: false });
    expect(calls).toEqual(['delete channel ch-1 with rt']);
    expect(left).toMatchObject({ webhookId: 'wh-1', hideEventTypeIds: [] });
    expect(left?.channel).toBeUndefined();
    expect(settings.readRecord(recordKeys.integration)).toBeUndefined();
  });

  it('a broken keychain never leaves the app claiming to be connected', async () => {
    const { deps, settings } = setup({ keychainBroken: true });
    await disconnect(deps, { hideEventTypes: false });
    expect(settings.readRecord(recordKeys.integration)).toBeUndefined();
  });
});
