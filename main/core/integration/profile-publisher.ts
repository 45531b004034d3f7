import { AppFailure } from '../../../common/errors';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Keychain, Logger, SettingsStore } from '../ports';
import type { RelayClient } from '../relay-client/relay-client';
import { RelayApiError } from '../relay-client/relay-client';
import type { IntegrationRecord } from './integration-records';
import { recordKeys } from './integration-records';
import { buildProfileBody, profileUrlOf } from './profile-body';
import type { ProfileAnswer } from '../../../common/app-state';

export interface ProfilePublisherDeps {
  readonly keychain: Keychain;
  readonly settings: SettingsStore;
  readonly relayFor: (relayUrl: string) => RelayClient;
  readonly logger: Logger;
}

/**
 * Publishes the consultant's public profile to the relay channel (best effort: a profile that cannot be published
 * never breaks the connection). Returns the relay's answer (Settings shows it inline), or null when nothing was sent.
 */
export async function publishProfile(deps: ProfilePublisherDeps): Promise<ProfileAnswer | null> {
  const record = deps.settings.readRecord<IntegrationRecord>(recordKeys.integration);
  if (!record?.isConnected) return null;
  const body = buildProfileBody(deps.settings.read(), record);
  if (!body) return null;
  try {
    const token = await deps.keychain.get(keychainAccounts.relayToken);
    if (!token) return null;
    const answer = await deps.relayFor(record.channel.relayUrl).setProfile(record.channel.channelId, token, body);
    const latest = deps.settings.readRecord<IntegrationRecord>(recordKeys.integration);
    if (latest?.isConnected) {
      deps.settings.writeRecord(recordKeys.integration, {
        ...latest,
        profileSlug: body.slug,
        ...(answer ? { profileVisible: answer.visible } : {}),
      });
    }
    const url = answer?.url ?? profileUrlOf(record.channel.relayUrl, body.slug);
    const hidden = answer && !answer.visible ? ' It shows once LifeScore has approved your account.' : '';
    return { status: 'saved', slug: body.slug, url, message: `Saved: your profile address is ${url}.${hidden}` };
  } catch (err) {
    deps.logger.warn('public profile not published', { code: err instanceof AppFailure ? err.code : 'internal' });
    return answerFor(err, body.slug);
  }
}

function answerFor(err: unknown, slug: string): ProfileAnswer {
  if (err instanceof RelayApiError && err.status === 409) {
    return { status: 'taken', slug, message: `The profile address "${slug}" is already taken. Choose another one.` };
  }
  if (err instanceof RelayApiError && err.status === 403) {
    return {
      status: 'not-verified',
      slug,
      message:
        'The relay has not verified your Cal.com account yet, so the profile cannot be published. Reconnect Cal.com.',
    };
  }
  if (err instanceof RelayApiError && err.status === 400) {
    return { status: 'invalid', slug, message: `The relay refused the profile: ${err.message}` };
  }
  return {
    status: 'failed',
    slug,
    message:
      err instanceof AppFailure ? err.message : 'The profile could not be published; it is retried on the next change.',
  };
}
