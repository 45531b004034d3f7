import { AppFailure } from '../../../common/errors';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import { RelayApiError } from '../relay-client/relay-client';
import type { IntegrationRecord } from './integration-records';
import { recordKeys } from './integration-records';
import { buildProfileBody } from './profile-body';

export interface ProfilePublisherDeps {
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly relayFor: (relayUrl: string) => RelayClient;
  readonly logger: Logger;
}

/**
 * Publishes the consultant's public profile to the relay channel (best effort: a profile that cannot be published
 * never breaks the connection). Returns a message for the consultant when they must act (slug taken), else null.
 */
export async function publishProfile(deps: ProfilePublisherDeps): Promise<string | null> {
  const record = deps.settings.readRecord<IntegrationRecord>(recordKeys.integration);
  if (!record?.isConnected) return null;
  const body = buildProfileBody(deps.settings.read(), record);
  if (!body) return null;
  try {
    const token = await deps.keychain.get(keychainAccounts.relayToken);
    if (!token) return null;
    await deps.relayFor(record.channel.relayUrl).setProfile(record.channel.channelId, token, body);
    const latest = deps.settings.readRecord<IntegrationRecord>(recordKeys.integration);
    if (latest?.isConnected) deps.settings.writeRecord(recordKeys.integration, { ...latest, profileSlug: body.slug });
    return null;
  } catch (err) {
    deps.logger.warn('public profile not published', { code: err instanceof AppFailure ? err.code : 'internal' });
    if (err instanceof RelayApiError && err.status === 409) {
      return `Your public profile address "${body.slug}" is already taken. Choose another one in Settings.`;
    }
    return null;
  }
}
