import { AppFailure } from '../../../common/errors';
import type { CalcomClient } from '../calcom/calcom-client';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Clock, Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import { isChannelGone } from '../relay-client/relay-client';
import { healChannel } from './channel-heal';
import type { ChannelWatch } from './channel-watch';
import { createChannelWatch } from './channel-watch';
import type { HealGuardOptions } from './heal-guard';
import { HealGuard } from './heal-guard';
import type { IntegrationRecord } from './integration-records';
import { readIntegration, recordKeys } from './integration-records';

/**
 * Keeps a live connection's relay channel in view (issue 16): polls its status at the relay into the record, and
 * re-creates a channel the relay no longer knows, within the heal guard's limits.
 */

export interface ChannelUpkeepDeps {
  readonly calcom: CalcomClient;
  readonly relayFor: (relayUrl: string) => RelayClient;
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly accessToken: () => Promise<string>;
  readonly deviceId: () => string;
  readonly newWebhookSecret: () => string;
  readonly sync: {
    readonly offline: () => boolean;
    readonly running: () => boolean;
    stop(): Promise<void>;
    start(record: IntegrationRecord): Promise<void>;
  };
  /** A connect in progress owns the channel: no heal meanwhile. */
  readonly connecting: () => boolean;
  readonly publish: () => Promise<void>;
  readonly notice: (message: string) => void;
  readonly pushState: () => void;
  readonly healGuard?: HealGuardOptions;
  readonly pollMs?: number;
  readonly offlineProbeMs?: number;
}

export interface ChannelUpkeep extends ChannelWatch {
  /** Sync's state changed: going offline may mean the relay lost the channel (401), so look at once. */
  syncChanged(): void;
}

const HEALED_MESSAGE =
  'The LifeScore relay had lost your connection (its data was reset). ' +
  'LifeScore set it up again and is catching up on bookings from Cal.com.';

export function createChannelUpkeep(deps: ChannelUpkeepDeps): ChannelUpkeep {
  const { keychain, settings, clock, logger, sync } = deps;
  const healGuard = new HealGuard(deps.healGuard);
  let wasOffline = false;

  /** Reads the channel's status at the relay into the record; a channel the relay no longer knows is re-created. */
  async function checkChannel(): Promise<void> {
    const record = readIntegration(settings);
    if (!record?.isConnected) return;
    const token = await keychain.get(keychainAccounts.relayToken).catch(() => null);
    if (!token) return;
    try {
      const status = await deps.relayFor(record.channel.relayUrl).channelStatus(record.channel.channelId, token);
      const latest = readIntegration(settings);
      if (latest?.channel.channelId !== status.id) return; // reconnected meanwhile
      const next: IntegrationRecord = {
        ...latest,
        approval: status.approval,
        emailsActive: status.emailsActive,
        ...(status.identity ? { identity: status.identity } : {}),
        ...(status.profile ? { profileSlug: status.profile.slug, profileVisible: status.profile.visible } : {}),
      };
      const { otherDeviceSince: _dropped, ...rest } = next;
      void _dropped;
      const other = status.otherDeviceSince;
      const written: IntegrationRecord = other ? { ...rest, otherDeviceSince: other } : rest;
      if (JSON.stringify(written) !== JSON.stringify(latest)) {
        settings.writeRecord(recordKeys.integration, written);
        deps.pushState();
      }
    } catch (err) {
      if (isChannelGone(err)) await healLostChannel(record);
      // Anything else (relay down, an older relay without this route) is not ours to fix: the next poll tries again.
    }
  }

  async function healLostChannel(record: IntegrationRecord): Promise<void> {
    if (record.reconnectNeeded || deps.connecting()) return;
    if (!healGuard.tryStart(clock.now())) {
      logger.warn('relay channel lost; not re-creating it yet (heal limit)');
      return;
    }
    try {
      await sync.stop();
      const healed = await healChannel(
        {
          calcom: deps.calcom,
          relayFor: deps.relayFor,
          keychain,
          settings,
          clock,
          logger,
          accessToken: deps.accessToken,
          deviceId: deps.deviceId(),
          newSecret: deps.newWebhookSecret,
        },
        record,
      );
      healGuard.succeeded();
      await deps.publish();
      await sync.start(healed); // starting sync reconciles with Cal.com, so nothing booked meanwhile is missed
      deps.notice(HEALED_MESSAGE);
      deps.pushState();
      void watch.nudge();
    } catch (err) {
      healGuard.failed();
      const code = err instanceof AppFailure ? err.code : 'internal';
      logger.error('re-creating the lost relay channel failed; will retry', { code, err: String(err) });
      const still = readIntegration(settings);
      if (still?.isConnected && !sync.running()) await sync.start(still).catch(() => undefined);
    }
  }

  const watch = createChannelWatch({
    check: checkChannel,
    isOffline: sync.offline,
    ...(deps.pollMs !== undefined ? { intervalMs: deps.pollMs } : {}),
    ...(deps.offlineProbeMs !== undefined ? { offlineProbeMs: deps.offlineProbeMs } : {}),
  });

  return {
    start: () => watch.start(),
    stop: () => watch.stop(),
    nudge: () => watch.nudge(),
    syncChanged() {
      const offline = sync.offline();
      if (offline && !wasOffline) void watch.nudge();
      wasOffline = offline;
    },
  };
}
