import type { EventTypeLink } from '../../../common/app-state';
import { bookingTriggers } from '../../../common/calcom';
import type { CalcomMe, CalcomWebhook } from '../../../common/calcom';
import { AppFailure } from '../../../common/errors';
import type { CalcomClient } from '../calcom/calcom-client';
import { CalcomApiError } from '../calcom/calcom-http';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Clock, Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import { isChannelGone, presentIdentityTo, RelayApiError } from '../relay-client/relay-client';
import type { PresentIdentityResponse } from '../../../common/relay';
import type { EnabledServices } from './event-type-plan';
import { anyServiceEnabled } from './event-type-plan';
import { applyEventTypePlan } from './apply-event-types';
import type {
  ChannelRef,
  ConnectProgress,
  ConnectStepName,
  IntegrationRecord,
  PendingCleanup,
} from './integration-records';
import { recordKeys } from './integration-records';

export interface ConnectSetupDeps {
  readonly calcom: CalcomClient;
  readonly relay: RelayClient;
  readonly relayUrl: string;
  /** A client for another relay URL (the previous connection's channel may live on a relay the settings no longer name). */
  readonly relayFor: (relayUrl: string) => RelayClient;
  /** The current Cal.com access token (token manager, single-flight refresh), presented once to the relay. */
  readonly accessToken: () => Promise<string>;
  /** This installation's id (device-id.ts). */
  readonly deviceId: string;
  readonly calcomAppUrl: string;
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly services: EnabledServices;
  /** A fresh webhook secret (webhook-secret.ts over the random port; tests pass their own). */
  readonly newSecret: () => string;
  /** Test hook: called after each step is recorded (lets tests interrupt the sequence at every step). */
  readonly afterStep?: (step: ConnectStepName) => void | Promise<void>;
}

/**
 * The connect sequence after OAuth (DESIGN.md §3): me → event types → relay channel → webhook secret at the relay →
 * webhook at Cal.com → integration record. Each step is idempotent and recorded, so a failed or interrupted run is
 * resumed by running it again: event types are reused by slug, the channel is reused, the webhook is found by its
 * subscriber URL and patched. Returns the record it stored; the caller starts sync.
 */
export async function runConnectSetup(deps: ConnectSetupDeps): Promise<IntegrationRecord> {
  if (!anyServiceEnabled(deps.services)) {
    throw new AppFailure(
      'no_services_enabled',
      'Turn on at least one service (30, 60 or 90 minutes) before connecting Cal.com.',
    );
  }
  const { settings, keychain, clock } = deps;
  const previous = settings.readRecord<IntegrationRecord>(recordKeys.integration);
  let progress: ConnectProgress = settings.readRecord<ConnectProgress>(recordKeys.progress) ?? {
    startedAt: new Date(clock.now()).toISOString(),
    completed: [],
  };
  const record = async (step: ConnectStepName, patch: Partial<ConnectProgress>) => {
    progress = { ...progress, ...patch, completed: [...new Set([...progress.completed, step])] };
    settings.writeRecord(recordKeys.progress, progress);
    await deps.afterStep?.(step);
  };

  const me: CalcomMe = await deps.calcom.me();
  if (progress.userId !== undefined && progress.userId !== me.id) {
    // Another Cal.com account than the interrupted attempt: its event types and webhook are not ours to reuse.
    progress = {
      startedAt: progress.startedAt,
      completed: [],
      ...(progress.channel ? { channel: progress.channel } : {}),
    };
  }
  await record('me', { userId: me.id, username: me.username });

  const eventTypes: EventTypeLink[] = await applyEventTypePlan(
    deps.calcom,
    deps.calcomAppUrl,
    me.username,
    deps.services,
    deps.settings.read().serviceDetails ?? {},
  );
  await record('event-types', { eventTypes });

  const candidate = progress.channel ?? (previous?.userId === me.id ? previous.channel : undefined);
  const reuse =
    candidate && candidate.relayUrl === deps.relayUrl && (await keychain.get(keychainAccounts.relayToken))
      ? candidate
      : undefined;
  // Another account or another relay: the old channel, its webhook and (with the channel) its profile go first.
  if (previous && previous.channel.channelId !== reuse?.channelId) {
    await retirePrevious(
      deps,
      previous,
      me.id,
      !progress.channel || progress.channel.channelId === previous.channel.channelId,
    );
  }
  let channel = reuse ?? (await createChannel(deps));
  await record('channel', { channel });

  let verified: PresentIdentityResponse | null;
  try {
    verified = await presentIdentity(deps, channel);
  } catch (err) {
    // A channel bound to another account (an interrupted attempt as someone else) or gone from the relay: replace it.
    if (!(isChannelGone(err) || (err instanceof RelayApiError && err.relayCode === 'account_mismatch'))) throw err;
    await deleteQuietly(deps, channel);
    channel = await createChannel(deps);
    await record('channel', { channel });
    verified = await presentIdentity(deps, channel);
  }
  await record('identity', verified ? { identity: verified.identity, approval: verified.approval } : {});

  const existing = await findWebhook(deps.calcom, channel.ingestUrl);
  // Keep the secret of a live webhook (rotating it would open a window where the relay rejects real events).
  const stored = existing ? await keychain.get(keychainAccounts.webhookSecret) : null;
  const secret = stored ?? deps.newSecret();
  await keychain.set(keychainAccounts.webhookSecret, secret);
  // The relay learns the secret before Cal.com signs with it, so no event can arrive that the relay cannot verify.
  await deps.relay.setSecret(channel.channelId, await relayToken(keychain), secret);
  await record('secret', {});

  const webhook = await upsertWebhook(deps.calcom, channel.ingestUrl, secret, existing);
  await record('webhook', { webhookId: webhook.id });

  const now = new Date(clock.now()).toISOString();
  const integration: IntegrationRecord = {
    isConnected: true,
    username: me.username,
    ...(me.name ? { name: me.name } : {}),
    userId: me.id,
    email: me.email,
    timeZone: me.timeZone,
    eventTypes,
    webhookId: webhook.id,
    channel,
    ...(verified ? { identity: verified.identity, approval: verified.approval } : {}),
    connectedAt: previous?.userId === me.id && previous.isConnected ? previous.connectedAt : now,
    ...(previous?.userId === me.id && previous.lastSyncedAt ? { lastSyncedAt: previous.lastSyncedAt } : {}),
  };
  settings.writeRecord(recordKeys.integration, integration);
  settings.writeRecord(recordKeys.progress, undefined);
  forgetCleanupOf(settings, integration);
  await deps.afterStep?.('done');
  deps.logger.info('calcom connected', { userId: me.id, webhookId: webhook.id, channelId: channel.channelId });
  return integration;
}

async function createChannel(deps: ConnectSetupDeps): Promise<ChannelRef> {
  const created = await deps.relay.createChannel();
  // Token first: a channel we cannot authenticate to is useless, a stored token without a record is harmless.
  await deps.keychain.set(keychainAccounts.relayToken, created.token);
  return { relayUrl: deps.relayUrl, channelId: created.id, ingestUrl: created.ingestUrl, streamUrl: created.streamUrl };
}

/** Null from a relay without the trust model (no identity route: 404); the channel then stays anonymous. */
async function presentIdentity(deps: ConnectSetupDeps, channel: ChannelRef): Promise<PresentIdentityResponse | null> {
  const result = await presentIdentityTo(
    deps.relay,
    channel.channelId,
    await relayToken(deps.keychain),
    { accessToken: await deps.accessToken(), deviceId: deps.deviceId },
    deps.logger,
  );
  if (result && result.replacedChannels > 0)
    deps.logger.info('relay replaced older channels of this account and device', { replaced: result.replacedChannels });
  return result;
}

/**
 * Removes the previous connection before a new one goes live (issue 16: no orphans): its webhook (when it is in the
 * account now connected; app-core deletes another account's webhook before its tokens are replaced), its relay
 * channel (the relay drops the channel's profile with it) and its keychain entries. A relay that cannot be reached
 * now gets the channel as pending cleanup (retried by runPendingCleanup).
 */
async function retirePrevious(
  deps: ConnectSetupDeps,
  previous: IntegrationRecord,
  meId: number,
  tokenIsPrevious: boolean,
): Promise<void> {
  const { keychain, settings, logger } = deps;
  if (previous.userId === meId && previous.webhookId) await deps.calcom.deleteWebhook(previous.webhookId);
  const token = tokenIsPrevious ? await keychain.get(keychainAccounts.relayToken) : null;
  if (token) {
    try {
      await deps.relayFor(previous.channel.relayUrl).deleteChannel(previous.channel.channelId, token);
    } catch (err) {
      logger.warn('previous relay channel not deleted now; retried later', {
        code: err instanceof AppFailure ? err.code : 'internal',
      });
      await keychain.set(keychainAccounts.relayCleanupToken, token);
      const earlier = settings.readRecord<PendingCleanup>(recordKeys.cleanup);
      settings.writeRecord<PendingCleanup>(recordKeys.cleanup, {
        ...earlier,
        since: earlier?.since ?? new Date(deps.clock.now()).toISOString(),
        channel: { relayUrl: previous.channel.relayUrl, channelId: previous.channel.channelId },
      });
    }
    await keychain.delete(keychainAccounts.relayToken);
  }
  await keychain.delete(keychainAccounts.webhookSecret);
  settings.writeRecord(recordKeys.integration, undefined);
  logger.info('previous connection removed', { userId: previous.userId, channelId: previous.channel.channelId });
}

async function deleteQuietly(deps: ConnectSetupDeps, channel: ChannelRef): Promise<void> {
  const token = await deps.keychain.get(keychainAccounts.relayToken);
  if (token)
    await deps
      .relayFor(channel.relayUrl)
      .deleteChannel(channel.channelId, token)
      .catch(() => false);
  await deps.keychain.delete(keychainAccounts.relayToken);
}

async function relayToken(keychain: Keychain): Promise<string> {
  const token = await keychain.get(keychainAccounts.relayToken);
  if (!token)
    throw new AppFailure(
      'internal',
      'The relay channel token is missing from the keychain. Disconnect and connect again.',
    );
  return token;
}

async function findWebhook(calcom: CalcomClient, subscriberUrl: string): Promise<CalcomWebhook | undefined> {
  return (await calcom.listWebhooks()).find((w) => w.subscriberUrl === subscriberUrl);
}

/** Creates the webhook, or patches the one already registered for this subscriber URL (409 → find and patch). */
async function upsertWebhook(
  calcom: CalcomClient,
  subscriberUrl: string,
  secret: string,
  existing: CalcomWebhook | undefined,
): Promise<CalcomWebhook> {
  const wanted = { triggers: [...bookingTriggers], active: true, secret };
  if (existing) return calcom.updateWebhook(existing.id, wanted);
  try {
    return await calcom.createWebhook({ subscriberUrl, payloadTemplate: null, ...wanted });
  } catch (err) {
    if (!(err instanceof CalcomApiError && err.status === 409)) throw err;
    const found = await findWebhook(calcom, subscriberUrl);
    if (!found) throw err;
    return calcom.updateWebhook(found.id, wanted);
  }
}

/** A pending cleanup from an earlier disconnect must not hide the event types this connection just showed again. */
function forgetCleanupOf(settings: SettingsStore, integration: IntegrationRecord): void {
  const cleanup = settings.readRecord<PendingCleanup>(recordKeys.cleanup);
  if (!cleanup?.hideEventTypeIds) return;
  const mine = new Set(integration.eventTypes.map((e) => e.id));
  settings.writeRecord<PendingCleanup>(recordKeys.cleanup, {
    ...cleanup,
    hideEventTypeIds: cleanup.hideEventTypeIds.filter((id) => !mine.has(id)),
  });
}
