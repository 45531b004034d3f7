import { randomBytes } from 'node:crypto';
import type { EventTypeLink } from '../../../common/app-state';
import { bookingTriggers } from '../../../common/calcom';
import type { CalcomMe, CalcomWebhook } from '../../../common/calcom';
import { AppFailure } from '../../../common/errors';
import type { CalcomClient } from '../calcom/calcom-client';
import { CalcomApiError } from '../calcom/calcom-http';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Clock, Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import type { EnabledServices } from './event-type-plan';
import { anyServiceEnabled } from './event-type-plan';
import { applyEventTypePlan } from './apply-event-types';
import type { ChannelRef, ConnectProgress, ConnectStepName, IntegrationRecord, PendingCleanup } from './integration-records';
import { recordKeys } from './integration-records';

export interface ConnectSetupDeps {
  readonly calcom: CalcomClient;
  readonly relay: RelayClient;
  readonly relayUrl: string;
  readonly calcomAppUrl: string;
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly services: EnabledServices;
  /** A fresh webhook secret (injectable for tests). */
  readonly newSecret?: () => string;
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
    throw new AppFailure('no_services_enabled', 'Turn on at least one service (30, 60 or 90 minutes) before connecting Cal.com.');
  }
  const { settings, keychain, clock } = deps;
  const previous = settings.readRecord<IntegrationRecord>(recordKeys.integration);
  let progress: ConnectProgress = settings.readRecord<ConnectProgress>(recordKeys.progress) ?? { startedAt: new Date(clock.now()).toISOString(), completed: [] };
  const record = async (step: ConnectStepName, patch: Partial<ConnectProgress>) => {
    progress = { ...progress, ...patch, completed: [...new Set([...progress.completed, step])] };
    settings.writeRecord(recordKeys.progress, progress);
    await deps.afterStep?.(step);
  };

  const me: CalcomMe = await deps.calcom.me();
  if (progress.userId !== undefined && progress.userId !== me.id) {
    // Another Cal.com account than the interrupted attempt: its event types and webhook are not ours to reuse.
    progress = { startedAt: progress.startedAt, completed: [], ...(progress.channel ? { channel: progress.channel } : {}) };
  }
  await record('me', { userId: me.id, username: me.username });

  const eventTypes: EventTypeLink[] = await applyEventTypePlan(deps.calcom, deps.calcomAppUrl, me.username, deps.services);
  await record('event-types', { eventTypes });

  const channel = await ensureChannel(deps, progress.channel ?? (previous?.userId === me.id ? previous.channel : undefined));
  await record('channel', { channel });

  const existing = await findWebhook(deps.calcom, channel.ingestUrl);
  // Keep the secret of a live webhook (rotating it would open a window where the relay rejects real events).
  const stored = existing ? await keychain.get(keychainAccounts.webhookSecret) : null;
  const secret = stored ?? (deps.newSecret ?? defaultSecret)();
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

async function ensureChannel(deps: ConnectSetupDeps, known: ChannelRef | undefined): Promise<ChannelRef> {
  if (known && known.relayUrl === deps.relayUrl && (await deps.keychain.get(keychainAccounts.relayToken))) return known;
  const created = await deps.relay.createChannel();
  // Token first: a channel we cannot authenticate to is useless, a stored token without a record is harmless.
  await deps.keychain.set(keychainAccounts.relayToken, created.token);
  return { relayUrl: deps.relayUrl, channelId: created.id, ingestUrl: created.ingestUrl, streamUrl: created.streamUrl };
}

async function relayToken(keychain: Keychain): Promise<string> {
  const token = await keychain.get(keychainAccounts.relayToken);
  if (!token) throw new AppFailure('internal', 'The relay channel token is missing from the keychain. Disconnect and connect again.');
  return token;
}

async function findWebhook(calcom: CalcomClient, subscriberUrl: string): Promise<CalcomWebhook | undefined> {
  return (await calcom.listWebhooks()).find((w) => w.subscriberUrl === subscriberUrl);
}

/** Creates the webhook, or patches the one already registered for this subscriber URL (409 → find and patch). */
async function upsertWebhook(calcom: CalcomClient, subscriberUrl: string, secret: string, existing: CalcomWebhook | undefined): Promise<CalcomWebhook> {
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
  settings.writeRecord<PendingCleanup>(recordKeys.cleanup, { ...cleanup, hideEventTypeIds: cleanup.hideEventTypeIds.filter((id) => !mine.has(id)) });
}

function defaultSecret(): string {
  return randomBytes(32).toString('base64url');
}
