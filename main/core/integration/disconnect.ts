import { AppFailure } from '../../../common/errors';
import type { CalcomClient } from '../calcom/calcom-client';
import { CalcomApiError } from '../calcom/calcom-http';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Clock, Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import type { ConnectProgress, IntegrationRecord, PendingCleanup } from './integration-records';
import { cleanupIsEmpty, recordKeys } from './integration-records';

export interface DisconnectDeps {
  readonly calcom: CalcomClient;
  /** A relay client for a given base URL (the channel may live on a relay the settings no longer name). */
  readonly relayFor: (relayUrl: string) => RelayClient;
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Forget the Cal.com tokens (token manager's clear()). */
  readonly clearTokens: () => Promise<void>;
}

/**
 * Tears the connection down (DESIGN.md §3): the app stops claiming to be connected first, then the webhook, event
 * types (hidden if asked), relay channel and keychain entries go. What cannot be done now (Cal.com or the relay
 * unreachable) is recorded as PendingCleanup and retried by runPendingCleanup. Bookings are never touched.
 */
export async function disconnect(
  deps: DisconnectDeps,
  opts: { hideEventTypes: boolean },
): Promise<PendingCleanup | undefined> {
  const { settings } = deps;
  const integration = settings.readRecord<IntegrationRecord>(recordKeys.integration);
  const progress = settings.readRecord<ConnectProgress>(recordKeys.progress);
  const earlier = settings.readRecord<PendingCleanup>(recordKeys.cleanup);
  const channel = integration?.channel ?? progress?.channel;
  const webhookId = integration?.webhookId ?? progress?.webhookId;
  const eventTypes = integration?.eventTypes ?? progress?.eventTypes ?? [];

  // Move the relay token aside before anything can fail, so the channel can still be deleted later. A keychain that
  // cannot be read must not keep the app "connected": the channel is then left to the relay's retention.
  const relayToken = await deps.keychain.get(keychainAccounts.relayToken).catch(() => null);
  const tokenKept =
    channel && relayToken
      ? await quietly(deps, () => deps.keychain.set(keychainAccounts.relayCleanupToken, relayToken))
      : false;
  const todo: PendingCleanup = {
    since: earlier?.since ?? new Date(deps.clock.now()).toISOString(),
    ...(webhookId ? { webhookId } : earlier?.webhookId ? { webhookId: earlier.webhookId } : {}),
    hideEventTypeIds: [
      ...new Set([
        ...(earlier?.hideEventTypeIds ?? []),
        ...(opts.hideEventTypes ? eventTypes.filter((e) => !e.hidden).map((e) => e.id) : []),
      ]),
    ],
    ...(channel && tokenKept
      ? { channel: { relayUrl: channel.relayUrl, channelId: channel.channelId } }
      : earlier?.channel
        ? { channel: earlier.channel }
        : {}),
  };
  // From here on the app is disconnected, whatever the network or the keychain does.
  settings.writeRecord(recordKeys.cleanup, todo);
  settings.writeRecord(recordKeys.integration, undefined);
  settings.writeRecord(recordKeys.progress, undefined);
  await quietly(deps, () => deps.keychain.delete(keychainAccounts.relayToken));
  await quietly(deps, () => deps.keychain.delete(keychainAccounts.webhookSecret));
  return runPendingCleanup(deps);
}

/** Retries what a disconnect left behind; clears Cal.com tokens once no Cal.com work remains. Never throws for network trouble. */
export async function runPendingCleanup(deps: DisconnectDeps): Promise<PendingCleanup | undefined> {
  const todo = deps.settings.readRecord<PendingCleanup>(recordKeys.cleanup);
  if (!todo) return undefined;
  let left: PendingCleanup = todo;
  const connected = deps.settings.readRecord<IntegrationRecord>(recordKeys.integration)?.isConnected === true;

  if (left.webhookId) {
    const id = left.webhookId;
    if (await attempt(deps, 'delete webhook', () => deps.calcom.deleteWebhook(id))) left = omit(left, 'webhookId');
  }
  const stillHidden: number[] = [];
  for (const id of left.hideEventTypeIds ?? []) {
    if (!(await attempt(deps, 'hide event type', () => deps.calcom.updateEventType(id, { hidden: true }))))
      stillHidden.push(id);
  }
  left = { ...left, hideEventTypeIds: stillHidden };
  if (left.channel) {
    const { relayUrl, channelId } = left.channel;
    const token = await deps.keychain.get(keychainAccounts.relayCleanupToken).catch(() => null);
    const done =
      !token ||
      (await attempt(deps, 'delete relay channel', () => deps.relayFor(relayUrl).deleteChannel(channelId, token)));
    if (done) {
      left = omit(left, 'channel');
      await quietly(deps, () => deps.keychain.delete(keychainAccounts.relayCleanupToken));
    }
  }

  const calcomWorkLeft = Boolean(left.webhookId) || (left.hideEventTypeIds?.length ?? 0) > 0;
  // Tokens stay only while Cal.com work is left and could still succeed; a new connection owns them otherwise.
  if (!connected && !calcomWorkLeft) await quietly(deps, deps.clearTokens);
  if (cleanupIsEmpty(left)) {
    deps.settings.writeRecord(recordKeys.cleanup, undefined);
    return undefined;
  }
  deps.settings.writeRecord(recordKeys.cleanup, left);
  deps.logger.warn('disconnect left work for later', {
    webhook: Boolean(left.webhookId),
    eventTypes: left.hideEventTypeIds?.length ?? 0,
    channel: Boolean(left.channel),
  });
  return left;
}

/** Runs one cleanup call: true when done (or nothing left to do there), false when it should be retried. */
async function attempt(deps: DisconnectDeps, what: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    // Gone or no longer ours: nothing to retry.
    if (err instanceof CalcomApiError && (err.status === 403 || err.status === 404)) return true;
    if (err instanceof AppFailure && (err.code === 'reconnect_needed' || err.code === 'not_connected')) {
      // Without a working Cal.com connection this cannot succeed until the consultant connects again.
      deps.logger.warn(`${what}: waiting for a new connection`, { code: err.code });
      return false;
    }
    deps.logger.warn(`${what} failed; will retry`, { err: err instanceof AppFailure ? err.code : String(err) });
    return false;
  }
}

/** Runs a keychain step that must not stop the disconnect; false when it failed (logged). */
async function quietly(deps: DisconnectDeps, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    deps.logger.error('keychain step of disconnect failed', {
      code: err instanceof AppFailure ? err.code : 'internal',
    });
    return false;
  }
}

function omit<K extends keyof PendingCleanup>(c: PendingCleanup, key: K): PendingCleanup {
  const copy = { ...c };
  delete copy[key];
  return copy;
}
