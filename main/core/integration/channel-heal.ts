import { bookingTriggers } from '../../../common/calcom';
import type { CalcomClient } from '../calcom/calcom-client';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Clock, Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import { presentIdentityTo } from '../relay-client/relay-client';
import type { ChannelRef, IntegrationRecord } from './integration-records';
import { recordKeys } from './integration-records';

export interface ChannelHealDeps {
  readonly calcom: CalcomClient;
  readonly relayFor: (relayUrl: string) => RelayClient;
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly accessToken: () => Promise<string>;
  readonly deviceId: string;
  /** A fresh webhook secret, when the keychain has none (webhook-secret.ts). */
  readonly newSecret: () => string;
}

/**
 * Re-creates the relay channel of a connection whose channel the relay no longer knows (401: deleted, or its data
 * was wiped), with the tokens the app already has (issue 16): new channel → identity → secret → the existing Cal.com
 * webhook re-pointed at the new ingest URL (or created when it is gone too). Returns the updated record; the caller
 * republishes the profile, restarts sync (which reconciles with Cal.com) and tells the consultant.
 */
export async function healChannel(deps: ChannelHealDeps, record: IntegrationRecord): Promise<IntegrationRecord> {
  const { keychain, logger } = deps;
  const relay = deps.relayFor(record.channel.relayUrl);
  const created = await relay.createChannel();
  await keychain.set(keychainAccounts.relayToken, created.token);
  const channel: ChannelRef = {
    relayUrl: record.channel.relayUrl,
    channelId: created.id,
    ingestUrl: created.ingestUrl,
    streamUrl: created.streamUrl,
  };
  const verified = await presentIdentityTo(
    relay,
    channel.channelId,
    created.token,
    { accessToken: await deps.accessToken(), deviceId: deps.deviceId },
    logger,
  );

  const secret = (await keychain.get(keychainAccounts.webhookSecret)) ?? deps.newSecret();
  await keychain.set(keychainAccounts.webhookSecret, secret);
  // The relay learns the secret before Cal.com signs with it (as in connect-setup.ts).
  await relay.setSecret(channel.channelId, created.token, secret);

  const webhooks = await deps.calcom.listWebhooks();
  const ours =
    webhooks.find((w) => w.id === record.webhookId) ??
    webhooks.find((w) => w.subscriberUrl === record.channel.ingestUrl);
  const wanted = { subscriberUrl: channel.ingestUrl, triggers: [...bookingTriggers], active: true, secret };
  const webhook = ours
    ? await deps.calcom.updateWebhook(ours.id, wanted)
    : await deps.calcom.createWebhook({ ...wanted, payloadTemplate: null });

  const latest = deps.settings.readRecord<IntegrationRecord>(recordKeys.integration) ?? record;
  const healed: IntegrationRecord = {
    ...latest,
    channel,
    webhookId: webhook.id,
    ...(verified ? { identity: verified.identity, approval: verified.approval } : {}),
    healedAt: new Date(deps.clock.now()).toISOString(),
  };
  deps.settings.writeRecord(recordKeys.integration, healed);
  logger.warn('relay channel was lost; re-created it', {
    oldChannelId: record.channel.channelId,
    channelId: channel.channelId,
    webhookId: webhook.id,
  });
  return healed;
}
